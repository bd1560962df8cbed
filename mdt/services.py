"""Every business action on MDT meetings: putting cases forward, managing the agenda, running
and finishing meetings.

Each function takes keyword arguments with the acting person as ``by``, runs in one transaction
and raises ``MdtError`` with a readable message when it refuses.
"""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from cc4c import formatting, submissions
from cc4c.errors import ServiceError
from clinics import services as clinic_services
from hubs.access import can, may_chair, people_in, roles_by_hub
from hubs.models import Hub, Person, Role
from mdt import emails, invitations, lessons, letters
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
from mdt.scheduling import (
    LONDON,
    Carry,
    carry_over,
    lock_hub,
    meeting_with_room,
    next_order,
)
from population.models import Child

# The chair may open a meeting this long before it starts, on its own day.
EARLY_START = datetime.timedelta(hours=1)


class MdtError(ServiceError):
    """A refusal with a message to show the person who asked, about ``field`` when given."""


# --- who may do what to a meeting ------------------------------------------------------------


def may_manage(person: Person, meeting: Meeting) -> bool:
    """Who looks after the agenda: the hub's coordinators and paediatricians, and the chair
    (``hubs.access.may_chair``)."""
    return can(person, "mdt.manage", meeting.hub_id) or may_chair(person, meeting)


def _require_chair(by: Person, meeting: Meeting) -> None:
    if not may_chair(by, meeting):
        raise MdtError("Only the chair or a paediatrician of the hub can do this.")


def _require_manage(by: Person, meeting: Meeting) -> None:
    if not may_manage(by, meeting):
        raise MdtError("Only the hub's coordinator, a paediatrician or the chair can do this.")


def _require_open(meeting: Meeting, doing: str) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise MdtError(f"This meeting was cancelled: {doing} is no longer possible.")
    if meeting.status not in OPEN_STATUSES:
        raise MdtError(f"This meeting has started: {doing} is possible only before it starts.")


# --- scheduling and changing meetings --------------------------------------------------------


def schedule_series(
    *,
    hub: Hub,
    first_starts_at: datetime.datetime,
    count: int,
    by: Person,
    place: str = "",
    video_link: str = "",
    chair: Person | None = None,
    invitees: Iterable[Person] = (),
) -> list[Meeting]:
    """Create ``count`` meetings every ``hub.mdt_cadence_weeks`` weeks from ``first_starts_at``."""
    if not can(by, "mdt.manage", hub):
        raise MdtError("You cannot schedule meetings for this hub.")
    if count < 1 or count > 26:
        raise MdtError("Schedule between 1 and 26 meetings at a time.")
    local_first = timezone.localtime(first_starts_at, LONDON)
    meetings = []
    with transaction.atomic():
        lock_hub(hub)
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
            raise MdtError(
                f"The hub already has a meeting on {formatting.weekday_when(taken.starts_at)}: "
                "nothing was scheduled."
            )
        for starts_at in starts:
            meeting = Meeting.objects.create(
                hub=hub, starts_at=starts_at, place=place, video_link=video_link, chair=chair
            )
            meeting.invitees.set(invitees)
            invitations.publish(meeting)
            meetings.append(meeting)
    return meetings


def change_meeting(
    *,
    meeting: Meeting,
    by: Person,
    starts_at: datetime.datetime,
    place: str = "",
    video_link: str = "",
) -> tuple[list[str], int]:
    """Change a meeting's time, place and video link before it starts; invitees who already
    have the agenda are told. Returns (the names of what changed, how many were told)."""
    _require_manage(by, meeting)
    _require_open(meeting, "changing it")
    place, video_link = place.strip(), video_link.strip()
    if starts_at <= timezone.now():
        raise MdtError("The meeting must be in the future.", field="starts_at")
    if not place and not video_link:
        raise MdtError("Give a place or a video link.", field="place")
    with transaction.atomic():
        lock_hub(meeting.hub)
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _require_open(meeting, "changing it")
        clash = (
            Meeting.objects.filter(hub_id=meeting.hub_id, starts_at=starts_at)
            .exclude(status=MeetingStatus.CANCELLED)
            .exclude(pk=meeting.pk)
        )
        if clash.exists():
            raise MdtError("The hub already has a meeting at that time.", field="starts_at")
        changed = [
            label
            for label, old, new in (
                ("time", meeting.starts_at, starts_at),
                ("place", meeting.place, place),
                ("video link", meeting.video_link, video_link),
            )
            if old != new
        ]
        if not changed:
            return [], 0
        meeting.starts_at, meeting.place, meeting.video_link = starts_at, place, video_link
        meeting.save(update_fields=["starts_at", "place", "video_link"])
        invitations.publish(meeting)
        told = emails.meeting_changed(meeting) if meeting.status == MeetingStatus.AGENDA_SENT else 0
    return changed, told


