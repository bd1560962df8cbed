"""Urgency means something: an urgent request has the hub's shorter urgent target (default 4
hours, on the hub's own clock, never longer than the routine target), is marked on the queue
and in the email, sorts before routine requests of the same state, and is timed by its own
target in the reminders and the measures."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from advice import clock, reminders, services
from advice.models import AdviceLineSettings, Urgency
from hubs.models import Hub, Role, TargetUnit
from tests.advice.factories import AdviceRequestFactory
from tests.factories import ChildFactory, member
from tests.outbox import relay_waiting

LONDON = ZoneInfo("Europe/London")


def at(month, day, hour, minute=0, year=2026):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


# Tuesday 10 March 2026; Friday 13 March; Monday 16 March.
TUESDAY_10 = at(3, 10, 10)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(3, 10, 10), at(3, 10, 14)),  # Tuesday morning: four working hours later
        (at(3, 13, 16), at(3, 16, 12)),  # Friday 16:00: one hour on Friday, three on Monday
        (at(3, 14, 11), at(3, 16, 13)),  # Saturday: the clock starts on Monday at 09:00
        (at(4, 2, 15), at(4, 7, 11)),  # Thursday before Easter: Good Friday, Easter Monday off
    ],
)
def test_in_a_hub_counting_working_days_an_urgent_request_is_due_four_working_hours_later(
    received, due
):
    hub = Hub(
        code="URG", name="Urgent", response_target=2, response_target_unit=TargetUnit.WORKING_DAYS
    )
    assert clock.due_at(hub, received, urgency=Urgency.URGENT) == due
    assert clock.describe_target(hub, Urgency.URGENT) == "4 working hours"
    # The same request marked routine keeps the hub's own, longer target.
    assert clock.due_at(hub, received) > due


@pytest.mark.parametrize(
    "received",
    [at(3, 10, 10), at(3, 13, 16), at(3, 14, 11), at(4, 2, 15)],
)
def test_in_a_hub_counting_clock_hours_an_urgent_request_is_due_four_hours_later(received):
    # Friday 16:00 urgent is due at 20:00 that evening, not on Monday after the routine one.
    hub = Hub(code="URG", name="Urgent", response_target=24, response_target_unit=TargetUnit.HOURS)
    assert clock.due_at(hub, received, urgency=Urgency.URGENT) == received + datetime.timedelta(
        hours=4
    )
    assert clock.describe_target(hub, Urgency.URGENT) == "4 hours"
    assert clock.due_at(hub, received) == received + datetime.timedelta(hours=24)


@pytest.mark.parametrize(
    ("target", "unit", "urgent_hours"),
    [(2, TargetUnit.HOURS, 4), (1, TargetUnit.WORKING_DAYS, 10), (24, TargetUnit.HOURS, 24)],
)
def test_an_urgent_request_is_never_due_after_a_routine_one_received_at_the_same_time(
    hub, target, unit, urgent_hours
):
    hub.response_target, hub.response_target_unit = target, unit
    hub.save()
    AdviceLineSettings.objects.create(hub=hub, urgent_target_hours=urgent_hours)
    hub = Hub.objects.get(pk=hub.pk)
    for received in (at(3, 10, 10), at(3, 13, 16, 30), at(3, 14, 11), at(4, 2, 15)):
        routine = clock.due_at(hub, received)
        assert clock.due_at(hub, received, urgency=Urgency.URGENT) == routine
    assert clock.describe_target(hub, Urgency.URGENT) == clock.describe_target(hub)


def test_the_urgent_target_is_a_hub_setting(hub):
    AdviceLineSettings.objects.create(hub=hub, urgent_target_hours=2)
    hub = Hub.objects.get(pk=hub.pk)
    assert clock.describe_target(hub, Urgency.URGENT) == "2 hours"
    assert clock.due_at(hub, at(3, 10, 16), urgency=Urgency.URGENT) == at(3, 10, 18)


def test_a_hub_without_settings_gets_four_hours(hub):
    assert clock.describe_target(hub, Urgency.URGENT) == "4 hours"
    assert clock.describe_target(hub) == "24 hours"


def test_the_new_request_email_says_urgent_and_its_target_but_nothing_clinical(
    hub, gp, paediatrician, child, django_capture_on_commit_callbacks
):
    question = "Purpuric rash and fever since this morning."
    with django_capture_on_commit_callbacks(execute=True):
        services.ask(
            hub=hub,
            child=child,
            question=question,
            request_type="management",
            urgency=Urgency.URGENT,
            by=gp,
        )
        services.ask(
            hub=hub, child=child, question="Routine", request_type="other", urgency="routine", by=gp
        )
    relay_waiting()
    urgent, routine = sorted(mail.outbox, key=lambda m: "Urgent" not in m.subject)
    assert urgent.subject == "Urgent: a new advice request"
    assert "It is marked urgent: the hub answers urgent requests within 4 hours." in urgent.body
    assert routine.subject == "A new advice request" and "urgent" not in routine.body.lower()
    for message in (urgent, routine):
        for detail in (question, "Purpuric", child.family_name, child.nhs_number):
            assert detail not in message.body and detail not in message.subject


def test_the_reminder_sweep_times_an_urgent_request_by_its_own_target(hub, child):
    covering = member(Role.PAEDIATRICIAN, hub)
    lead = member(Role.PAEDIATRICIAN, hub)
    hub.lead = lead
    hub.save()
    urgent = AdviceRequestFactory(hub=hub, child=child, received_at=TUESDAY_10, urgency="urgent")
    AdviceRequestFactory(hub=hub, child=child, received_at=TUESDAY_10)
    with time_machine.travel(at(3, 10, 13, 5), tick=False):  # 77% of 4 h; 13% of 24 h
        assert reminders.sweep() == 1
        relay_waiting()
    assert [m.subject for m in mail.outbox] == [
        "Urgent: an advice request is close to its response target"
    ]
    assert covering.email in mail.outbox[0].to
    with time_machine.travel(at(3, 10, 14, 5), tick=False):
        assert reminders.sweep() == 1
        relay_waiting()
    assert mail.outbox[-1].subject == "Urgent: an advice request has missed its response target"
    assert mail.outbox[-1].to == [lead.email]
    assert urgent.reminders.count() == 2


@pytest.fixture
def queue_of(client_for):
    def read(person):
        return client_for(person).get(reverse("advice:queue")).content.decode()

    return read


def test_the_queue_marks_urgent_requests_and_puts_them_before_routine_ones_of_the_same_state(
    hub, paediatrician, queue_of
):
    with time_machine.travel(at(3, 13, 16, 30), tick=False):  # Friday, 16:30
        # Running: the routine one is due tomorrow at 12:00, the urgent one tonight at 20:00;
        # the urgent one comes first.
        routine = AdviceRequestFactory(hub=hub, received_at=at(3, 13, 12))
        urgent = AdviceRequestFactory(hub=hub, received_at=at(3, 13, 16), urgency="urgent")
        # Overdue, both: the urgent one first, though the routine one is later.
        late_routine = AdviceRequestFactory(hub=hub, received_at=at(3, 11, 9))
        late_urgent = AdviceRequestFactory(hub=hub, received_at=at(3, 12, 9), urgency="urgent")
        # Paused for information, both: the urgent one first.
        paused_routine = AdviceRequestFactory(
            hub=hub, received_at=at(3, 13, 9), status="awaiting_info", paused_since=at(3, 13, 10)
        )
        paused_urgent = AdviceRequestFactory(
            hub=hub,
            received_at=at(3, 13, 9, 30),
            urgency="urgent",
            status="awaiting_info",
            paused_since=at(3, 13, 10),
        )
        body = queue_of(paediatrician)
    order = [late_urgent, late_routine, urgent, routine, paused_urgent, paused_routine]
    positions = [body.index(r.reference) for r in order]
    assert positions == sorted(positions)
    row = body[body.index(urgent.reference) : body.index("</tr>", body.index(urgent.reference))]
    assert '<span class="badge text-bg-danger">Urgent</span>' in row
    assert "<strong>Urgent</strong>" in row and "due Fri 13 Mar 2026 20:00" in row


@pytest.mark.parametrize("rows", [1, 50])
def test_queue_query_count_with_urgent_requests_does_not_grow(
    rows, client_for, hub, paediatrician, practice, django_assert_max_num_queries
):
    AdviceLineSettings.objects.create(hub=hub, urgent_target_hours=3)
    for n in range(rows):
        AdviceRequestFactory(
            hub=hub, child=ChildFactory(practice=practice), urgency="urgent" if n % 2 else "routine"
        )
    client = client_for(paediatrician)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("advice:queue"))
    assert response.content.decode().count("<tr") == rows + 1


def test_the_request_page_and_the_ask_form_name_the_urgent_target(
    hub, gp, paediatrician, client_for
):
    urgent = AdviceRequestFactory(hub=hub, asked_by=gp, urgency="urgent")
    body = client_for(paediatrician).get(reverse("advice:detail", args=[urgent.pk])).content
    assert "4 hours (urgent)" in body.decode()
    body = client_for(gp).get(reverse("advice:ask")).content.decode()
    assert "urgent questions are answered within 4 hours, routine ones within 24 hours" in body
