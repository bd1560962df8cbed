"""Every business action on MDT meetings: putting cases forward, running and finishing meetings.

Each function takes keyword arguments with the acting person as ``by``, runs in one transaction
and raises ``MdtError`` with a readable message when it refuses.
"""

import datetime
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from cc4c import formatting
from cc4c.errors import ServiceError
from clinics import services as clinic_services
from hubs.access import can, may_chair, people_in, roles_by_hub
from hubs.models import Hub, Role
from mdt import emails
from mdt.models import (
    OPEN_STATUSES,
    Action,
    ActionReminder,
    Attendance,
    CaseDiscussion,
    Meeting,
    MeetingStatus,
    Outcome,
    ReferrerRole,
)

LONDON = ZoneInfo("Europe/London")
DEFAULT_MEETING_TIME = datetime.time(12, 30)


class MdtError(ServiceError):
    """A refusal with a message to show the person who asked."""


# --- meetings --------------------------------------------------------------------------------


def _lock_hub(hub):
    # The hub's row is the turnstile for making its meetings: two people at once would
    # otherwise both find no meeting (with room, or at that time) and both create one.
    list(Hub.objects.select_for_update().filter(pk=hub.pk).values_list("pk", flat=True))


def schedule_series(
    *, hub, first_starts_at, count, by, place="", video_link="", chair=None, invitees=()
):
    """Create ``count`` meetings every ``hub.mdt_cadence_weeks`` weeks from ``first_starts_at``."""
    if not can(by, "mdt.manage", hub):
        raise MdtError("You cannot schedule meetings for this hub.")
    if count < 1 or count > 26:
        raise MdtError("Schedule between 1 and 26 meetings at a time.")
    local_first = timezone.localtime(first_starts_at, LONDON)
    meetings = []
    with transaction.atomic():
        _lock_hub(hub)
        starts = [
            # Keep the local clock time across daylight-saving changes.
            datetime.datetime.combine(
                local_first.date() + datetime.timedelta(weeks=hub.mdt_cadence_weeks * i),
                local_first.time(),
                tzinfo=LONDON,
            )
            for i in range(count)
        ]
        taken = Meeting.objects.filter(hub=hub, starts_at__in=starts).order_by("starts_at").first()
        if taken is not None:  # a form sent twice, or two coordinators at once
            when = timezone.localtime(taken.starts_at, LONDON)
            raise MdtError(
                f"The hub already has a meeting at {formatting.clock(when)} on "
                f"{formatting.day(when)}: nothing was scheduled."
            )
        for starts_at in starts:
            meeting = Meeting.objects.create(
                hub=hub, starts_at=starts_at, place=place, video_link=video_link, chair=chair
            )
            meeting.invitees.set(invitees)
            meetings.append(meeting)
    return meetings


def _next_meeting_after(hub, last):
    """A new meeting one cadence after ``last`` (or from today), copying its place and people."""
    now = timezone.now()
    if last is not None:
        local = timezone.localtime(last.starts_at, LONDON)
        day, at = local.date(), local.time()
    else:
        day, at = timezone.localdate(), DEFAULT_MEETING_TIME
    step = datetime.timedelta(weeks=hub.mdt_cadence_weeks or 1)
    day += step
    while datetime.datetime.combine(day, at, tzinfo=LONDON) <= now:
        day += step
    meeting = Meeting.objects.create(
        hub=hub,
        starts_at=datetime.datetime.combine(day, at, tzinfo=LONDON),
        place=last.place if last else "",
        video_link=last.video_link if last else "",
        chair=last.chair if last else None,
    )
    if last is not None:
        meeting.invitees.set(last.invitees.all())
    return meeting


def meeting_with_room(hub, *, exclude=None):
    """The hub's next open meeting with fewer cases than its cap, created per cadence if none.

    Locks the meetings it looks at so two people putting cases forward cannot overfill one.
    """
    now = timezone.now()
    _lock_hub(hub)
    candidates = Meeting.objects.select_for_update().filter(
        hub=hub, status__in=OPEN_STATUSES, starts_at__gt=now
    )
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    for meeting in candidates.order_by("starts_at", "id"):
        if meeting.cases.count() < hub.mdt_case_cap:
            return meeting
    last = Meeting.objects.filter(hub=hub).order_by("-starts_at", "-id").first()
    return _next_meeting_after(hub, last)


def _next_order(meeting):
    return (meeting.cases.aggregate(m=Max("agenda_order"))["m"] or 0) + 1


def _referrer_role_of(person, hub):
    """The referrer's role as the case records it, from their membership of the hub."""
    roles = roles_by_hub(person).get(hub.pk, set())
    for role in (Role.PAEDIATRICIAN, Role.GP):
        if role in roles:
            return ReferrerRole(role.value)
    return ReferrerRole.OTHER


