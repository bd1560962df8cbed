"""Demo children: synthetic, NHS numbers from the 999 test range, at plausible prevalences.

Idempotent: the same seed makes the same children (keyed by NHS number), re-segmented, with a
few month-end snapshots so the movement between segments shows something.
"""

import datetime

from django.db import connection, transaction
from django.utils import timezone

from cc4c.validators import synthetic_nhs_number
from population.models import Child, Flag
from population.segmentation import resegment_children, take_month_end_snapshot

# Given names as recorded with the child's sex: girls' names for girls, boys' names for boys.
GIVEN_NAMES = {
    "female": [
        "Aisha", "Amelia", "Ava", "Chloe", "Eliza", "Fatima", "Freya", "Grace", "Hana", "Isla",
        "Layla", "Lily", "Maya", "Nia", "Olivia", "Priya", "Rosa", "Ruby", "Sofia", "Zara",
    ],
    "male": [
        "Arjun", "Ayaan", "Daniel", "Emeka", "George", "Harry", "Ibrahim", "Jack", "Jamal", "Kai",
        "Kofi", "Leo", "Mohammed", "Noah", "Omar", "Oscar", "Samir", "Theo", "Yusuf", "Zain",
    ],
}  # fmt: skip
FAMILY_NAMES = [
    "Ahmed", "Ali", "Brown", "Campbell", "Chen", "Clarke", "Costa", "Davies", "Evans", "Green",
    "Hall", "Hassan", "Hughes", "Ibrahim", "Jones", "Khan", "Kowalski", "Lewis", "Martin",
    "Mensah", "Mohamed", "Murphy", "Nowak", "Okafor", "Patel", "Rahman", "Roberts", "Santos",
    "Shah", "Silva", "Singh", "Smith", "Taylor", "Thomas", "Walker", "White", "Williams",
    "Wilson", "Wright", "Yilmaz",
]  # fmt: skip
ASTHMA = "195967001"
# (SNOMED CT concept id, prevalence among children old enough, the youngest age in years at
# which it is diagnosed): asthma is not diagnosed in babies, nor ADHD before school.
CONDITIONS = [
    (ASTHMA, 0.12, 2),  # asthma
    ("24079001", 0.07, 0),  # eczema (atopic dermatitis)
    ("43116000", 0.03, 0),  # eczema
    ("14760008", 0.04, 0),  # constipation
    ("396331005", 0.01, 1),  # coeliac disease
    ("44054006", 0.004, 10),  # type 2 diabetes
    ("84757009", 0.006, 0),  # epilepsy
    ("417357006", 0.004, 0),  # sickle cell disease (found by newborn screening)
    ("406506008", 0.045, 6),  # ADHD
    ("46635009", 0.003, 1),  # type 1 diabetes
    ("190905008", 0.0008, 0),  # cystic fibrosis (found by newborn screening)
    ("128188000", 0.002, 1),  # cerebral palsy
    ("41040004", 0.001, 0),  # Down syndrome
]
# (flag, prevalence, youngest age in years): a young carer or an EHCP is of school age.
FLAGS = [
    (Flag.CHILD_PROTECTION_PLAN, 0.005, 0),
    (Flag.CHILD_IN_NEED, 0.03, 0),
    (Flag.LOOKED_AFTER, 0.007, 0),
    (Flag.SEND_EHCP, 0.05, 3),
    (Flag.YOUNG_CARER, 0.015, 8),
    (Flag.PALLIATIVE_CARE, 0.001, 0),
    (Flag.TECHNOLOGY_DEPENDENT, 0.002, 0),
    (Flag.ACUTE_ILLNESS_RECENT, 0.08, 0),
    (Flag.ACUTE_SEVERE_RECENT, 0.01, 0),
]
SNAPSHOT_MONTHS = 4
# Demo NHS numbers start at this seed, away from the low numbers tests use.
NHS_SEED_START = 350_000


def month_ends(today, count):
    """The last ``count`` month ends before today, oldest first."""
    ends, day = [], today.replace(day=1) - datetime.timedelta(days=1)
    for _ in range(count):
        ends.append(day)
        day = day.replace(day=1) - datetime.timedelta(days=1)
    return list(reversed(ends))


