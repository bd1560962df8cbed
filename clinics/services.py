"""Every write that is a clinic business action. Keyword-only, the acting person as ``by``,
one transaction each, emails sent only once the transaction commits."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from clinics import notify
from clinics.models import (
    CANCELLED_STATUSES,
    Appointment,
    AppointmentStatus,
    AppointmentType,
    ClinicSession,
    Decision,
    FollowUpReminder,
    FollowUpStatus,
    NotBroughtFollowUp,
    Outcome,
    Referral,
    ReferralStatus,
    SessionStatus,
    Slot,
)

SLOT_TAKEN = "That slot was just booked by someone else. Choose another slot."
# Days after a follow-up opens that a reminder goes to its assignees, if still undecided.
REMINDER_DAYS = (3, 7, 14, 28)
REPEAT_NOT_BROUGHT_DAYS = 365


class ClinicError(Exception):
    """A refusal with a message a coordinator or clinician can act on."""


def create_session(
    *, hub, date, host_practice, start_time, end_time, slot_minutes, clinicians=(), by
):
    """A scheduled session in one of the hub's practices, with its slots generated."""
    if host_practice.hub_id != hub.pk:
        raise ClinicError("The host practice must be one of the hub's practices.")
    session = ClinicSession(
        hub=hub,
        date=date,
        host_practice=host_practice,
        start_time=start_time,
        end_time=end_time,
        slot_minutes=slot_minutes,
        created_by=by,
    )
    times = session.slot_times()
    if not times:
        raise ClinicError("The session is shorter than one slot.")
    with transaction.atomic():
        session.save()
        session.clinicians.set(clinicians)
        Slot.objects.bulk_create(Slot(session=session, start_time=t) for t in times)
    return session


def cancel_session(*, session, reason, rebook_ids=None, by):
    """Cancel a session and every appointment in it; each practice is told, and each child in
    ``rebook_ids`` (every child when None) goes back on the waiting list to be rebooked."""
    with transaction.atomic():
        session = ClinicSession.objects.select_for_update().get(pk=session.pk)
        if session.is_cancelled:
            raise ClinicError("This session is already cancelled.")
        session.status = SessionStatus.CANCELLED
        session.cancelled_reason = reason
        session.save(update_fields=["status", "cancelled_reason"])
        booked = Appointment.objects.filter(
            slot__session=session, status=AppointmentStatus.BOOKED
        ).select_related("child", "referral__referred_by")
        for appointment in booked:
            _cancel(
                appointment,
                AppointmentStatus.CANCELLED_BY_CLINIC,
                f"Session cancelled: {reason}",
                rebook_ids is None or appointment.pk in rebook_ids,
            )
    return session


def refer(*, child, reason, referral_date=None, priority="routine", source="gp", by):
    """Put a child on their hub clinic's waiting list."""
    if referral_date and referral_date > timezone.localdate():
        raise ClinicError("The referral date cannot be in the future.")
    return Referral.objects.create(
        child=child,
        hub_id=child.practice.hub_id,
        referral_date=referral_date or timezone.localdate(),
        reason=reason,
        priority=priority,
        source=source,
        referred_by=by,
    )


def _check_slot(slot, child):
    session = slot.session
    if session.is_cancelled:
        raise ClinicError("That session is cancelled.")
    if child.practice.hub_id != session.hub_id:
        raise ClinicError("The child is not registered at a practice of this hub.")


def book_appointment(*, slot, child, by, referral=None, appointment_type=None):
    """Book the child into the slot; if someone else just took it, nothing is written and a
    ClinicError says so."""
    _check_slot(slot, child)
    if referral is not None and referral.child_id != child.pk:
        raise ClinicError("That referral is for another child.")
    appointment = Appointment(
        slot=slot,
        child=child,
        referral=referral,
        type=appointment_type or AppointmentType.NEW,
        referral_date=referral.referral_date if referral else None,
        booked_by=by,
    )
    try:
        with transaction.atomic():
            appointment.save()
            if referral is not None:
                Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.BOOKED)
            notify.tell_practice(appointment, "booked")
    except IntegrityError as exc:
        if "appointment_one_live_per_slot" in str(exc):
            raise ClinicError(SLOT_TAKEN) from exc
        raise
    return appointment