def put_forward(
    *,
    by,
    child,
    clinical_question,
    consent_recorded,
    background="",
    tried="",
    involved="",
    referrer_role="",
    referred_on=None,
):
    """Put a child forward to the next meeting of their hub that has room."""
    hub = child.practice.hub
    if not can(by, "mdt.put_forward", hub):
        raise MdtError("You cannot put cases forward to this hub's MDT.")
    if not (clinical_question or "").strip():
        raise MdtError("Write the clinical question you want the meeting to answer.")
    if not consent_recorded:
        raise MdtError("Record consent to discussion before putting the case forward.")
    if referrer_role not in ReferrerRole.values:
        referrer_role = _referrer_role_of(by, hub)
    with transaction.atomic():
        meeting = meeting_with_room(hub)
        if meeting.cases.filter(child=child).exists():
            raise MdtError("This child is already on the agenda of the next meeting.")
        case = CaseDiscussion.objects.create(
            meeting=meeting,
            child=child,
            put_forward_by=by,
            referrer_role=referrer_role,
            referred_on=referred_on or timezone.localdate(),
            clinical_question=clinical_question.strip(),
            background=background,
            tried=tried,
            involved=involved,
            consent_recorded=True,
            agenda_order=_next_order(meeting),
        )
        # Whoever puts a case forward is invited to present it.
        meeting.invitees.add(by)
    return case


def _require_chair(by, meeting):
    if not may_chair(by, meeting):
        raise MdtError("Only the chair or a paediatrician of the hub can do this.")


def move_case(*, case, to_meeting, by):
    """Move an undiscussed case to another open meeting of the same hub with room."""
    _require_chair(by, case.meeting)
    if to_meeting.hub_id != case.meeting.hub_id or not to_meeting.is_open:
        raise MdtError("Choose an open meeting of the same hub.")
    if case.discussed:
        raise MdtError("This case has been discussed; it stays with its meeting.")
    with transaction.atomic():
        to_meeting = Meeting.objects.select_for_update().get(pk=to_meeting.pk)
        if to_meeting.cases.count() >= to_meeting.hub.mdt_case_cap:
            raise MdtError("That meeting is full.")
        if to_meeting.cases.filter(child_id=case.child_id).exists():
            raise MdtError("This child is already on that meeting's agenda.")
        case.meeting = to_meeting
        case.agenda_order = _next_order(to_meeting)
        case.save(update_fields=["meeting", "agenda_order"])
    return case


def reorder_case(*, case, up, by):
    """Swap a case with its neighbour on the agenda."""
    _require_chair(by, case.meeting)
    with transaction.atomic():
        cases = list(case.meeting.cases.select_for_update().order_by("agenda_order", "id"))
        for position, c in enumerate(cases, start=1):
            c.agenda_order = position
        index = next(i for i, c in enumerate(cases) if c.pk == case.pk)
        other = index - 1 if up else index + 1
        if 0 <= other < len(cases):
            cases[index].agenda_order, cases[other].agenda_order = (
                cases[other].agenda_order,
                cases[index].agenda_order,
            )
        CaseDiscussion.objects.bulk_update(cases, ["agenda_order"])


def send_agenda(*, meeting, now=None):
    """Send the agenda notice to the invitees once: the meeting is claimed before any email."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = Meeting.objects.filter(
            pk=meeting.pk, status=MeetingStatus.PLANNED, agenda_sent_at__isnull=True
        ).update(status=MeetingStatus.AGENDA_SENT, agenda_sent_at=now)
        if claimed:  # the notices are written to the outbox with the claim, or not at all
            emails.agenda_notice(meeting)
    return bool(claimed)


def send_due_agendas(now=None):
    """The sweep: every planned meeting within its hub's agenda notice is sent its agenda."""
    now = now or timezone.now()
    due = Meeting.objects.filter(
        status=MeetingStatus.PLANNED, agenda_sent_at__isnull=True, starts_at__gt=now
    ).select_related("hub")
    sent = 0
    for meeting in due:
        if meeting.starts_at - datetime.timedelta(hours=meeting.hub.agenda_notice_hours) <= now:
            sent += send_agenda(meeting=meeting, now=now)
    return sent


def start_meeting(*, meeting, by):
    _require_chair(by, meeting)
    if meeting.status == MeetingStatus.FINISHED:
        raise MdtError("This meeting has finished.")
    if meeting.status != MeetingStatus.IN_PROGRESS:
        meeting.status = MeetingStatus.IN_PROGRESS
        meeting.started_at = timezone.now()
        meeting.save(update_fields=["status", "started_at"])
    return meeting


def hub_people(hub):
    """People with an active MDT role in the hub: who can be invited, attend or own actions."""
    return people_in(hub, "mdt.view").order_by("last_name", "first_name")


