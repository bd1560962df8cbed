"""Advice line measures: the within-target rule checked against a hand count."""

import datetime
from decimal import Decimal

from advice.metrics import KEYS, advice_measures
from advice.models import AdviceLineSettings, AdviceRequest
from cc4c.measures import round_1dp as one_dp
from hubs.models import TargetUnit
from tests.advice.factories import AdviceRequestFactory
from tests.factories import HubFactory

GMT = datetime.UTC  # March 2025 is GMT
BST = datetime.timezone(datetime.timedelta(hours=1))  # April 2025 is BST


def t(month, day, hh, mm=0):
    return datetime.datetime(2025, month, day, hh, mm, tzinfo=GMT if month < 4 else BST)


# (received, first response, outcome, within one working day by hand)
HAND_COUNT = [
    (t(3, 7, 15), t(3, 10, 14), "primary_care_advice", True),  # Fri 15:00, due Mon 15:00
    (t(3, 7, 15), t(3, 10, 16), "primary_care_advice", False),
    (t(3, 8, 10), t(3, 10, 16, 59), "mdt_discussion", True),  # Saturday: due Mon 17:00
    (t(3, 9, 10), t(3, 10, 18), "", False),  # Sunday: due Mon 17:00, answered 18:00
    (t(4, 17, 10), t(4, 22, 9, 30), "", True),  # Thu before Easter: due Tue 22 Apr 10:00
    (t(4, 17, 10), t(4, 22, 11), "", False),
    (t(4, 17, 10), None, "", False),  # never answered, target long passed: missed
    (t(4, 30, 16), None, "", None),  # due Thu 1 May 16:00, not yet due: left out
]
NOW = t(5, 1, 10)


def test_within_target_pct_equals_a_hand_count_around_weekends_and_a_bank_holiday(db):
    hub = HubFactory(response_target=1, response_target_unit=TargetUnit.WORKING_DAYS)
    for received, responded, outcome, _ in HAND_COUNT:
        AdviceRequestFactory(
            hub=hub, received_at=received, first_response_at=responded, outcome=outcome
        )
    met = sum(1 for *_, ok in HAND_COUNT if ok)
    counted = sum(1 for *_, ok in HAND_COUNT if ok is not None)
    assert (met, counted) == (3, 7)

    result = advice_measures(
        [hub.pk], datetime.date(2025, 3, 1), datetime.date(2025, 4, 30), now=NOW
    )

    assert {k for k in result if not k.startswith("_")} == set(KEYS)
    assert result["advice_requests"] == 8
    assert result["advice_answered"] == 6
    assert result["advice_within_target_pct"] == Decimal("42.9")
    # 32, 55.0, 71, 73, 119.5, 121 hours: median (71 + 73) / 2
    assert result["advice_median_response_hours"] == Decimal("72.0")
    assert result["advice_outcome_primary_care_advice_pct"] == Decimal("66.7")
    assert result["advice_outcome_mdt_discussion_pct"] == Decimal("33.3")
    assert result["advice_outcome_hospital_referral_pct"] == Decimal("0.0")


def test_in_clock_hours_the_same_requests_count_differently(db):
    hub = HubFactory(response_target=24)
    for received, responded, outcome, _ in HAND_COUNT:
        AdviceRequestFactory(
            hub=hub, received_at=received, first_response_at=responded, outcome=outcome
        )
    result = advice_measures(
        [hub.pk], datetime.date(2025, 3, 1), datetime.date(2025, 4, 30), now=NOW
    )
    # Every answer took 32 hours or more: none is within 24 clock hours.
    assert result["advice_within_target_pct"] == Decimal("0.0")


def test_a_period_with_no_requests_has_empty_percentages_not_zero(db):
    hub = HubFactory()
    result = advice_measures([hub.pk], datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))
    assert result["advice_requests"] == 0
    assert result["advice_within_target_pct"] is None
    assert result["advice_median_response_hours"] is None
    assert result["advice_outcome_other_pct"] is None


def test_percentages_round_half_away_from_zero():
    assert one_dp(Decimal("2.25")) == Decimal("2.3")
    assert one_dp(Decimal("-2.25")) == Decimal("-2.3")
    assert one_dp(Decimal("2.249")) == Decimal("2.2")


def london(month, day, hh, mm=0):
    return datetime.datetime(2026, month, day, hh, mm, tzinfo=GMT)  # March 2026 is GMT


# (received, first response, urgency, within its own target by hand). The hub: 24 clock hours
# for routine requests, the default 4 hours (clock hours, as the hub counts) for urgent ones.
URGENT_HAND_COUNT = [
    (london(3, 10, 10), london(3, 10, 13, 30), "urgent", True),  # Tue: due 14:00
    (london(3, 10, 10), london(3, 10, 15), "urgent", False),  # within 24 h, not within 4
    (london(3, 13, 16), london(3, 16, 11), "urgent", False),  # Fri 16:00: due Fri 20:00
    (london(3, 16, 9, 30), None, "urgent", None),  # Mon 09:30: due 13:30, not yet: left out
    (london(3, 11, 9), None, "urgent", False),  # due Wed 13:00, never answered: missed
    (london(3, 10, 10), london(3, 11, 6), "routine", True),  # 20 h
    (london(3, 10, 10), london(3, 11, 16), "routine", False),  # 30 h
]
URGENT_NOW = london(3, 16, 11)


def test_within_target_times_each_request_by_its_own_target_urgent_or_routine(db):
    hub = HubFactory(response_target=24)
    for received, responded, urgency, _ in URGENT_HAND_COUNT:
        AdviceRequestFactory(
            hub=hub, received_at=received, first_response_at=responded, urgency=urgency
        )
    met = sum(1 for *_, ok in URGENT_HAND_COUNT if ok)
    counted = sum(1 for *_, ok in URGENT_HAND_COUNT if ok is not None)
    assert (met, counted) == (2, 6)

    span = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    result = advice_measures([hub.pk], *span, now=URGENT_NOW)
    assert (result["_advice_within_target_n"], result["_advice_target_due_n"]) == (2, 6)
    assert result["advice_within_target_pct"] == Decimal("33.3")
    # Per hub and per month the same requests give the same figure.
    assert advice_measures([hub.pk], *span, by="hub", now=URGENT_NOW)[hub.pk][
        "advice_within_target_pct"
    ] == Decimal("33.3")

    # Timed by the hub's 24 hours alone they would count differently (3 of 6).
    AdviceRequest.objects.update(urgency="routine")
    assert advice_measures([hub.pk], *span, now=URGENT_NOW)["advice_within_target_pct"] == (
        Decimal("50.0")
    )


def test_a_hub_with_a_shorter_urgent_target_counts_by_it(db):
    hub = HubFactory(response_target=24)
    AdviceLineSettings.objects.create(hub=hub, urgent_target_hours=2)
    for received, responded, urgency, _ in URGENT_HAND_COUNT:
        AdviceRequestFactory(
            hub=hub, received_at=received, first_response_at=responded, urgency=urgency
        )
    # 2 hours: Tue 10:00 is due 12:00 (answered 13:30, missed); Fri 16:00 is due 18:00
    # (answered Monday, missed); Mon 09:30 is due 11:30, not yet: left out.
    result = advice_measures(
        [hub.pk], datetime.date(2026, 3, 1), datetime.date(2026, 3, 31), now=URGENT_NOW
    )
    assert (result["_advice_within_target_n"], result["_advice_target_due_n"]) == (1, 6)