def move_appointment(*, appointment, slot, reason="", by):
    """Move a booked appointment to another free slot of the hub's clinics."""
    if appointment.status != AppointmentStatus.BOOKED:
        raise ClinicError("Only a booked appointment can be moved.")
    if slot.pk == appointment.slot_id:
        raise ClinicError("The appointment is already in that slot.")
    _check_slot(slot, appointment.child)
    appointment.slot = slot
    appointment.reason = reason
    appointment._change_reason = "moved"
    try:
        with transaction.atomic():
            appointment.save(update_fields=["slot", "reason"])
            notify.tell_practice(appointment, "moved")
    except IntegrityError as exc:
        if "appointment_one_live_per_slot" in str(exc):
            raise ClinicError(SLOT_TAKEN) from exc
        raise
    return appointment


def _cancel(appointment, status, reason, return_to_waiting_list):
    appointment.status = status
    appointment.reason = reason
    appointment.save(update_fields=["status", "reason"])
    if appointment.referral_id:
        # Back on the waiting list to be rebooked, or closed: the practice decides what next.
        status = ReferralStatus.WAITING if return_to_waiting_list else ReferralStatus.CLOSED
        Referral.objects.filter(pk=appointment.referral_id).exclude(
            status=ReferralStatus.CLOSED
        ).update(status=status)
    notify.tell_practice(appointment, "cancelled")


def cancel_appointment(*, appointment, by_family, reason, return_to_waiting_list=True, by):
    """Cancel a booked appointment, by the family or by the clinic, with the reason."""
    if appointment.status != AppointmentStatus.BOOKED:
        raise ClinicError("Only a booked appointment can be cancelled.")
    if not reason.strip():
        raise ClinicError("Say why the appointment is cancelled.")
    status = (
        AppointmentStatus.CANCELLED_BY_FAMILY
        if by_family
        else AppointmentStatus.CANCELLED_BY_CLINIC
    )
    with transaction.atomic():
        _cancel(appointment, status, reason, return_to_waiting_list)
    return appointment


def _on_the_day(appointment, allowed=(AppointmentStatus.BOOKED,)):
    if appointment.status not in allowed:
        raise ClinicError(
            f"This appointment is {appointment.get_status_display().lower()} already."
        )
    if appointment.slot.session.date > timezone.localdate():
        raise ClinicError("Attendance can be recorded on the day of the clinic, not before.")


def mark_attended(*, appointment, by, outcome="", note=""):
    """Record that the child was seen, with the outcome if known."""
    _on_the_day(appointment)
    if outcome and outcome not in Outcome.values:
        raise ClinicError("Choose an outcome from the list.")
    with transaction.atomic():
        appointment.status = AppointmentStatus.ATTENDED
        appointment.outcome = outcome
        appointment.note = note or appointment.note
        appointment.save(update_fields=["status", "outcome", "note"])
        if outcome and appointment.referral_id:
            _close_referral_after(appointment)
    return appointment


def _close_referral_after(appointment):
    Referral.objects.filter(pk=appointment.referral_id).update(status=ReferralStatus.CLOSED)


def record_outcome(*, appointment, outcome, note="", by):
    """Record (or correct) the outcome of an attended appointment; history keeps the old one."""
    if appointment.status != AppointmentStatus.ATTENDED:
        raise ClinicError("An outcome can only be recorded for an attended appointment.")
    if outcome not in Outcome.values:
        raise ClinicError("Choose an outcome from the list.")
    with transaction.atomic():
        appointment.outcome = outcome
        appointment.note = note
        appointment.save(update_fields=["outcome", "note"])
        if appointment.referral_id:
            _close_referral_after(appointment)
    return appointment


def _escalation_reason(appointment):
    child = appointment.child
    if child.has_safeguarding_flag:
        return "The child has a safeguarding flag."
    day = appointment.slot.session.date
    recent = Appointment.objects.filter(
        child=child,
        status=AppointmentStatus.NOT_BROUGHT,
        slot__session__date__gt=day - datetime.timedelta(days=REPEAT_NOT_BROUGHT_DAYS),
        slot__session__date__lte=day,
    ).count()
    if recent >= 2:
        return "Not brought twice in 12 months."
    return ""


