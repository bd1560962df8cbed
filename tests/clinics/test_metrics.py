"""The clinic measures against a hand count on a year like the published evaluation's:
24 clinics, 126 patients seen, fewer than 5% not brought."""

import datetime
from decimal import Decimal

import pytest

from cc4c.measures import median_1dp as median
from cc4c.measures import pct
from clinics.metrics import KEYS, clinic_measures
from clinics.models import Appointment, Slot
from tests.clinics.factories import ClinicSessionFactory
from tests.factories import ChildFactory, HubFactory, PracticeFactory

FROM, TO = datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)


class Clinics:
    """Sessions with their slots handed out in order."""

    def __init__(self, practice):
        self.practice = practice
        self.next_slot = {}

    def session(self, day, **kwargs):
        session = ClinicSessionFactory(
            host_practice=self.practice,
            date=day,
            start_time=datetime.time(9),
            end_time=datetime.time(17),
            **kwargs,
        )
        self.next_slot[session.pk] = list(Slot.objects.filter(session=session))
        return session

    def book(self, session, child, **kwargs):
        return Appointment(slot=self.next_slot[session.pk].pop(0), child=child, **kwargs)


@pytest.fixture
def published_year(db):
    hub = HubFactory(code="EVAL-HUB")
    practice = PracticeFactory(hub=hub)
    clinics = Clinics(practice)
    sessions = [
        clinics.session(datetime.date(2024, month, day))
        for month in range(1, 13)
        for day in (8, 22)
    ]
    children = ChildFactory.create_batch(134, practice=practice)
    rows = []

    def waits():
        # 130 waits, hand-sorted: 64 of 14 days, one of 25, one of 28, 64 of 40 -> median 26.5
        yield from [14] * 64 + [25, 28] + [40] * 64

    wait = waits()
    outcomes = (
        ["discharged_to_primary_care"] * 85 + ["hub_follow_up"] * 41 + ["hospital_referral"] * 14
    )
    # 126 children seen once as new patients (sessions 0-5 see 6, the others 5);
    # the last two have no referral date.
    for i, child in enumerate(children[:126]):
        session = sessions[i // 6] if i < 36 else sessions[6 + (i - 36) // 5]
        referral_date = session.date - datetime.timedelta(days=next(wait)) if i < 124 else None
        rows.append(
            clinics.book(session, child, type="new", status="attended", referral_date=referral_date)
        )
    # 20 of them come back for a follow-up (a long wait that must not count: not new).
    for i, child in enumerate(children[:20]):
        rows.append(
            clinics.book(
                sessions[12 + i % 12],
                child,
                type="follow_up",
                status="attended",
                referral_date=datetime.date(2021, 1, 1),
            )
        )
    for appointment, outcome in zip(rows, outcomes, strict=False):
        appointment.outcome = outcome  # 140 of the 146 attended have an outcome
    # 6 new patients not brought (their waits are the last six of the 130).
    for i, child in enumerate(children[126:132]):
        session = sessions[20 + i % 4]
        rows.append(
            clinics.book(
                session,
                child,
                type="new",
                status="not_brought",
                referral_date=session.date - datetime.timedelta(days=next(wait)),
            )
        )
    # Cancelled appointments do not count; booked ones do (no wait: not seen yet).
    for i, status in enumerate(["cancelled_by_family"] * 4 + ["cancelled_by_clinic"] * 3):
        rows.append(clinics.book(sessions[i], children[132], status=status))
    for session in sessions[22:24]:
        rows.append(
            clinics.book(
                session, children[133], status="booked", referral_date=datetime.date(2023, 1, 1)
            )
        )
    # A cancelled session in the period, a session before it, and another hub's session.
    cancelled = clinics.session(datetime.date(2024, 6, 1), status="cancelled")
    before = clinics.session(datetime.date(2023, 12, 31))
    rows.append(clinics.book(cancelled, children[0], status="attended", type="new"))
    rows.append(clinics.book(before, children[1], status="not_brought", type="new"))
    other = Clinics(PracticeFactory())
    other_session = other.session(datetime.date(2024, 3, 3))
    rows.append(other.book(other_session, ChildFactory(practice=other.practice), status="attended"))
    Appointment.objects.bulk_create(rows)
    assert next(wait, None) is None
    return hub


def test_measures_equal_the_hand_count_of_a_published_year(published_year):
    measures = clinic_measures([published_year.pk], FROM, TO)
    assert [k for k in measures if not k.startswith("_")] == KEYS
    assert measures == {
        "clinic_sessions": 24,
        "clinic_appointments": 146 + 6 + 2,
        "clinic_attendances": 146,
        "clinic_patients_seen": 126,
        "clinic_new_patients": 126,
        "clinic_not_brought": 6,
        "clinic_dna_pct": Decimal("3.9"),  # 6 / 152 = 3.947%
        "clinic_median_wait_days": Decimal("26.5"),
        "clinic_outcome_discharged_pct": Decimal("60.7"),  # 85 / 140
        "clinic_outcome_hub_follow_up_pct": Decimal("29.3"),  # 41 / 140
        "clinic_outcome_hospital_referral_pct": Decimal("10.0"),  # 14 / 140
        "_clinic_wait_n": 130,
        "_clinic_outcomes_n": 140,
        "_clinic_outcome_discharged_n": 85,
        "_clinic_outcome_hub_follow_up_n": 41,
        "_clinic_outcome_hospital_referral_n": 14,
    }


def test_a_period_with_no_clinics_has_empty_percentages(published_year):
    measures = clinic_measures([published_year.pk], FROM.replace(year=2030), TO.replace(year=2030))
    assert measures["clinic_sessions"] == 0
    assert measures["clinic_dna_pct"] is None
    assert measures["clinic_median_wait_days"] is None
    assert measures["clinic_outcome_discharged_pct"] is None


def test_percentages_round_half_away_from_zero():
    assert pct(1, 16) == Decimal("6.3")  # 6.25: banker's rounding would give 6.2
    assert pct(1, 8) == Decimal("12.5")
    assert pct(0, 5) == Decimal("0.0")
    assert pct(3, 0) is None
    assert median([1, 2]) == Decimal("1.5")
    assert median([]) is None
