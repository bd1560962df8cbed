"""The MDT measures equal a hand count (docs/evaluation-measures.md, MDT)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from cc4c.measures import pct, ratio_1dp
from mdt.metrics import mdt_measures
from mdt.models import CaseDiscussion, Meeting, MeetingStatus, Source
from tests.factories import ChildFactory, HubFactory, PracticeFactory

LONDON = ZoneInfo("Europe/London")


def at(day, hour=12):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON)


def meeting(hub, day, status=MeetingStatus.FINISHED, hour=12):
    starts = at(day, hour)
    return Meeting.objects.create(
        hub=hub,
        starts_at=starts,
        status=status,
        finished_at=starts if status == MeetingStatus.FINISHED else None,
    )


def discuss(meeting, practice, outcomes):
    CaseDiscussion.objects.bulk_create(
        [
            CaseDiscussion(
                meeting=meeting,
                child=ChildFactory(practice=practice),
                source=Source.IMPORT,
                discussed=bool(outcome),
                outcome=outcome,
                named_professional="Dietician" if outcome == "named_professional" else "",
            )
            for outcome in outcomes
        ]
    )


def test_measures_equal_a_hand_count_of_59_21_20(db):
    hub, other = HubFactory(code="MET-A"), HubFactory(code="MET-B")
    practice, other_practice = PracticeFactory(hub=hub), PracticeFactory(hub=other)
    # Seven meetings in January 2025: 59 advice, 21 outreach clinic, 20 named professional.
    outcomes = ["primary_care_advice"] * 59 + ["outreach_clinic"] * 21 + ["named_professional"] * 20
    days = [datetime.date(2025, 1, d) for d in (1, 6, 10, 15, 20, 25, 31)]
    chunks = [outcomes[i::7] for i in range(7)]
    for day, chunk in zip(days, chunks, strict=True):
        discuss(meeting(hub, day), practice, chunk)
    # One undiscussed case at a held meeting: not a discussion.
    discuss(Meeting.objects.filter(hub=hub).first(), practice, [""])
    # Just outside the period (local dates), at a meeting not held, or at another hub: left out.
    discuss(meeting(hub, datetime.date(2024, 12, 31), hour=23), practice, ["other"])
    discuss(meeting(hub, datetime.date(2025, 2, 1), hour=0), practice, ["other"])
    discuss(meeting(hub, datetime.date(2025, 1, 30), MeetingStatus.PLANNED), practice, [])
    discuss(meeting(other, datetime.date(2025, 1, 15)), other_practice, ["other"] * 5)

    result = mdt_measures([hub.pk], datetime.date(2025, 1, 1), datetime.date(2025, 1, 31))

    public = {k: v for k, v in result.items() if not k.startswith("_")}
    assert public == {
        "mdt_meetings": 7,
        "mdt_cases_discussed": 100,
        "mdt_cases_per_meeting": Decimal("14.3"),
        "mdt_outcome_primary_care_advice_pct": Decimal("59.0"),
        "mdt_outcome_outreach_clinic_pct": Decimal("21.0"),
        "mdt_outcome_named_professional_pct": Decimal("20.0"),
        "mdt_outcome_other_pct": Decimal("0.0"),
    }
    assert result["_mdt_outcome_primary_care_advice_n"] == 59
    assert result["_mdt_outcome_outreach_clinic_n"] == 21
    assert result["_mdt_outcome_named_professional_n"] == 20
    assert result["_mdt_outcome_other_n"] == 0


def test_two_hubs_together_and_thirds(db):
    hub, other = HubFactory(code="MET-C"), HubFactory(code="MET-D")
    p, q = PracticeFactory(hub=hub), PracticeFactory(hub=other)
    discuss(meeting(hub, datetime.date(2025, 3, 3)), p, ["primary_care_advice", "other"])
    discuss(meeting(other, datetime.date(2025, 3, 4)), q, ["outreach_clinic"])
    result = mdt_measures([hub.pk, other.pk], datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))
    assert result["mdt_cases_per_meeting"] == Decimal("1.5")
    assert result["mdt_outcome_primary_care_advice_pct"] == Decimal("33.3")
    assert result["mdt_outcome_outreach_clinic_pct"] == Decimal("33.3")
    assert result["mdt_outcome_other_pct"] == Decimal("33.3")


def test_no_meetings_gives_empty_ratios_not_zero(db):
    hub = HubFactory(code="MET-E")
    result = mdt_measures([hub.pk], datetime.date(2025, 1, 1), datetime.date(2025, 1, 31))
    assert result["mdt_meetings"] == 0
    assert result["mdt_cases_discussed"] == 0
    assert result["mdt_cases_per_meeting"] is None
    assert result["mdt_outcome_other_pct"] is None


def test_rounding_is_half_away_from_zero():
    assert pct(1, 16) == Decimal("6.3")  # 6.25: banker's rounding would give 6.2
    assert pct(1, 8) == Decimal("12.5")
    assert pct(-1, 16) == Decimal("-6.3")
    assert ratio_1dp(5, 0) is None
