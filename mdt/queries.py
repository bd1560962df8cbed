"""Scoped reads of MDT meetings, cases and actions (docs/access.md).

GPs, paediatricians and coordinators of a hub see all of its meetings and cases; an MDT member
sees only the meetings they are invited to and those meetings' cases; everyone else nothing.
"""

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from hubs.access import hub_ids
from hubs.models import Hub, Person
from mdt.models import OPEN_STATUSES, Action, CaseDiscussion, Meeting, MeetingStatus, Outcome
from population.models import Child


def _meeting_scope(user: Person) -> Q:
    """A Q over Meeting for what ``user`` may see."""
    whole_hubs = hub_ids(user, "mdt.view_hub")
    invited_hubs = hub_ids(user, "mdt.view") - whole_hubs
    scope = Q(hub_id__in=whole_hubs)
    if invited_hubs and user.is_authenticated:
        invited = Meeting.invitees.through.objects.filter(
            meeting_id=OuterRef("pk"), person_id=user.pk
        )
        scope |= Q(hub_id__in=invited_hubs) & Q(Exists(invited))
    return scope


def meetings_visible_to(user: Person) -> QuerySet[Meeting]:
    return Meeting.objects.filter(_meeting_scope(user))


def cases_visible_to(user: Person) -> QuerySet[CaseDiscussion]:
    return CaseDiscussion.objects.filter(meeting__in=meetings_visible_to(user).values("pk"))


def actions_visible_to(user: Person) -> QuerySet[Action]:
    """Actions of visible meetings, and a person's own actions in hubs where they are in the MDT."""
    return Action.objects.filter(
        Q(meeting__in=meetings_visible_to(user).values("pk"))
        | Q(owner_id=user.pk, meeting__hub_id__in=hub_ids(user, "mdt.view"))
    )


def put_forward_children(user: Person) -> QuerySet[Child]:
    """The children ``user`` may find and put forward (docs/access.md).

    Everyone of a hub's children for those who see the hub's whole MDT and bring or manage its
    cases (GPs, paediatricians, coordinators); for an MDT member, only the children on the
    agendas of the meetings they are invited to.
    """
    bringing = hub_ids(user, "mdt.add_case")
    whole_hubs = bringing & hub_ids(user, "mdt.view_hub")
    scope = Q(practice__hub_id__in=whole_hubs)
    invited_hubs = bringing - whole_hubs
    if invited_hubs:
        on_invited_agenda = CaseDiscussion.objects.filter(
            child_id=OuterRef("pk"),
            meeting__in=meetings_visible_to(user).filter(hub_id__in=invited_hubs).values("pk"),
        )
        scope |= Q(practice__hub_id__in=invited_hubs) & Q(Exists(on_invited_agenda))
    return Child.objects.filter(scope)


def meetings_taking_cases(hub: Hub, user: Person) -> QuerySet[Meeting]:
    """The hub's meetings ahead that are open for cases, full or not, that ``user`` may put a
    case forward to: any, for those who see the hub's whole MDT; for an MDT member only the
    meetings they are invited to (putting a case forward invites its presenter, who then sees
    the whole agenda)."""
    meetings = Meeting.objects.filter(
        hub=hub, status__in=OPEN_STATUSES, starts_at__gt=timezone.now()
    )
    if hub.pk not in hub_ids(user, "mdt.view_hub"):
        meetings = meetings.filter(pk__in=meetings_visible_to(user).values("pk"))
    return meetings


def meetings_with_room(hub: Hub, user: Person, limit: int = 8) -> QuerySet[Meeting]:
    """The meetings of ``meetings_taking_cases`` that can still take a case, soonest first, with
    their counts."""
    return (
        meetings_taking_cases(hub, user)
        .annotate(case_count=Count("cases"))
        .filter(case_count__lt=hub.mdt_case_cap)
        .order_by("starts_at", "id")[:limit]
    )


def upcoming_meetings(user: Person, now: datetime.datetime | None = None) -> QuerySet[Meeting]:
    now = now or timezone.now()
    return (
        meetings_visible_to(user)
        .exclude(status=MeetingStatus.FINISHED)
        .filter(starts_at__gte=now - datetime.timedelta(hours=12))
        .select_related("hub", "chair")
        .annotate(case_count=Count("cases"))
        .order_by("starts_at", "id")
    )


