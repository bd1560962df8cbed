"""An appointment's page and the actions on it: attendance, outcome, cancel, move, follow-up.
Each action says what it did; a refusal says why."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cc4c.errors import ServiceError
from clinics import letters as clinic_letters
from clinics import queries, services
from clinics.forms import (
    AttendanceForm,
    CancelAppointmentForm,
    OutcomeForm,
    SlotChoiceForm,
    slot_label,
)
from clinics.models import Appointment, AppointmentStatus, NotBroughtFollowUp, Outcome
from hubs import access
from hubs.audit import record
from letters import queries as letter_queries


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


def _render_detail(request, appointment, **forms):
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
        "session": appointment.slot.session,
        "can_book": can_book,
        "can_run": access.can(user, "clinic.run", hub_id),
        "attendance_open": appointment.slot.session.attendance_open(),
        "attendance_form": forms.get("attendance_form") or AttendanceForm(),
        "outcome_form": forms.get("outcome_form")
        or OutcomeForm(
            initial={
                "outcome": appointment.outcome,
                "plan": appointment.plan,
                "follows_up": appointment.follows_up,
                "note": appointment.note,
            }
        ),
        "cancel_form": forms.get("cancel_form") or CancelAppointmentForm(),
        "move_form": forms.get("move_form")
        or (SlotChoiceForm(slots=slots) if slots is not None else None),
        "follow_up_form": forms.get("follow_up_form")
        or (SlotChoiceForm(slots=slots) if slots is not None else None),
        "history": appointment.history.select_related("history_user")[:20],
        "follow_up": NotBroughtFollowUp.objects.filter(appointment=appointment).first(),
        "letters": letter_queries.about(appointment),
        "follows_up": clinic_letters.who_follows_up(appointment),
    }
    return render(request, "clinics/appointment_detail.html", context)


def appointment_detail(request, pk):
    return _render_detail(request, _appointment(request, pk))


def _done(request, appointment, run, success):
    """Run the service; say what it did, or why it was refused; back to where it was asked."""
    try:
        result = run()
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success(result) if callable(success) else success)
    if request.POST.get("back") == "session":
        # Marked from the clinic list on the day: stay on the list.
        return redirect("clinics:session_detail", pk=appointment.slot.session_id)
    return redirect("clinics:appointment_detail", pk=appointment.pk)


@require_POST
def appointment_attendance(request, pk):
    appointment = _appointment(request, pk, "clinic.run")
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, appointment, attendance_form=form)
    child = appointment.child
    if form.cleaned_data["status"] == AppointmentStatus.ATTENDED:
        return _done(
            request,
            appointment,
            lambda: services.mark_attended(appointment=appointment, by=request.user),
            f"{child}: attended. Record the outcome when you know it.",
        )
    return _done(
        request,
        appointment,
        lambda: services.mark_not_brought(appointment=appointment, by=request.user),
        f"{child}: not brought. A follow-up is open for the decision on what happens next.",
    )


@require_POST
def appointment_outcome(request, pk):
    appointment = _appointment(request, pk, "clinic.run")
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        if request.POST.get("back") == "session":
            messages.error(request, "Outcome: choose one from the list.")
            return redirect("clinics:session_detail", pk=appointment.slot.session_id)
        return _render_detail(request, appointment, outcome_form=form)
    label = dict(Outcome.choices)[form.cleaned_data["outcome"]]
    return _done(
        request,
        appointment,
        lambda: services.record_outcome(
            appointment=appointment, **form.cleaned_data, by=request.user
        ),
        f"{appointment.child}: outcome saved ({label.lower()}).",
    )


@require_POST
def appointment_cancel(request, pk):
    appointment = _appointment(request, pk, "clinic.book")
    form = CancelAppointmentForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, appointment, cancel_form=form)
    return _done(
        request,
        appointment,
        lambda: services.cancel_appointment(
            appointment=appointment,
            by_family=form.cleaned_data["by"] == "family",
            reason=form.cleaned_data["reason"],
            by=request.user,
        ),
        f"The appointment is cancelled and {appointment.child} is back on the waiting list. "
        "The practice is told.",
    )


@require_POST
def appointment_move(request, pk):
    appointment = _appointment(request, pk, "clinic.book")
    slots = queries.free_slots(request.user, appointment.slot.session.hub_id)
    form = SlotChoiceForm(request.POST, slots=slots)
    if not form.is_valid():
        return _render_detail(request, appointment, move_form=form)
    return _done(
        request,
        appointment,
        lambda: services.move_appointment(
            appointment=appointment, **form.cleaned_data, by=request.user
        ),
        lambda moved: f"Moved to {slot_label(moved.slot)}. The practice is told.",
    )


@require_POST
def appointment_follow_up(request, pk):
    appointment = _appointment(request, pk, "clinic.book")
    slots = queries.free_slots(request.user, appointment.slot.session.hub_id)
    form = SlotChoiceForm(request.POST, slots=slots)
    if not form.is_valid():
        return _render_detail(request, appointment, follow_up_form=form)
    try:
        new = services.book_follow_up(
            appointment=appointment, slot=form.cleaned_data["slot"], by=request.user
        )
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("clinics:appointment_detail", pk=appointment.pk)
    messages.success(request, f"Follow-up booked: {slot_label(new.slot)}. The practice is told.")
    return redirect("clinics:appointment_detail", pk=new.pk)