def record_attendance(*, meeting, by, present_people, guests=()):
    """Replace the meeting's attendance: the people present, and guests as (name, profession)."""
    _require_chair(by, meeting)
    allowed = set(hub_people(meeting.hub).values_list("pk", flat=True)) | set(
        meeting.invitees.values_list("pk", flat=True)
    )
    if any(p.pk not in allowed for p in present_people):
        raise MdtError("Everyone recorded as present must work in this hub.")
    with transaction.atomic():
        meeting.attendances.all().delete()
        Attendance.objects.bulk_create(
            [Attendance(meeting=meeting, person=p, profession=p.profession) for p in present_people]
            + [
                Attendance(meeting=meeting, name=name.strip(), profession=profession.strip())
                for name, profession in guests
                if name.strip()
            ]
        )


def record_outcome(
    *,
    case,
    by,
    outcome,
    plan="",
    learning_points="",
    named_professional="",
    refer_to_clinic=False,
):
    """Record the meeting's decision on a case; the history keeps every earlier version.

    With ``refer_to_clinic`` an outreach_clinic outcome also puts the child on the hub clinic's
    waiting list, in the same transaction, the first time that outcome is recorded.
    """
    _require_chair(by, case.meeting)
    newly_clinic = outcome == Outcome.OUTREACH_CLINIC and case.outcome != Outcome.OUTREACH_CLINIC
    if case.meeting.status not in (MeetingStatus.IN_PROGRESS, MeetingStatus.FINISHED):
        raise MdtError("Start the meeting before recording outcomes.")
    if outcome not in Outcome.values:
        raise MdtError("Choose an outcome.")
    if outcome == Outcome.NAMED_PROFESSIONAL and not named_professional.strip():
        raise MdtError("Name the professional or service the child is referred to.")
    case.outcome = outcome
    case.discussed = True
    case.plan = plan
    case.learning_points = learning_points
    case.named_professional = named_professional.strip()
    with transaction.atomic():
        case.save()
        if refer_to_clinic and newly_clinic:
            try:
                clinic_services.refer(
                    child=case.child,
                    reason=case.plan or case.clinical_question or "MDT outcome: outreach clinic",
                    source="mdt",
                    by=by,
                )
            except ServiceError as exc:
                raise MdtError(str(exc), field=exc.field) from exc
    return case


def add_action(*, meeting, by, owner, description, due_on, case=None):
    """Agree an action with an owner and a due date, at a meeting, about a case or not."""
    _require_chair(by, meeting)
    if case is not None and case.meeting_id != meeting.pk:
        raise MdtError("That case is not on this meeting's agenda.")
    if not can(owner, "mdt.view", meeting.hub):
        raise MdtError("The owner must work in this hub's MDT.")
    if not description.strip():
        raise MdtError("Describe the action.")
    with transaction.atomic():
        return Action.objects.create(
            meeting=meeting,
            case=case,
            owner=owner,
            description=description.strip(),
            due_on=due_on,
            created_by=by,
        )


def complete_action(*, action, by):
    """Mark an action done: by its owner, or by the chair of the hub."""
    if action.owner_id != by.pk:
        _require_chair(by, action.meeting)
    if action.done_at is None:
        action.done_at = timezone.now()
        with transaction.atomic():
            action.save(update_fields=["done_at"])
    return action


def finish_meeting(*, meeting, by):
    """Finish the meeting; cases not discussed move to the next meeting with room."""
    _require_chair(by, meeting)
    if meeting.status == MeetingStatus.FINISHED:
        raise MdtError("This meeting has already finished.")
    moved = []
    with transaction.atomic():
        meeting.status = MeetingStatus.FINISHED
        meeting.finished_at = timezone.now()
        meeting.started_at = meeting.started_at or meeting.finished_at
        meeting.save(update_fields=["status", "finished_at", "started_at"])
        for case in meeting.cases.filter(discussed=False).order_by("agenda_order", "id"):
            target = meeting_with_room(meeting.hub, exclude=meeting)
            if target.cases.filter(child_id=case.child_id).exists():
                continue
            case.meeting = target
            case.agenda_order = _next_order(target)
            case.save(update_fields=["meeting", "agenda_order"])
            moved.append(case)
    return moved


def send_overdue_action_reminders(now=None):
    """The sweep: each action past its due date and not done reminds its owner, once."""
    now = now or timezone.now()
    today = timezone.localtime(now, LONDON).date()
    due = Action.objects.filter(
        due_on__lt=today, done_at__isnull=True, reminder__isnull=True
    ).select_related("owner")
    sent = 0
    for action in due:
        try:
            with transaction.atomic():
                ActionReminder.objects.create(action=action, sent_at=now)
                emails.action_reminder(action)
        except IntegrityError:
            continue  # another sweep claimed it
        sent += 1
    return sent