def cancel_meeting(*, meeting: Meeting, by: Person) -> tuple[list[Carry], int]:
    """Cancel a meeting before it starts: its cases move on as ``plan_carry_over`` says and the
    invitees are told (dates only). Returns (the plan carried out, how many were told)."""
    _require_manage(by, meeting)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("hub").get(pk=meeting.pk)
        _require_open(meeting, "cancelling it")
        meeting.status = MeetingStatus.CANCELLED
        meeting.cancelled_at = timezone.now()
        meeting.save(update_fields=["status", "cancelled_at"])
        invitations.cancel(meeting)
        plan = carry_over(meeting)
        told = emails.meeting_cancelled(meeting, plan)
    return plan, told


def send_agenda(*, meeting: Meeting, now: datetime.datetime | None = None) -> bool:
    """Send the agenda notice to the invitees once: the meeting is claimed before any email."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = Meeting.objects.filter(
            pk=meeting.pk, status=MeetingStatus.PLANNED, agenda_sent_at__isnull=True
        ).update(status=MeetingStatus.AGENDA_SENT, agenda_sent_at=now)
        if claimed:  # the notices are written to the outbox with the claim, or not at all
            emails.agenda_notice(meeting)
    return bool(claimed)


def send_agenda_now(*, meeting: Meeting, by: Person, last_sent_at: datetime.datetime | None) -> int:
    """Send the agenda now, or again, to everyone invited; returns how many were sent it.

    ``last_sent_at`` is when the page asking showed it last sent (None: never): a second press
    of the same button, or two people at once, sends it only once.
    """
    _require_manage(by, meeting)
    _require_open(meeting, "sending the agenda")
    if not meeting.invitees.filter(is_active=True).exists():
        raise MdtError("No one is invited to this meeting yet: nothing was sent.")
    with transaction.atomic():
        claimed = Meeting.objects.filter(
            pk=meeting.pk, status__in=OPEN_STATUSES, agenda_sent_at=last_sent_at
        ).update(status=MeetingStatus.AGENDA_SENT, agenda_sent_at=timezone.now())
        if not claimed:
            raise MdtError("The agenda has just been sent: it was not sent again.")
        return emails.agenda_notice(meeting, again=last_sent_at is not None)


def send_due_agendas(now: datetime.datetime | None = None) -> int:
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


# --- the agenda ------------------------------------------------------------------------------


def _referrer_role_of(person: Person, hub: Hub) -> ReferrerRole:
    """The referrer's role as the case records it, from their membership of the hub."""
    roles = roles_by_hub(person).get(hub.pk, set())
    for role in (Role.PAEDIATRICIAN, Role.GP):
        if role in roles:
            return ReferrerRole(role.value)
    return ReferrerRole.OTHER


def remembered_referrer_role(person: Person) -> str:
    """The role the person gave when they last put a case forward here, or ""."""
    return (
        CaseDiscussion.objects.filter(put_forward_by=person, source="app")
        .exclude(referrer_role="")
        .order_by("-created_at", "-id")
        .values_list("referrer_role", flat=True)
        .first()
        or ""
    )


def _chosen_meeting(hub: Hub, meeting: Meeting | None, child: Child, by: Person) -> Meeting:
    """``meeting`` locked and checked to take this child, or the next with room if None.

    Someone who does not see the hub's whole MDT (an MDT member) puts cases forward only to a
    meeting they are invited to: being invited to present shows the whole agenda.
    """
    if not can(by, "mdt.view_hub", hub) and (
        meeting is None or not meeting.invitees.filter(pk=by.pk).exists()
    ):
        raise MdtError(
            "Choose one of the meetings you are invited to: the hub's coordinator can invite you.",
            field="meeting",
        )
    if meeting is None:
        meeting = meeting_with_room(hub)
    else:
        lock_hub(hub)
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.hub_id != hub.pk:
            raise MdtError("Choose a meeting of the child's hub.", field="meeting")
        if meeting.status not in OPEN_STATUSES or meeting.starts_at <= timezone.now():
            raise MdtError(
                "That meeting is no longer taking cases: choose another.", field="meeting"
            )
        if meeting.cases.count() >= hub.mdt_case_cap:
            raise MdtError("That meeting's agenda is now full: choose another.", field="meeting")
    if meeting.cases.filter(child=child).exists():
        raise MdtError(
            "This child is already on the agenda of the meeting on "
            f"{formatting.weekday_when(meeting.starts_at)}.",
            field="meeting",
        )
    return meeting