def recent_meetings(user: Person, limit: int = 10) -> QuerySet[Meeting]:
    return (
        meetings_visible_to(user)
        .filter(status=MeetingStatus.FINISHED)
        .select_related("hub", "chair")
        .annotate(
            case_count=Count("cases"), discussed_count=Count("cases", Q(cases__discussed=True))
        )
        .order_by("-starts_at", "-id")[:limit]
    )


def agenda(meeting: Meeting) -> QuerySet[CaseDiscussion]:
    """The meeting's cases in agenda order, with what the agenda shows of each."""
    return meeting.cases.select_related("child", "child__practice", "put_forward_by").order_by(
        "agenda_order", "id"
    )


def outstanding_actions_before(meeting: Meeting, user: Person) -> QuerySet[Action]:
    """Actions from the hub's earlier meetings that are not done: the start of the agenda.

    Only those of meetings the person may see (or their own): an MDT member invited to this
    meeting does not learn about cases of meetings they were not invited to. Someone who sees
    the whole hub's MDT sees every meeting of it, so their actions need no visibility subquery.
    """
    if meeting.hub_id in hub_ids(user, "mdt.view_hub"):
        actions = Action.objects.all()
    else:
        actions = actions_visible_to(user)
    return (
        actions.filter(
            meeting__hub_id=meeting.hub_id,
            meeting__starts_at__lt=meeting.starts_at,
            done_at__isnull=True,
        )
        .select_related("owner", "meeting", "case", "case__child")
        .order_by("due_on", "id")
    )


def meeting_actions(meeting: Meeting) -> QuerySet[Action]:
    return meeting.actions.select_related("owner", "case", "case__child").order_by("due_on", "id")


def my_cases(user: Person) -> QuerySet[CaseDiscussion]:
    return (
        cases_visible_to(user)
        .filter(put_forward_by=user)
        .select_related("child", "meeting", "meeting__hub")
        .order_by("-meeting__starts_at", "agenda_order", "id")
    )


def my_actions(user: Person) -> QuerySet[Action]:
    """The person's own actions: open ones first, soonest due first; then done, latest first."""
    return (
        actions_visible_to(user)
        .filter(owner=user)
        .select_related("meeting", "meeting__hub", "case", "case__child")
        .order_by(F("done_at").desc(nulls_first=True), "due_on", "id")
    )


def hub_case_history(
    user: Person,
    hub: Hub,
    *,
    outcome: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[CaseDiscussion]:
    cases = cases_visible_to(user).filter(meeting__hub=hub, discussed=True)
    if outcome:
        cases = cases.filter(outcome=outcome)
    if date_from:
        cases = cases.filter(meeting__starts_at__date__gte=date_from)
    if date_to:
        cases = cases.filter(meeting__starts_at__date__lte=date_to)
    return cases.select_related("child", "meeting").order_by("-meeting__starts_at", "agenda_order")


def outcome_split(cases: QuerySet[CaseDiscussion]) -> list[tuple[str, str, int]]:
    """[(outcome value, label, count)] for the cases given, every outcome listed."""
    counts = dict(cases.order_by().values_list("outcome").annotate(n=Count("id")))
    return [(value, label, counts.get(value, 0)) for value, label in Outcome.choices]


def open_meetings_of(hub: Hub, exclude: Meeting | None = None) -> QuerySet[Meeting]:
    qs = Meeting.objects.filter(hub=hub, status__in=OPEN_STATUSES, starts_at__gt=timezone.now())
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.annotate(case_count=Count("cases")).order_by("starts_at", "id")


def mdt_cases_for_child(user: Person, child: Child) -> QuerySet[CaseDiscussion]:
    return (
        cases_visible_to(user)
        .filter(child=child)
        .select_related("meeting", "meeting__hub")
        .order_by("-meeting__starts_at")
    )


def last_meeting_day(hub: Hub) -> datetime.date | None:
    """The day of the hub's last finished MDT meeting, if any."""
    last = (
        Meeting.objects.filter(hub=hub, status=MeetingStatus.FINISHED)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    return timezone.localtime(last).date() if last else None