def mark_not_brought(*, appointment, by):
    """Record that the child was not brought; opens the follow-up for the referring clinician
    and the hub lead, escalated to the lead at once when the child is at risk."""
    _on_the_day(appointment)
    with transaction.atomic():
        appointment.status = AppointmentStatus.NOT_BROUGHT
        appointment.save(update_fields=["status"])
        return _open_follow_up(appointment)


def _open_follow_up(appointment):
    hub = appointment.slot.session.hub
    follow_up = NotBroughtFollowUp.objects.create(appointment=appointment)
    assignees = [p for p in (_referrer(appointment), hub.lead) if p is not None]
    follow_up.assigned_to.set(assignees)
    reason = _escalation_reason(appointment)
    if reason:
        follow_up.escalated = True
        follow_up.escalated_at = timezone.now()
        follow_up.escalation_reason = reason
        follow_up.save(update_fields=["escalated", "escalated_at", "escalation_reason"])
        if hub.lead is not None:
            notify.escalate(follow_up, hub.lead)
    return follow_up


def open_missing_follow_ups():
    """The beat sweep: every appointment marked not brought without a follow-up (by an import
    or in the admin site) gets one, as if marked on the day; safe to run twice at once."""
    missing = Appointment.objects.filter(
        status=AppointmentStatus.NOT_BROUGHT, follow_up__isnull=True
    ).select_related("slot__session__hub__lead", "referral__referred_by", "child")
    opened = 0
    for appointment in missing:
        try:
            with transaction.atomic():
                _open_follow_up(appointment)
        except IntegrityError:
            continue  # another sweep opened it at the same moment
        opened += 1
    return opened


def _referrer(appointment):
    return appointment.referral.referred_by if appointment.referral_id else None


def mark_cancelled(*, appointment, by_family, reason, by):
    """On the day: the appointment did not happen because it was cancelled."""
    return cancel_appointment(appointment=appointment, by_family=by_family, reason=reason, by=by)


def book_follow_up(*, appointment, slot, by):
    """Book the child's follow-up appointment after an attended one."""
    if appointment.status != AppointmentStatus.ATTENDED:
        raise ClinicError("A follow-up can only be booked after an attended appointment.")
    return book_appointment(
        slot=slot,
        child=appointment.child,
        referral=None,
        appointment_type=AppointmentType.FOLLOW_UP,
        by=by,
    )


def record_decision(*, follow_up, decision, note="", by):
    """Close a not-brought follow-up with the decision; it cannot close without one."""
    if decision not in Decision.values:
        raise ClinicError("Choose a decision.")
    if decision == Decision.DISCHARGED_WITH_REASON and not note.strip():
        raise ClinicError("Say why the child is discharged.")
    with transaction.atomic():
        follow_up = NotBroughtFollowUp.objects.select_for_update().get(pk=follow_up.pk)
        if not follow_up.is_open:
            raise ClinicError("A decision has already been recorded.")
        follow_up.status = FollowUpStatus.CLOSED
        follow_up.decision = decision
        follow_up.decision_note = note
        follow_up.decided_by = by
        follow_up.decided_at = timezone.now()
        follow_up.save()
    return follow_up


def send_follow_up_reminders(*, now=None):
    """The beat sweep: remind the assignees of each undecided follow-up at each reminder day,
    each reminder claimed in the database first so it is sent once. Returns how many."""
    now = now or timezone.now()
    first_due = now - datetime.timedelta(days=REMINDER_DAYS[0])
    open_ones = (
        NotBroughtFollowUp.objects.unresolved()
        .filter(opened_at__lte=first_due)
        .exclude(appointment__status__in=CANCELLED_STATUSES)
        .select_related("appointment__slot__session__hub__lead")
        .prefetch_related("assigned_to", "reminders")
    )
    sent = 0
    for follow_up in open_ones:
        age_days = (now - follow_up.opened_at).days
        number = sum(1 for d in REMINDER_DAYS if age_days >= d)
        if any(r.number >= number for r in follow_up.reminders.all()):
            continue
        with transaction.atomic():
            _, claimed = FollowUpReminder.objects.get_or_create(
                follow_up=follow_up, number=number, defaults={"sent_at": now}
            )
            if not claimed:
                continue
            recipients = [p.email for p in follow_up.assigned_to.all()]
            lead = follow_up.appointment.slot.session.hub.lead
            if not recipients and lead is not None:
                recipients = [lead.email]
            notify.remind(follow_up, recipients)
            sent += 1
    return sent