def _years_after(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def age_fits(child, ages, today):
    """Whether the child's age in years on ``today`` is within ``ages`` (youngest, oldest)."""
    youngest, oldest = ages
    return youngest <= child.age_on(today) <= oldest


def fitting_child(children, *, ages=(0, 17), conditions=(), today, start=0, exclude=()):
    """The first child from position ``start`` on (going round) whose age fits and who has one
    of ``conditions`` when given, and is not in ``exclude`` (ids): the child a demo case,
    referral or question is about. None when no child fits."""
    count = len(children)
    for offset in range(count):
        child = children[(start + offset) % count]
        if child.pk in exclude or not age_fits(child, ages, today):
            continue
        if conditions and not set(conditions) & set(child.conditions):
            continue
        return child
    return None


def synthetic_child(rng, practice, today, nhs_number):
    """An unsaved child at plausible prevalences of conditions, flags and deprivation."""
    age_days = rng.randrange(0, 18 * 365 - 1)
    born = today - datetime.timedelta(days=age_days)
    age = age_days // 365
    conditions = [code for code, p, youngest in CONDITIONS if age >= youngest and rng.random() < p]
    flags = [str(flag) for flag, p, youngest in FLAGS if age >= youngest and rng.random() < p]
    sex = rng.choice(["female", "male"])
    reviewed = None
    if ASTHMA in conditions and rng.random() < 0.6:
        # Never before the child was old enough to have asthma diagnosed.
        since_diagnosis = (today - _years_after(born, 2)).days
        reviewed = today - datetime.timedelta(days=rng.randrange(0, min(600, since_diagnosis) + 1))
    registered = max(born, today - datetime.timedelta(days=rng.randrange(200, 4000)))
    left = None
    if rng.random() < 0.02:
        left = min(today, registered + datetime.timedelta(days=rng.randrange(1, 150)))
    return Child(
        nhs_number=nhs_number,
        given_name=rng.choice(GIVEN_NAMES[sex]),
        family_name=rng.choice(FAMILY_NAMES),
        date_of_birth=born,
        sex=sex,
        postcode=practice.postcode,
        imd_decile=rng.choice([1, 1, 2, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10, None]),
        practice=practice,
        registered_on=registered,
        deregistered_on=left,
        conditions=conditions,
        flags=flags,
        asthma_plan_reviewed_on=reviewed,
    )


@transaction.atomic
def load(ctx):
    rng = ctx.rng
    today = timezone.localdate()
    total = ctx.get("children", 3000)
    practices = [(spec["hub"], p) for spec in ctx["hubs"] for p in spec["practices"]]
    weights = [p.list_size or 5000 for _hub, p in practices]
    children = []
    for number in (synthetic_nhs_number(NHS_SEED_START + n) for n in range(total)):
        _hub, practice = rng.choices(practices, weights=weights)[0]
        children.append(synthetic_child(rng, practice, today, number))
    fields = [f.name for f in Child._meta.concrete_fields if f.name not in ("id", "nhs_number")]
    Child.objects.bulk_create(
        children, update_conflicts=True, unique_fields=["nhs_number"], update_fields=fields
    )
    numbers = [c.nhs_number for c in children]
    resegment_children(practice_ids=[p.pk for _hub, p in practices])
    _past_month_ends(today)
    by_hub = {}
    for child in Child.objects.filter(nhs_number__in=numbers).select_related("practice"):
        by_hub.setdefault(child.practice.hub_id, []).append(child)
    ctx["hub_children"] = by_hub


# Earlier month ends are today's segments with some children elsewhere then (acute illness
# comes and goes) and fewer asthma plans current, so movement and trend show something.
_PAST_SQL = """
UPDATE population_segmentsnapshot s
SET segment = CASE
        WHEN (s.child_id * 7 + %(i)s) %% 11 = 0 THEN 2
        WHEN (s.child_id * 5 + %(i)s) %% 53 = 0 THEN 8
        WHEN s.segment IN (2, 8) AND (s.child_id + %(i)s) %% 3 = 0 THEN 1
        ELSE s.segment END,
    asthma_plan_current = s.asthma_plan_current AND (s.child_id + %(i)s) %% (%(i)s + 2) <> 0
FROM population_child c
WHERE c.id = s.child_id AND s.month_end = %(end)s AND c.nhs_number LIKE '999%%'
"""


def _past_month_ends(today):
    ends = month_ends(today, SNAPSHOT_MONTHS)
    for months_ago, end in enumerate(reversed(ends), start=1):
        take_month_end_snapshot(end)
        with connection.cursor() as cursor:
            cursor.execute(_PAST_SQL, {"i": months_ago, "end": end})
