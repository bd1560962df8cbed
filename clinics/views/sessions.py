"""Sessions: the list, a new session, a session's page and print-out, booking a free slot,
cancelling."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from cc4c import formatting, submissions
from cc4c.errors import ServiceError
from cc4c.submissions import AlreadySubmitted
from clinics import queries, services
from clinics.forms import BookChildForm, CancelSessionForm, SessionForm
from clinics.models import AppointmentStatus, ClinicSession, Outcome
from clinics.views.common import page_of, posted
from hubs import access
from hubs.access import requires
from hubs.audit import record


@requires("clinic.view")
def session_list(request):
    past = request.GET.get("when") == "past"
    page = page_of(request, queries.session_list(request.user, past=past))
    return render(
        request,
        "clinics/session_list.html",
        {
            "page": page,
            "past": past,
            "can_book": access.can(request.user, "clinic.book"),
            "given_back": list(queries.given_back_by_families(request.user)[:20]),
        },
    )


@requires("clinic.book")
def session_create(request):
    hubs = queries.hubs_for(request.user, "clinic.book")
    form = SessionForm(posted(request), hubs=hubs)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.create_session(**form.cleaned_data, by=request.user)
        except ServiceError as exc:
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
    booked = [s.appointment.child_id for s in slots if s.appointment]
    record(request, action="clinic.session.view", hub=session.hub_id, obj=session, children=booked)
    session.unrecorded_count = sum(
        1 for s in slots if s.appointment and s.appointment.status == AppointmentStatus.BOOKED
    )
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
    context["attendance_open"] = session.attendance_open()
    context["outcomes"] = Outcome.choices
    return render(request, "clinics/session_detail.html", context)


def session_print(request, pk):
    session = _session(request, pk)
    return render(request, "clinics/session_print.html", _session_context(request, session))


def slot_book(request, pk, slot_pk):
    """Book a free slot: the child is chosen from the hub's waiting list, never preselected."""
    session = _session(request, pk, "clinic.book")
    slot = get_object_or_404(session.slots, pk=slot_pk)
    taken = slot.appointments.live().select_related("child").first()
    referrals = queries.waiting_list(
        request.user,
        sort=request.GET.get("sort", "waited"),
        q=request.GET.get("q", "").strip(),
        hub_id=session.hub_id,
        action="clinic.book",
    )
    all_waiting = queries.waiting_list(request.user, hub_id=session.hub_id, action="clinic.book")
    form = BookChildForm(posted(request), referrals=all_waiting)
    refusal = None
    if session.is_cancelled:
        refusal = "This session is cancelled: no one can be booked into it."
    elif session.is_over():
        refusal = services.session_over_message(session)
    elif taken is not None:
        refusal = f"The {formatting.clock(slot.start_time)} slot is booked already."
    if request.method == "POST" and form.is_valid():
        referral = form.cleaned_data["referral"]
        try:
            services.book_appointment(
                slot=slot,
                child=referral.child,
                referral=referral,
                submission=form.cleaned_data["submission"],
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        except AlreadySubmitted as sent:
            return booked_before(request, sent)
        else:
            messages.success(request, booked_message(referral.child, slot))
            return redirect("clinics:session_detail", pk=session.pk)
    if (sent := sent_before(request)) is not None:
        return booked_before(request, sent)
    page = page_of(request, referrals)
    shown = [r.child_id for r in page] + ([taken.child_id] if taken else [])
    record(request, action="clinic.session.view", hub=session.hub_id, obj=session, children=shown)
    queries.mark_over_target(page.object_list)
    shared = queries.mark_shared_names(page.object_list, queries.shared_names(all_waiting))
    return render(
        request,
        "clinics/slot_book.html",
        {
            "session": session,
            "slot": slot,
            "form": form,
            "page": page,
            "refusal": refusal,
            "shared_names": shared,
            "q": request.GET.get("q", ""),
            "sort": request.GET.get("sort", "waited"),
            "chosen": str(form["referral"].value() or ""),
        },
    )


def sent_before(request):
    """The booking form sent again after its first sending booked (the child no longer waits,
    the slot is taken): what that first sending booked."""
    if request.method != "POST":
        return None
    return submissions.earlier(request.POST.get(submissions.FIELD), by=request.user)


def booked_before(request, sent):
    appointment = sent.record
    if appointment is None:
        messages.info(request, "This form has already been sent.")
        return redirect("clinics:waiting_list")
    messages.info(
        request,
        "This booking was already made. " + booked_message(appointment.child, appointment.slot),
    )
    return redirect("clinics:session_detail", pk=appointment.slot.session_id)


def booked_message(child, slot):
    session = slot.session
    return (
        f"Booked: {child} (NHS number {child.formatted_nhs_number}) on "
        f"{formatting.weekday(session.date)} at {formatting.clock(slot.start_time)}, "
        f"{session.host_practice.name}. The practice is told."
    )


def session_cancel(request, pk):
    session = _session(request, pk, "clinic.book")
    if session.is_over() and not session.is_cancelled:
        messages.error(request, services.session_held_message(session))
        return redirect("clinics:session_detail", pk=session.pk)
    booked = [s.appointment for s in queries.session_slots(session) if s.appointment]
    booked = [a for a in booked if a.status == AppointmentStatus.BOOKED]
    form = CancelSessionForm(posted(request), booked=booked)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_session(
                session=session,
                reason=form.cleaned_data["reason"],
                rebook_ids=form.rebook_ids(),
                by=request.user,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The session is cancelled and the practices are told.")
            return redirect("clinics:session_detail", pk=session.pk)
    record(
        request,
        action="clinic.session.view",
        hub=session.hub_id,
        obj=session,
        children=[a.child_id for a in booked],
    )
    return render(
        request,
        "clinics/session_cancel.html",
        {"session": session, "form": form, "booked": len(booked)},
    )
