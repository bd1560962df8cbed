"""Clinic pages: parse the request, call a query or a service, render."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cc4c import csv_export
from clinics import queries, services
from clinics.forms import (
    AttendanceForm,
    BookForm,
    CancelAppointmentForm,
    CancelSessionForm,
    DecisionForm,
    OutcomeForm,
    ReferralForm,
    SessionForm,
    SlotChoiceForm,
)
from clinics.models import (
    Appointment,
    AppointmentStatus,
    ClinicSession,
    NotBroughtFollowUp,
    Outcome,
    Referral,
    ReferralStatus,
)
from hubs import access
from hubs.access import requires
from hubs.audit import record
from population.models import Child


def _page(request, qs):
    return Paginator(qs, 50).get_page(request.GET.get("page"))


# Sessions


@requires("clinic.view")
def session_list(request):
    past = request.GET.get("when") == "past"
    page = _page(request, queries.session_list(request.user, past=past))
    return render(
        request,
        "clinics/session_list.html",
        {"page": page, "past": past, "can_book": access.can(request.user, "clinic.book")},
    )


@requires("clinic.book")
def session_create(request):
    hubs = queries.hubs_for(request.user, "clinic.book")
    form = SessionForm(request.POST or None, hubs=hubs)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.create_session(**form.cleaned_data, by=request.user)
        except services.ClinicError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Session created with {session.slots.count()} slots.")
            return redirect("clinics:session_detail", pk=session.pk)
    return render(request, "clinics/session_form.html", {"form": form})


def _session(request, pk, action="clinic.view"):
    qs = ClinicSession.objects.visible_to(request.user, action).select_related(
        "hub", "host_practice"
    )
    return get_object_or_404(qs, pk=pk)


def _session_context(request, session):
    slots = queries.session_slots(session)
    record(request, action="clinic.session.view", hub=session.hub_id, obj=session)
    return {
        "session": session,
        "slots": slots,
        "clinicians": list(session.clinicians.all()),
        "booked": sum(1 for s in slots if s.appointment),
    }


def session_detail(request, pk):
    session = _session(request, pk)
    context = _session_context(request, session)
    user = request.user
    context["can_book"] = access.can(user, "clinic.book", session.hub_id)
    context["can_run"] = access.can(user, "clinic.run", session.hub_id)
    context["outcomes"] = Outcome.choices
    if context["can_book"] and not session.is_cancelled:
        context["waiting"] = (
            Referral.objects.visible_to(user, "clinic.book")
            .filter(hub_id=session.hub_id, status=ReferralStatus.WAITING)
            .select_related("child")
            .order_by("referral_date")
        )
    return render(request, "clinics/session_detail.html", context)


def session_print(request, pk):
    session = _session(request, pk)
    return render(request, "clinics/session_print.html", _session_context(request, session))


@require_POST
def session_book(request, pk):
    session = _session(request, pk, "clinic.book")
    form = BookForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a child from the waiting list for the slot.")
        return redirect("clinics:session_detail", pk=session.pk)
    slot = get_object_or_404(session.slots, pk=form.cleaned_data["slot"])
    referral = get_object_or_404(
        Referral.objects.visible_to(request.user, "clinic.book").select_related("child__practice"),
        pk=form.cleaned_data["referral"],
        hub_id=session.hub_id,
        status=ReferralStatus.WAITING,
    )
    try:
        services.book_appointment(
            slot=slot, child=referral.child, referral=referral, by=request.user
        )
    except services.ClinicError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Booked for {slot.start_time:%H:%M}.")
    return redirect("clinics:session_detail", pk=session.pk)


def session_cancel(request, pk):
    session = _session(request, pk, "clinic.book")
    booked = [s.appointment for s in queries.session_slots(session) if s.appointment]
    booked = [a for a in booked if a.status == AppointmentStatus.BOOKED]
    form = CancelSessionForm(request.POST or None, booked=booked)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_session(
                session=session,
                reason=form.cleaned_data["reason"],
                rebook_ids=form.rebook_ids(),
                by=request.user,
            )
        except services.ClinicError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The session is cancelled and the practices are told.")
            return redirect("clinics:session_detail", pk=session.pk)
    record(request, action="clinic.session.view", hub=session.hub_id, obj=session)
    return render(
        request,
        "clinics/session_cancel.html",
        {"session": session, "form": form, "booked": len(booked)},
    )


# Appointments


def _appointment(request, pk, action="clinic.view"):
    qs = Appointment.objects.visible_to(request.user, action).select_related(
        "child__practice", "slot__session__hub", "slot__session__host_practice", "referral"
    )
    return get_object_or_404(qs, pk=pk)


def appointment_letter(request, pk):
    """The letter to the family: when and where, what to bring, and the feedback link."""
    appointment = _appointment(request, pk)
    record(
        request,
        action="clinic.appointment.letter",
        hub=appointment.slot.session.hub_id,
        child_id=appointment.child_id,
        obj=appointment,
    )
    session = appointment.slot.session
    context = {
        "appointment": appointment,
        "child": appointment.child,
        "session": session,
        "clinicians": list(session.clinicians.all()),
    }
    return render(request, "clinics/appointment_letter.html", context)


def appointment_detail(request, pk):
    appointment = _appointment(request, pk)
    hub_id = appointment.slot.session.hub_id
    record(
        request,
        action="clinic.appointment.view",
        hub=hub_id,
        child_id=appointment.child_id,
        obj=appointment,
    )
    user = request.user
    can_book = access.can(user, "clinic.book", hub_id)
    slots = queries.free_slots(user, hub_id) if can_book else None
    context = {
        "appointment": appointment,
        "child": appointment.child,
        "can_book": can_book,
        "can_run": access.can(user, "clinic.run", hub_id),
        "attendance_form": AttendanceForm(),
        "outcome_form": OutcomeForm(initial={"outcome": appointment.outcome}),
        "cancel_form": CancelAppointmentForm(),
        "slot_form": SlotChoiceForm(slots=slots) if slots is not None else None,
        "history": appointment.history.select_related("history_user")[:20],
        "follow_up": NotBroughtFollowUp.objects.filter(appointment=appointment).first(),
    }
    return render(request, "clinics/appointment_detail.html", context)


def _after(request, appointment, done):
    try:
        done()
    except services.ClinicError as exc:
        messages.error(request, str(exc))
    if request.POST.get("back") == "session":
        # Marked from the clinic list on the day: stay on the list.
        return redirect("clinics:session_detail", pk=appointment.slot.session_id)
    return redirect("clinics:appointment_detail", pk=appointment.pk)


@require_POST
def appointment_attendance(request, pk):
    appointment = _appointment(request, pk, "clinic.run")
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose attended or not brought.")
        return redirect("clinics:appointment_detail", pk=appointment.pk)
    if form.cleaned_data["status"] == AppointmentStatus.ATTENDED:
        action = services.mark_attended
    else:
        action = services.mark_not_brought
    return _after(request, appointment, lambda: action(appointment=appointment, by=request.user))


@require_POST
def appointment_outcome(request, pk):
    appointment = _appointment(request, pk, "clinic.run")
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Outcome: choose one from the list.")
        return redirect("clinics:appointment_detail", pk=appointment.pk)
    return _after(
        request,
        appointment,
        lambda: services.record_outcome(
            appointment=appointment, **form.cleaned_data, by=request.user
        ),
    )


@require_POST
def appointment_cancel(request, pk):
    appointment = _appointment(request, pk, "clinic.book")
    form = CancelAppointmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say who cancelled and why.")
        return redirect("clinics:appointment_detail", pk=appointment.pk)
    return _after(
        request,
        appointment,
        lambda: services.cancel_appointment(
            appointment=appointment,
            by_family=form.cleaned_data["by"] == "family",
            reason=form.cleaned_data["reason"],
            by=request.user,
        ),
    )


def _slot_form(request, appointment):
    slots = queries.free_slots(request.user, appointment.slot.session.hub_id)
    form = SlotChoiceForm(request.POST, slots=slots)
    if not form.is_valid():
        messages.error(request, "New slot: choose a free slot.")
        return None
    return form.cleaned_data


@require_POST
def appointment_move(request, pk):
    appointment = _appointment(request, pk, "clinic.book")
    data = _slot_form(request, appointment)
    if data is None:
        return redirect("clinics:appointment_detail", pk=appointment.pk)
    return _after(
        request,
        appointment,
        lambda: services.move_appointment(appointment=appointment, **data, by=request.user),
    )


@require_POST
def appointment_follow_up(request, pk):
    appointment = _appointment(request, pk, "clinic.book")
    data = _slot_form(request, appointment)
    if data is None:
        return redirect("clinics:appointment_detail", pk=appointment.pk)
    try:
        new = services.book_follow_up(appointment=appointment, slot=data["slot"], by=request.user)
    except services.ClinicError as exc:
        messages.error(request, str(exc))
        return redirect("clinics:appointment_detail", pk=appointment.pk)
    messages.success(request, "Follow-up appointment booked.")
    return redirect("clinics:appointment_detail", pk=new.pk)


# Waiting list and referrals


@requires("clinic.view")
def waiting_list(request):
    sort = request.GET.get("sort", "waited")
    q = request.GET.get("q", "").strip()
    page = _page(request, queries.waiting_list(request.user, sort=sort, q=q))
    queries.mark_over_target(page.object_list)
    return render(request, "clinics/waiting_list.html", {"page": page, "sort": sort, "q": q})


@requires("clinic.view")
def waiting_list_csv(request):
    """The waiting list as a spreadsheet: identifiable, so the download is audited."""
    referrals = queries.mark_over_target(list(queries.waiting_list(request.user)))
    record(request, action="clinic.waiting_list.export")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="clinic-waiting-list.csv"'
    writer = csv_export.writer(response)
    writer.writerow(
        ["nhs_number", "given_name", "family_name", "practice", "referral_date", "weeks_waiting"]
        + ["over_target", "priority", "source", "reason"]
    )
    for r in referrals:
        child = r.child
        writer.writerow(
            [child.nhs_number, child.given_name, child.family_name, child.practice.name]
            + [r.referral_date.isoformat(), r.weeks_waiting, "yes" if r.over_target else "no"]
            + [r.priority, r.source, r.reason]
        )
    return response


def refer(request, child_id):
    child = get_object_or_404(
        Child.objects.visible_to(request.user, "clinic.refer").select_related("practice"),
        pk=child_id,
    )
    record(request, action="clinic.refer.view", hub=child.practice.hub_id, child_id=child.pk)
    form = ReferralForm(request.POST or None, initial={"referral_date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.refer(child=child, **form.cleaned_data, by=request.user)
        except services.ClinicError as exc:
            form.add_error("referral_date", str(exc))
        else:
            messages.success(request, "The child is on the clinic's waiting list.")
            return redirect("clinics:waiting_list")
    return render(request, "clinics/refer.html", {"form": form, "child": child})


# Not-brought follow-ups


@requires("clinic.view")
def follow_up_list(request):
    page = _page(request, queries.follow_up_worklist(request.user))
    return render(request, "clinics/follow_up_list.html", {"page": page})


def follow_up_detail(request, pk):
    qs = NotBroughtFollowUp.objects.visible_to(request.user).select_related(
        "appointment__child__practice",
        "appointment__slot__session__hub",
        "appointment__slot__session__host_practice",
        "decided_by",
    )
    follow_up = get_object_or_404(qs, pk=pk)
    appointment = follow_up.appointment
    hub_id = appointment.slot.session.hub_id
    can_decide = follow_up.is_open and access.can(request.user, "clinic.refer", hub_id)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        if not can_decide:
            raise Http404("No such page.")
        if form.is_valid():
            try:
                services.record_decision(
                    follow_up=follow_up,
                    decision=form.cleaned_data["decision"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except services.ClinicError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Decision recorded. The follow-up is closed.")
                return redirect("clinics:follow_up_list")
    record(
        request,
        action="clinic.follow_up.view",
        hub=hub_id,
        child_id=appointment.child_id,
        obj=follow_up,
    )
    return render(
        request,
        "clinics/follow_up_detail.html",
        {
            "follow_up": follow_up,
            "appointment": appointment,
            "child": appointment.child,
            "form": form,
            "can_decide": can_decide,
            "assigned": list(follow_up.assigned_to.all()),
        },
    )
