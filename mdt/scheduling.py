"""Which meeting a case goes to: the hub's next open meetings with room, and new meetings made
one cadence apart when none has room.

Used when a case is put forward and when a meeting finishes or is cancelled with cases it did
not discuss. ``plan_carry_over`` only reads, so a page can show what will happen before anyone
confirms; ``carry_over`` plans again under the hub's lock and does it. No permission checks
here: the services in mdt.services make them.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Max
from django.utils import timezone

from hubs.models import Hub
from mdt import invitations
from mdt.models import OPEN_STATUSES, CaseDiscussion, Meeting

LONDON = ZoneInfo("Europe/London")
DEFAULT_MEETING_TIME = datetime.time(12, 30)


def lock_hub(hub):
    # The hub's row is the turnstile for making its meetings: two people at once would
    # otherwise both find no meeting (with room, or at that time) and both create one.
    list(Hub.objects.select_for_update().filter(pk=hub.pk).values_list("pk", flat=True))


def next_order(meeting):
    return (meeting.cases.aggregate(m=Max("agenda_order"))["m"] or 0) + 1


def _latest_meeting(hub):
    return Meeting.objects.filter(hub=hub).order_by("-starts_at", "-id").first()


def _cadence_after(hub, starts_at):
    """The first moment one or more cadences after ``starts_at`` (or today) that is still ahead,
    at the same local clock time."""
    now = timezone.now()
    if starts_at is not None:
        local = timezone.localtime(starts_at, LONDON)
        day, at = local.date(), local.time()
    else:
        day, at = timezone.localdate(), DEFAULT_MEETING_TIME
    step = datetime.timedelta(weeks=hub.mdt_cadence_weeks or 1)
    day += step
    while datetime.datetime.combine(day, at, tzinfo=LONDON) <= now:
        day += step
    return datetime.datetime.combine(day, at, tzinfo=LONDON)


def _new_meeting(hub, starts_at, like):
    """A meeting at ``starts_at`` with the place, chair and invitees of ``like`` (or none)."""
    meeting = Meeting.objects.create(
        hub=hub,
        starts_at=starts_at,
        place=like.place if like else "",
        video_link=like.video_link if like else "",
        chair=like.chair if like else None,
    )
    if like is not None:
        meeting.invitees.set(like.invitees.all())
        invitations.publish(meeting)
    return meeting


def open_meetings(hub, *, after=None, lock=False):
    """The hub's meetings still ahead (and after the meeting ``after``) that can take cases,
    soonest first."""
    meetings = Meeting.objects.filter(
        hub=hub, status__in=OPEN_STATUSES, starts_at__gt=timezone.now()
    )
    if after is not None:
        meetings = meetings.filter(starts_at__gt=after.starts_at).exclude(pk=after.pk)
    if lock:
        meetings = meetings.select_for_update()
    return meetings.order_by("starts_at", "id")


def next_new_meeting_at(hub):
    """When a meeting made now for want of room would be: one cadence after the hub's latest."""
    last = _latest_meeting(hub)
    return _cadence_after(hub, last.starts_at if last else None)


def meeting_with_room(hub):
    """The hub's next open meeting with fewer cases than its cap, created per cadence if none.

    Locks the meetings it looks at so two people putting cases forward cannot overfill one.
    """
    lock_hub(hub)
    for meeting in open_meetings(hub, lock=True):
        if meeting.cases.count() < hub.mdt_case_cap:
            return meeting
    last = _latest_meeting(hub)
    return _new_meeting(hub, _cadence_after(hub, last.starts_at if last else None), last)


@dataclass
class Carry:
    """Where one case not discussed goes: an existing meeting, or a new one at ``new_at``.

    ``stays_for`` is set instead when the child is already on that meeting's agenda: the case
    stays where it is and the child is discussed there.
    """

    case: CaseDiscussion
    to: Meeting | None = None
    new_at: datetime.datetime | None = None
    stays_for: Meeting | None = None
    made: bool = False  # ``to`` was made for it by ``carry_over``

    @property
    def goes_to_new_meeting(self):
        return self.stays_for is None and (self.to is None or self.made)

    @property
    def starts_at(self):
        if self.stays_for is not None:
            return self.stays_for.starts_at
        return self.to.starts_at if self.to is not None else self.new_at


def plan_carry_over(meeting, *, lock=False):
    """[Carry] for every case of ``meeting`` not discussed, in agenda order. Writes nothing.

    Each goes to the first of the hub's open meetings after this one with room, then to new
    meetings one cadence apart; a child already on one of those agendas stays for that meeting.
    """
    hub = meeting.hub
    targets = list(open_meetings(hub, after=meeting, lock=lock))
    children = defaultdict(set)
    for meeting_id, child_id in CaseDiscussion.objects.filter(meeting__in=targets).values_list(
        "meeting_id", "child_id"
    ):
        children[meeting_id].add(child_id)
    slots = [(target, None) for target in targets]  # (meeting, or None and the new time)
    new_after = None
    plan = []
    for case in meeting.cases.filter(discussed=False).order_by("agenda_order", "id"):
        already = next((t for t in targets if case.child_id in children[t.pk]), None)
        if already is not None:
            plan.append(Carry(case=case, stays_for=already))
            continue
        for target, new_at in slots:
            key = target.pk if target is not None else new_at
            if len(children[key]) < hub.mdt_case_cap:
                break
        else:
            if new_after is None:
                last = _latest_meeting(hub)
                new_after = last.starts_at if last else None
            new_after = new_at = _cadence_after(hub, new_after)
            target, key = None, new_at
            slots.append((None, new_at))
        children[key].add(case.child_id)
        plan.append(Carry(case=case, to=target, new_at=new_at if target is None else None))
    return plan


def carry_over(meeting):
    """Move every case of ``meeting`` not discussed as ``plan_carry_over`` says, in the caller's
    transaction; returns the plan it carried out, ``to`` set for new meetings too."""
    lock_hub(meeting.hub)
    plan = plan_carry_over(meeting, lock=True)
    made = {}
    like = _latest_meeting(meeting.hub)
    for carry in plan:
        if carry.stays_for is not None:
            continue
        if carry.to is None:
            if carry.new_at not in made:
                made[carry.new_at] = _new_meeting(meeting.hub, carry.new_at, like)
            carry.to, carry.new_at, carry.made = made[carry.new_at], None, True
        carry.case.meeting = carry.to
        carry.case.agenda_order = next_order(carry.to)
        carry.case.save(update_fields=["meeting", "agenda_order"])
    return plan
