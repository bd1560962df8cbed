"""Demo MDT meetings: a year of finished meetings with outcomes in the published proportions
(59% advice in primary care, 21% outreach clinic, 20% named professional), an upcoming meeting
with cases on its agenda, and actions, some done, some overdue."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from hubs.models import Membership, Role
from mdt.models import (
    Action,
    Attendance,
    CaseDiscussion,
    Meeting,
    MeetingStatus,
    Outcome,
    ReferrerRole,
)
from population import demo as population_demo
from population.models import Child

LONDON = ZoneInfo("Europe/London")
PAST_MEETINGS = 8
CASES_PER_MEETING = (10, 15)

ECZEMA = ("24079001", "43116000")
# (clinical question, what was tried, the ages in years it fits, conditions the child has one
# of): cow's milk allergy is asked about a baby, headaches and missed school about a pupil.
QUESTIONS = [
    (
        "Recurrent wheeze with three courses of oral steroids: is this asthma, and what next?",
        "Salbutamol as needed; one trial of a low-dose preventer.",
        (1, 10),
        (),
    ),
    (
        "Constipation not settling after three months of macrogol: refer or continue?",
        "Macrogol with dose titration, diet advice.",
        (1, 17),
        (),
    ),
    (
        "Eczema with repeated infections: can we manage this in the practice?",
        "Emollients, two courses of topical steroids.",
        (0, 17),
        ECZEMA,
    ),
    (
        "Faltering growth in a toddler: which tests first?",
        "Weight checks with the health visitor.",
        (1, 3),
        (),
    ),
    (
        "Frequent emergency visits for fever: how can we support the family?",
        "Safety-netting advice at each visit.",
        (0, 10),
        (),
    ),
    ("Headaches and missed school: is specialist review needed?", "Headache diary.", (6, 17), ()),
    (
        "Possible cow's milk protein allergy: which formula and who follows up?",
        "Extensively hydrolysed formula for two weeks.",
        (0, 1),
        (),
    ),
    (
        "Bedwetting despite three months of the alarm: next step?",
        "Alarm for three months.",
        (7, 14),
        (),
    ),
]
PLANS = {
    Outcome.PRIMARY_CARE_ADVICE: "Continue in primary care as agreed; review in 3 months.",
    Outcome.OUTREACH_CLINIC: "Book into the next hub outreach clinic within a month.",
    Outcome.NAMED_PROFESSIONAL: "Refer to the named professional below with the MDT summary.",
    Outcome.OTHER: "Discuss again once the results are back.",
}
NAMED = [
    "Community dietician",
    "CAMHS duty team",
    "Paediatric continence service",
    "School nursing team",
    "Allergy clinic, St Mary's",
]


def _people(hub):
    by_role = {}
    for m in Membership.objects.active().filter(hub=hub).select_related("person"):
        by_role.setdefault(m.role, []).append(m.person)
    return by_role


def _outcomes(rng, n):
    """n outcomes drawn in the published 59/21/20 proportions."""
    pool = (
        [Outcome.PRIMARY_CARE_ADVICE] * 59
        + [Outcome.OUTREACH_CLINIC] * 21
        + [Outcome.NAMED_PROFESSIONAL] * 20
    )
    return [rng.choice(pool) for _ in range(n)]


def _at(day):
    return datetime.datetime.combine(day, datetime.time(12, 30), tzinfo=LONDON)


def _case(rng, pool, day, taken):
    """(child, clinical question, what was tried) where the question fits the child's age and
    conditions; (None, None, None) when no child of the pool fits any question."""
    start = rng.randrange(len(pool))
    for question, tried, ages, conditions in rng.sample(QUESTIONS, len(QUESTIONS)):
        child = population_demo.fitting_child(
            pool, ages=ages, conditions=conditions, today=day, start=start, exclude=taken
        )
        if child is not None:
            return child, question, tried
    return None, None, None


def load(ctx):
    rng = ctx.rng
    today = timezone.localdate()
    hub_children = ctx.get("hub_children") or {}
    for entry in ctx.get("hubs", []):
        hub = entry["hub"]
        if Meeting.objects.filter(hub=hub).exists():
            continue  # already loaded: leave it as it is
        children = list(hub_children.get(hub.pk) or [])
        if not children:
            children = list(Child.objects.filter(practice__hub=hub).order_by("pk")[:400])
        if len(children) < 20:
            continue
        people = _people(hub)
        chair = (people.get(Role.PAEDIATRICIAN) or [None])[0]
        gps = people.get(Role.GP) or []
        invitees = [
            p
            for role in (Role.PAEDIATRICIAN, Role.MDT_MEMBER, Role.GP)
            for p in people.get(role, [])
        ]
        owners = invitees or ([chair] if chair else [])
        cadence = datetime.timedelta(weeks=hub.mdt_cadence_weeks)
        pool = rng.sample(children, min(len(children), 200))

        for k in range(PAST_MEETINGS, 0, -1):
            starts = _at(today - cadence * k)
            meeting = Meeting.objects.create(
                hub=hub,
                starts_at=starts,
                place="Hub practice meeting room",
                chair=chair,
                status=MeetingStatus.FINISHED,
                agenda_sent_at=starts - datetime.timedelta(days=1),
                started_at=starts,
                finished_at=starts + datetime.timedelta(minutes=90),
            )
            meeting.invitees.set(invitees)
            Attendance.objects.bulk_create(
                [Attendance(meeting=meeting, person=p, profession=p.profession) for p in invitees]
                + [Attendance(meeting=meeting, name="Sam Lee", profession="School nurse")]
            )
            n = rng.randint(*CASES_PER_MEETING)
            cases = []
            seen = set()
            for order, outcome in enumerate(_outcomes(rng, n), start=1):
                child, question, tried = _case(rng, pool, starts.date(), seen)
                if child is None:
                    continue
                seen.add(child.pk)
                cases.append(
                    CaseDiscussion(
                        meeting=meeting,
                        child=child,
                        put_forward_by=rng.choice(gps) if gps else None,
                        referrer_role=ReferrerRole.GP,
                        referred_on=starts.date() - datetime.timedelta(days=rng.randint(5, 30)),
                        clinical_question=question,
                        tried=tried,
                        background="Seen three times in the practice in the last six months.",
                        consent_recorded=True,
                        agenda_order=order,
                        discussed=True,
                        outcome=outcome,
                        named_professional=rng.choice(NAMED)
                        if outcome == Outcome.NAMED_PROFESSIONAL
                        else "",
                        plan=PLANS[outcome],
                        learning_points="Shared care plans help the family know who to call.",
                    )
                )
            bulk_create_with_history(cases, CaseDiscussion)
            if owners:
                for case in cases[:3]:
                    due = starts.date() + datetime.timedelta(days=21)
                    # Health visitors see the under-fives; school nurses the children at school.
                    who = (
                        "health visitor" if case.child.age_on(starts.date()) < 5 else "school nurse"
                    )
                    Action.objects.create(
                        meeting=meeting,
                        case=case,
                        owner=rng.choice(owners),
                        description=f"Send the MDT summary to the family's {who}.",
                        due_on=due,
                        # Older actions are done; the last meeting's are still open.
                        done_at=_at(due) if k > 1 else None,
                        created_by=chair,
                    )

        upcoming = Meeting.objects.create(
            hub=hub,
            starts_at=_at(today + datetime.timedelta(days=7)),
            place="Hub practice meeting room",
            video_link="https://meet.example.nhs.uk/cc4c-mdt",
            chair=chair,
        )
        upcoming.invitees.set(invitees)
        coming, taken = [], set()
        for order in range(1, 7):
            child, question, tried = _case(rng, pool, today, taken)
            if child is None:
                break
            taken.add(child.pk)
            coming.append(
                CaseDiscussion(
                    meeting=upcoming,
                    child=child,
                    put_forward_by=rng.choice(gps) if gps else None,
                    referrer_role=ReferrerRole.GP,
                    referred_on=today - datetime.timedelta(days=rng.randint(1, 14)),
                    clinical_question=question,
                    tried=tried,
                    consent_recorded=True,
                    agenda_order=order,
                )
            )
        bulk_create_with_history(coming, CaseDiscussion)