def put_forward(
    *,
    by: Person,
    child: Child,
    clinical_question: str,
    consent_recorded: bool,
    background: str = "",
    tried: str = "",
    involved: str = "",
    referrer_role: str = "",
    referred_on: datetime.date | None = None,
    meeting: Meeting | None = None,
    submission: str | None = None,
) -> CaseDiscussion:
    """Put a child forward to ``meeting`` of their hub, or the next one with room. The same
    form (``submission``) sent twice makes one case."""
    hub = child.practice.hub
    # A comparison practice's child belongs to no hub's MDT (docs/import-formats.md).
    if hub is None or not can(by, "mdt.add_case", hub):
        raise MdtError("You cannot put cases forward to this hub's MDT.")
    if not (clinical_question or "").strip():
        raise MdtError(
            "Write the clinical question you want the meeting to answer.",
            field="clinical_question",
        )
    if not consent_recorded:
        raise MdtError(
            "Record consent to discussion before putting the case forward.",
            field="consent_recorded",
        )
    if referrer_role not in ReferrerRole.values:
        referrer_role = _referrer_role_of(by, hub)
    with transaction.atomic():
        submissions.claim(submission, by=by)
        meeting = _chosen_meeting(hub, meeting, child, by)
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
            agenda_order=next_order(meeting),
        )
        # Whoever puts a case forward is invited to present it.
        meeting.invitees.add(by)
        invitations.publish(meeting)
        submissions.done(submission, case)
    return case


def move_case(*, case: CaseDiscussion, to_meeting: Meeting, by: Person) -> CaseDiscussion:
    """Move an undiscussed case to another open meeting of the same hub with room."""
    _require_manage(by, case.meeting)
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
        case.agenda_order = next_order(to_meeting)
        case.save(update_fields=["meeting", "agenda_order"])
    return case


def reorder_case(*, case: CaseDiscussion, up: bool, by: Person) -> int:
    """Swap a case with its neighbour on the agenda; returns its new place (1 = first)."""
    _require_manage(by, case.meeting)
    if case.meeting.status in (MeetingStatus.FINISHED, MeetingStatus.CANCELLED):
        raise MdtError("This meeting is over: its agenda no longer changes.")
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
            index = other
        CaseDiscussion.objects.bulk_update(cases, ["agenda_order"])
    return index + 1


def check_removable(*, case: CaseDiscussion, by: Person) -> None:
    """Raise MdtError unless ``by`` may take ``case`` off its meeting's agenda now."""
    _require_manage(by, case.meeting)
    _require_open(case.meeting, "taking cases off its agenda")
    if case.discussed:
        raise MdtError("This case has been discussed; it stays with its meeting.")
    if case.actions.exists():
        raise MdtError("Actions were agreed on this case; it stays with its meeting.")


def remove_case(*, case: CaseDiscussion, by: Person, reason: str) -> None:
    """Take a case off the agenda before its meeting: its history keeps who, when and why, and
    whoever put it forward is told (no detail)."""
    check_removable(case=case, by=by)
    reason = reason.strip()
    if not reason:
        raise MdtError("Say why the case is taken off the agenda.", field="reason")
    with transaction.atomic():
        case._change_reason = reason[:100]  # type: ignore[attr-defined]  # simple-history
        case._history_user = by  # type: ignore[attr-defined]  # simple-history
        meeting, referrer = case.meeting, case.put_forward_by
        case.delete()
        if referrer is not None and referrer.pk != by.pk:
            emails.case_removed(meeting, referrer)


# --- running a meeting -----------------------------------------------------------------------


def earliest_start(meeting: Meeting) -> datetime.datetime:
    """When the chair may start the meeting: an hour before it, but not before its own day."""
    local = timezone.localtime(meeting.starts_at, LONDON)
    midnight = datetime.datetime.combine(local.date(), datetime.time(0), tzinfo=LONDON)
    return max(meeting.starts_at - EARLY_START, midnight)


def start_meeting(*, meeting: Meeting, by: Person) -> Meeting:
    """Open the meeting for outcomes: from an hour before it on its day, never earlier."""
    _require_chair(by, meeting)
    with transaction.atomic():
        # Locked as cancelling and finishing lock it, so a cancel at the same moment wins or
        # waits, and a cancelled meeting is never started.
        meeting.status = (
            Meeting.objects.select_for_update().values_list("status", flat=True).get(pk=meeting.pk)
        )
        if meeting.status == MeetingStatus.FINISHED:
            raise MdtError("This meeting has finished.")
        if meeting.status == MeetingStatus.CANCELLED:
            raise MdtError("This meeting was cancelled; it cannot be started.")
        if meeting.status == MeetingStatus.IN_PROGRESS:
            return meeting
        opens = earliest_start(meeting)
        if timezone.now() < opens:
            raise MdtError(
                f"This meeting is on {formatting.weekday_when(meeting.starts_at)}. It cannot be "
                f"started before {formatting.clock(opens)} that day."
            )
        meeting.status = MeetingStatus.IN_PROGRESS
        meeting.started_at = timezone.now()
        meeting.save(update_fields=["status", "started_at"])
    return meeting


def finish_meeting(*, meeting: Meeting, by: Person) -> list[Carry]:
    """Finish a meeting under way; cases not discussed move on as ``plan_carry_over`` says.

    Returns the plan carried out (each ``Carry`` with the meeting it went to)."""
    _require_chair(by, meeting)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("hub").get(pk=meeting.pk)
        if meeting.status == MeetingStatus.FINISHED:
            raise MdtError("This meeting has already finished.")
        if meeting.status != MeetingStatus.IN_PROGRESS:
            raise MdtError("Start the meeting before finishing it.")
        meeting.status = MeetingStatus.FINISHED
        meeting.finished_at = timezone.now()
        meeting.save(update_fields=["status", "finished_at"])
        # The outcomes are final: each discussed case's letter goes to the child's practice.
        for case in letters.letter_cases(meeting):
            letters.queue(case, by=by)
        return carry_over(meeting)


def hub_people(hub: Hub) -> QuerySet[Person]:
    """People with an active MDT role in the hub: who can be invited, attend or own actions."""
    return people_in(hub, "mdt.view").order_by("last_name", "first_name")


def record_attendance(
    *,
    meeting: Meeting,
    by: Person,
    present_people: Iterable[Person],
    guests: Iterable[tuple[str, str]] = (),
) -> None:
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
    case: CaseDiscussion,
    by: Person,
    outcome: str,
    plan: str = "",
    learning_points: str = "",
    named_professional: str = "",
    refer_to_clinic: bool = False,
) -> CaseDiscussion:
    """Record the meeting's decision on a case; the history keeps every earlier version.

    With ``refer_to_clinic`` an outreach_clinic outcome also puts the child on the hub clinic's
    waiting list, in the same transaction, the first time that outcome is recorded.
    """
    _require_chair(by, case.meeting)
    newly_clinic = outcome == Outcome.OUTREACH_CLINIC and case.outcome != Outcome.OUTREACH_CLINIC
    if case.meeting.status not in (MeetingStatus.IN_PROGRESS, MeetingStatus.FINISHED):
        raise MdtError("Start the meeting before recording outcomes.")
    if outcome not in Outcome.values:
        raise MdtError("Choose an outcome.", field="outcome")
    if outcome == Outcome.NAMED_PROFESSIONAL and not named_professional.strip():
        raise MdtError(
            "Name the professional or service the child is referred to.",
            field="named_professional",
        )
    case.outcome = outcome
    case.discussed = True
    case.plan = plan
    case.learning_points = learning_points
    case.named_professional = named_professional.strip()
    with transaction.atomic():
        case.save()
        if case.meeting.status == MeetingStatus.FINISHED:
            # A correction after the meeting: the practice gets the letter's next version.
            letters.queue(case, by=by)
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


def record_discussion(
    *,
    case: CaseDiscussion,
    by: Person,
    outcome: str,
    plan: str = "",
    learning_points: str = "",
    named_professional: str = "",
    refer_to_clinic: bool = False,
    actions: Sequence[dict[str, Any]] = (),
) -> tuple[CaseDiscussion, list[Action], Model | None]:
    """A case's outcome, plan, learning point and new actions, saved together or not at all.

    ``actions`` are dicts of ``add_action``'s owner, description and due_on. A learning point
    becomes (or updates) the case's draft in the learning library, for the chair to publish.
    Returns (case, actions added, draft learning point or None).
    """
    learning_points = learning_points.strip()
    problem = lessons.problem(case.meeting, learning_points) if learning_points else None
    if problem:
        raise MdtError(problem, field="learning_points")
    with transaction.atomic():
        record_outcome(
            case=case,
            by=by,
            outcome=outcome,
            plan=plan,
            learning_points=learning_points,
            named_professional=named_professional,
            refer_to_clinic=refer_to_clinic,
        )
        added = [add_action(meeting=case.meeting, case=case, by=by, **row) for row in actions]
        draft = lessons.draft(case=case, text=learning_points or "", by=by)
    return case, added, draft


def add_action(
    *,
    meeting: Meeting,
    by: Person,
    owner: Person,
    description: str,
    due_on: datetime.date,
    case: CaseDiscussion | None = None,
) -> Action:
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


def complete_action(*, action: Action, by: Person) -> Action:
    """Mark an action done: by its owner, or by the chair of the hub."""
    if action.owner_id != by.pk:
        _require_chair(by, action.meeting)
    if action.done_at is None:
        action.done_at = timezone.now()
        with transaction.atomic():
            action.save(update_fields=["done_at"])
    return action


def send_overdue_action_reminders(now: datetime.datetime | None = None) -> int:
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
