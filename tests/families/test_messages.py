"""Messages to families through GOV.UK Notify, proved with the real client against the stand-in
on loopback (tests/notify_server.py)."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cc4c import govuk_notify
from cc4c.models import NotificationStatus, OutboxNotification
from clinics import queries as clinic_queries
from clinics import services as clinics
from clinics.models import AppointmentStatus, ReferralStatus
from families import services
from families.models import ContactTask, FamilyLink, Kind, Message, TaskReason
from tests.clinics.factories import ReferralFactory, free_slot
from tests.families.conftest import session_in
from tests.notify_server import CALLBACK_TOKEN, UNKNOWN_TEMPLATE

pytestmark = pytest.mark.django_db

LONDON = timezone.get_current_timezone()


def at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def book(slot, child, coordinator, referral=None):
    return clinics.book_appointment(slot=slot, child=child, referral=referral, by=coordinator)


def sent_of(notify, kind):
    ids = {str(v) for k, v in notify_templates().items() if k.startswith(f"{kind}_")}
    return [s for s in notify.sent if s["template_id"] in ids]


def notify_templates():
    from django.conf import settings

    return settings.NOTIFY_TEMPLATES


def token_of(message):
    return message.outbox.personalisation["link"].rstrip("/").rsplit("/", 1)[-1]


def test_a_booking_sends_exactly_one_confirmation_through_notify(notify, carer, slot, coordinator):
    appointment = book(slot, carer.child, coordinator)
    assert govuk_notify.relay() == 1
    assert govuk_notify.relay() == 0  # a second relay (or sweep) sends nothing again
    (sent,) = notify.sent
    assert sent["template_id"] == notify_templates()["booked_sms"]
    assert sent["phone_number"] == carer.mobile
    values = sent["personalisation"]
    assert set(values) == {"first_name", "date", "time", "place", "phone", "link"}
    assert values["first_name"] == carer.child.given_name
    assert values["time"] == "09:00"
    message = Message.objects.get(appointment=appointment)
    assert message.kind == Kind.BOOKED
    assert message.outbox.notify_id == sent["id"]
    assert sent["reference"] == message.outbox.reference
    assert message.outbox.status == NotificationStatus.SENDING


def test_reminders_go_at_the_hubs_times_each_once(notify, carer, practice, coordinator):
    session = session_in(practice, 10)
    with time_machine.travel(at(timezone.localdate(), 11), tick=False):
        appointment = book(free_slot(session), carer.child, coordinator)
    week_before = session.date - datetime.timedelta(days=7)
    day_before = session.date - datetime.timedelta(days=1)
    with time_machine.travel(at(week_before, 8, 59), tick=False):
        assert services.send_due_reminders() == 0
    with time_machine.travel(at(week_before, 9, 0), tick=False):
        assert services.send_due_reminders() == 1
        assert services.send_due_reminders() == 0
    with time_machine.travel(at(day_before - datetime.timedelta(days=1), 18), tick=False):
        assert services.send_due_reminders() == 0
    with time_machine.travel(at(day_before, 9, 5), tick=False):
        assert services.send_due_reminders() == 1
        govuk_notify.relay()
    reminders = Message.objects.filter(appointment=appointment, kind=Kind.REMINDER)
    assert sorted(reminders.values_list("reminder_days", flat=True)) == [1, 7]
    assert len(sent_of(notify, "reminder")) == 2
    assert len(sent_of(notify, "booked")) == 1


def test_a_hub_sets_its_own_reminder_days(notify, carer, practice, coordinator, settings_of_hub):
    settings_of_hub.reminder_days = [3]
    settings_of_hub.save()
    session = session_in(practice, 10)
    with time_machine.travel(at(timezone.localdate(), 11), tick=False):
        book(free_slot(session), carer.child, coordinator)
    for days in (7, 1):
        with time_machine.travel(at(session.date - datetime.timedelta(days=days), 10)):
            services.send_due_reminders()
    assert Message.objects.filter(kind=Kind.REMINDER).count() == 1
    assert Message.objects.get(kind=Kind.REMINDER).reminder_days == 3


def test_booked_after_the_week_reminder_gets_only_the_day_before(
    notify, carer, practice, coordinator
):
    session = session_in(practice, 3)
    with time_machine.travel(at(timezone.localdate(), 11), tick=False):
        book(free_slot(session), carer.child, coordinator)
        assert services.send_due_reminders() == 0
    with time_machine.travel(at(session.date - datetime.timedelta(days=1), 9, 30)):
        assert services.send_due_reminders() == 1
    assert list(
        Message.objects.filter(kind=Kind.REMINDER).values_list("reminder_days", flat=True)
    ) == [1]


def test_we_cant_come_frees_the_slot_stops_the_reminders_and_keeps_the_childs_place(
    notify, client, carer, practice, coordinator
):
    session = session_in(practice, 10)
    referral = ReferralFactory(child=carer.child)
    with time_machine.travel(at(timezone.localdate(), 11), tick=False):
        appointment = book(free_slot(session), carer.child, coordinator, referral)
    slot = appointment.slot
    message = Message.objects.get(appointment=appointment)
    url = reverse("families:answer", args=[token_of(message)])
    page = client.get(url)
    assert page.status_code == 200
    assert carer.child.given_name in page.content.decode()
    assert carer.child.family_name not in page.content.decode()
    assert carer.child.nhs_number not in page.content.decode()
    response = client.post(url, {"answer": "cant_come"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    referral.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED_BY_FAMILY
    assert referral.status == ReferralStatus.WAITING
    assert referral.referral_date == appointment.referral_date
    assert slot in clinic_queries.free_slots(coordinator, session.hub_id)
    with time_machine.travel(at(session.date - datetime.timedelta(days=1), 10)):
        assert services.send_due_reminders() == 0
    # The link was used: a second answer is refused, and says so.
    assert client.post(url, {"answer": "confirmed"}).status_code == 410
    # The coordinator sees the slot given back, on the clinics and the replies pages.
    client.force_login(coordinator)
    clinics_page = client.get(reverse("clinics:session_list")).content.decode()
    assert "given back" in clinics_page
    assert reverse("clinics:slot_book", args=[session.pk, slot.pk]) in clinics_page
    replies = client.get(reverse("families:replies")).content.decode()
    assert reverse("clinics:slot_book", args=[session.pk, slot.pk]) in replies


def test_a_cancelled_appointments_unsent_messages_are_withdrawn(notify, carer, slot, coordinator):
    notify.stop()
    appointment = book(slot, carer.child, coordinator)
    govuk_notify.relay()
    clinics.cancel_appointment(
        appointment=appointment, by_family=False, reason="Clinic", by=coordinator
    )
    notify.start()
    assert govuk_notify.relay(now=timezone.now() + datetime.timedelta(hours=2)) == 0
    assert notify.sent == []
    assert Message.objects.get().outbox.status == NotificationStatus.WITHDRAWN


def test_a_moved_appointment_is_told_and_its_old_link_and_reminders_are_gone(
    notify, client, carer, practice, coordinator
):
    first, later = session_in(practice, 10), session_in(practice, 12)
    with time_machine.travel(at(timezone.localdate(), 11), tick=False):
        appointment = book(free_slot(first), carer.child, coordinator)
        old = Message.objects.get(kind=Kind.BOOKED)
        clinics.move_appointment(appointment=appointment, slot=free_slot(later), by=coordinator)
        govuk_notify.relay()
    assert len(sent_of(notify, "moved")) == 1
    assert client.get(reverse("families:answer", args=[token_of(old)])).status_code == 410
    with time_machine.travel(at(first.date - datetime.timedelta(days=1), 10)):
        # The old time's day-before reminder is the new time's week-before one.
        assert services.send_due_reminders() == 1
    with time_machine.travel(at(later.date - datetime.timedelta(days=1), 10)):
        assert services.send_due_reminders() == 1
    reminders = Message.objects.filter(kind=Kind.REMINDER)
    assert sorted(r.reminder_days for r in reminders) == [1, 7]
    assert {r.slot_id for r in reminders} == {appointment.slot_id}


def receipt(client, body, token=CALLBACK_TOKEN):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.post(reverse("notify_receipt"), body, content_type="application/json", **headers)


def test_a_permanent_failure_opens_the_coordinators_task_to_correct_the_contact(
    notify, client, carer, slot, coordinator
):
    book(slot, carer.child, coordinator)
    govuk_notify.relay()
    (sent,) = notify.sent
    assert receipt(client, notify.receipt(sent, "permanent-failure")).status_code == 200
    assert receipt(client, notify.receipt(sent, "permanent-failure")).status_code == 200
    task = ContactTask.objects.get()
    assert task.reason == TaskReason.WRONG_CONTACT and task.is_open
    assert Message.objects.get().outbox.status == NotificationStatus.PERMANENT_FAILURE
    client.force_login(coordinator)
    assert carer.name in client.get(reverse("families:replies")).content.decode()
    services.update_carer(carer=carer, mobile="07700900333", by=coordinator)
    task.refresh_from_db()
    assert not task.is_open


def test_a_number_notify_refuses_opens_the_task_without_retrying(notify, carer, slot, coordinator):
    carer.mobile = "07700900111"  # the stand-in's undeliverable number
    carer.save()
    book(slot, carer.child, coordinator)
    govuk_notify.relay()
    assert Message.objects.get().outbox.status == NotificationStatus.PERMANENT_FAILURE
    assert ContactTask.objects.get().reason == TaskReason.WRONG_CONTACT


def test_a_request_notify_refuses_for_another_reason_is_refused_with_no_contact_task(
    notify, carer, slot, coordinator, settings
):
    # A template the service lacks is the hub's setting to fix, not the family's contact.
    settings.NOTIFY_TEMPLATES = {**settings.NOTIFY_TEMPLATES, "booked_sms": UNKNOWN_TEMPLATE}
    book(slot, carer.child, coordinator)
    govuk_notify.relay()
    outbox = Message.objects.get().outbox
    assert outbox.status == NotificationStatus.REFUSED
    assert "Template not found" in outbox.last_error
    assert not ContactTask.objects.exists()
    assert govuk_notify.relay() == 0  # final: not tried again
    assert notify.sent == []


def test_delivered_is_recorded_and_shown_on_the_appointment_and_the_childs_record(
    notify, client, carer, slot, coordinator
):
    appointment = book(slot, carer.child, coordinator)
    govuk_notify.relay()
    (sent,) = notify.sent
    receipt(client, notify.receipt(sent, "delivered"))
    assert Message.objects.get().outbox.status == NotificationStatus.DELIVERED
    client.force_login(coordinator)
    for url in (
        reverse("clinics:appointment_detail", args=[appointment.pk]),
        reverse("population:child", args=[carer.child.pk]),
    ):
        body = client.get(url).content.decode()
        assert "Messages to the family" in body and "Delivered" in body


def test_a_temporary_failure_is_sent_again_then_given_up_with_a_task(
    notify, client, carer, slot, coordinator
):
    book(slot, carer.child, coordinator)
    later = timezone.now()
    for _ in range(govuk_notify.MAX_RESENDS):
        later += datetime.timedelta(hours=5)
        govuk_notify.relay(now=later)
        receipt(client, notify.receipt(notify.sent[-1], "temporary-failure"))
        assert not ContactTask.objects.exists()
    govuk_notify.relay(now=later + datetime.timedelta(hours=5))
    receipt(client, notify.receipt(notify.sent[-1], "temporary-failure"))
    assert len(notify.sent) == govuk_notify.MAX_RESENDS + 1
    outbox = OutboxNotification.objects.get()
    assert outbox.status == NotificationStatus.TEMPORARY_FAILURE
    assert len(outbox.earlier_notify_ids) == govuk_notify.MAX_RESENDS
    assert ContactTask.objects.get().reason == TaskReason.NOT_REACHED


def test_the_receipts_endpoint_refuses_a_missing_or_wrong_bearer_token(
    notify, client, carer, slot, coordinator
):
    book(slot, carer.child, coordinator)
    govuk_notify.relay()
    body = notify.receipt(notify.sent[0], "permanent-failure")
    assert receipt(client, body, token=None).status_code == 401
    assert receipt(client, body, token="not-the-token").status_code == 401
    assert Message.objects.get().outbox.status == NotificationStatus.SENDING
    assert not ContactTask.objects.exists()


def test_notify_answering_500_loses_nothing_and_sends_each_message_once_when_it_is_back(
    notify, carer, slot, coordinator
):
    notify.fail_with = 500
    book(slot, carer.child, coordinator)
    assert govuk_notify.relay() == 0
    row = OutboxNotification.objects.get()
    assert row.status == NotificationStatus.QUEUED and "500" in row.last_error
    assert govuk_notify.relay() == 0  # not due yet: the pause grows
    notify.fail_with = None
    soon = timezone.now() + datetime.timedelta(minutes=5)
    assert govuk_notify.relay(now=soon) == 1
    assert govuk_notify.relay(now=soon) == 0
    assert len(notify.sent) == 1
    assert OutboxNotification.objects.get().notify_id == notify.sent[0]["id"]


def test_notify_being_down_loses_nothing_and_sends_each_message_once_when_it_returns(
    notify, carer, practice, coordinator
):
    notify.stop()
    session = session_in(practice, 10)
    for child_slot in list(session.slots.order_by("start_time"))[:1]:
        book(child_slot, carer.child, coordinator)
    assert govuk_notify.relay() == 0
    assert OutboxNotification.objects.get().attempts == 1
    notify.start()
    soon = timezone.now() + datetime.timedelta(minutes=5)
    assert govuk_notify.relay(now=soon) == 1
    assert govuk_notify.relay(now=soon) == 0
    assert len(notify.sent) == 1


def test_a_wrong_api_key_is_refused_by_notify_and_the_message_waits(
    notify, settings, carer, slot, coordinator
):
    settings.NOTIFY_API_KEY = settings.NOTIFY_API_KEY[:-4] + "0000"
    book(slot, carer.child, coordinator)
    assert govuk_notify.relay() == 0
    assert notify.refused_tokens and notify.sent == []
    assert OutboxNotification.objects.get().status == NotificationStatus.QUEUED


def test_receipts_not_called_back_are_asked_for(notify, carer, slot, coordinator):
    book(slot, carer.child, coordinator)
    govuk_notify.relay()
    notify.statuses[notify.sent[0]["id"]] = "delivered"
    assert govuk_notify.check_statuses() == 0  # too soon: the callback may still come
    assert govuk_notify.check_statuses(now=timezone.now() + datetime.timedelta(hours=2)) == 1
    assert OutboxNotification.objects.get().status == NotificationStatus.DELIVERED


def test_without_a_key_messages_are_kept_for_the_outbox_page(client, carer, slot, coordinator):
    book(slot, carer.child, coordinator)
    assert govuk_notify.relay() == 1
    assert OutboxNotification.objects.get().status == NotificationStatus.KEPT
    client.force_login(coordinator)
    page = client.get(reverse("families:outbox")).content.decode()
    assert "No GOV.UK Notify key" in page
    assert f"{carer.child.given_name} has an appointment at the children" in page


def test_nothing_goes_to_a_contact_without_consent(notify, carer, slot, coordinator):
    carer.consent_to_messages = False
    carer.consent_given_on = None
    carer.save()
    book(slot, carer.child, coordinator)
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    "change",
    ["withdraws consent", "is removed", "has a new mobile"],
)
def test_a_message_still_waiting_is_never_sent_once_the_contact_withdraws_consent_or_changes(
    notify, carer, slot, coordinator, change
):
    notify.fail_with = 500  # Notify is down: the booking's message waits
    book(slot, carer.child, coordinator)
    assert govuk_notify.relay() == 0
    if change == "withdraws consent":
        services.update_carer(
            carer=carer, by=coordinator, consent_to_messages=False, consent_given_on=None
        )
    elif change == "is removed":
        services.remove_carer(carer=carer, by=coordinator)
    else:
        services.update_carer(carer=carer, by=coordinator, mobile="07700900222")
    assert Message.objects.get().outbox.status == NotificationStatus.WITHDRAWN
    notify.fail_with = None
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        assert govuk_notify.relay() == 0
    assert notify.sent == []


def test_a_booking_rolled_back_leaves_no_message_to_send(notify, carer, slot, coordinator):
    from django.db import transaction

    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction.atomic():
        book(slot, carer.child, coordinator)
        assert OutboxNotification.objects.count() == 1  # written with the booking
        raise Undone
    assert not OutboxNotification.objects.exists()
    assert govuk_notify.relay() == 0 and notify.sent == []


def test_a_young_person_of_16_can_be_their_own_contact_and_a_younger_child_cannot(
    carer, coordinator, slot
):
    child = carer.child
    with pytest.raises(services.FamilyError, match="under 16"):
        services.add_carer(
            child=child,
            by=coordinator,
            name="Self",
            relationship="self",
            mobile="07700900444",
            preferred_channel="sms",
        )
    child.date_of_birth = timezone.localdate() - datetime.timedelta(days=16 * 366)
    child.save()
    own = services.add_carer(
        child=child,
        by=coordinator,
        name="Self",
        relationship="self",
        mobile="07700900444",
        preferred_channel="sms",
        consent_to_messages=True,
        consent_given_on=timezone.localdate(),
    )
    book(slot, child, coordinator)
    assert set(Message.objects.values_list("carer", flat=True)) == {carer.pk, own.pk}


def test_the_waiting_list_check_every_six_weeks_records_the_answer(
    notify, client, carer, coordinator
):
    referral = ReferralFactory(
        child=carer.child, referral_date=timezone.localdate() - datetime.timedelta(weeks=5)
    )
    assert services.send_waiting_checks(now=at(timezone.localdate(), 10)) == 0
    six_weeks = referral.referral_date + datetime.timedelta(weeks=6)
    with time_machine.travel(at(six_weeks, 10)):
        assert services.send_waiting_checks() == 1
        assert services.send_waiting_checks() == 0
        message = Message.objects.get(kind=Kind.WAITING_CHECK)
        url = reverse("families:answer", args=[token_of(message)])
        assert client.post(url, {"answer": "not_needed"}).status_code == 302
    link = FamilyLink.objects.get(referral=referral)
    assert link.answer == "not_needed"
    # The coordinator's next step on the replies page: take the child off the list.
    client.force_login(coordinator)
    replies = client.get(reverse("families:replies")).content.decode()
    assert reverse("clinics:referral_off_list", args=[referral.pk]) in replies
    with time_machine.travel(at(six_weeks + datetime.timedelta(weeks=6), 10)):
        assert services.send_waiting_checks() == 1  # the next round
    assert Message.objects.filter(kind=Kind.WAITING_CHECK).count() == 2


@pytest.mark.parametrize(("weeks", "sent_by_week"), [(4, {3: 0, 4: 1, 8: 2}), (0, {6: 0, 12: 0})])
def test_the_waiting_list_check_follows_the_hubs_own_interval_and_none_when_off(
    notify, carer, settings_of_hub, weeks, sent_by_week
):
    settings_of_hub.waiting_check_weeks = weeks
    settings_of_hub.save()
    referral = ReferralFactory(child=carer.child, referral_date=timezone.localdate())
    for week, total in sent_by_week.items():
        with time_machine.travel(at(referral.referral_date + datetime.timedelta(weeks=week), 10)):
            services.send_waiting_checks()
        assert Message.objects.filter(kind=Kind.WAITING_CHECK).count() == total, week


@pytest.mark.parametrize(("answer", "on_replies"), [("confirmed", False), ("another_time", True)])
def test_we_will_come_is_recorded_and_another_time_is_put_before_the_coordinator(
    notify, client, carer, slot, coordinator, answer, on_replies
):
    appointment = book(slot, carer.child, coordinator)
    url = reverse("families:answer", args=[token_of(Message.objects.get(appointment=appointment))])
    assert client.post(url, {"answer": answer}).status_code == 302
    assert FamilyLink.objects.get(appointment=appointment).answer == answer
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED  # the place is kept either way
    client.force_login(coordinator)
    replies = client.get(reverse("families:replies")).content.decode()
    appointment_link = reverse("clinics:appointment_detail", args=[appointment.pk])
    assert (appointment_link in replies) is on_replies


def test_not_brought_invites_the_family_to_rebook_linked_to_the_follow_up(
    notify, client, carer, practice, coordinator, paediatrician
):
    session = session_in(practice, 0)
    appointment = book(free_slot(session), carer.child, coordinator)
    follow_up = clinics.mark_not_brought(appointment=appointment, by=paediatrician)
    message = Message.objects.get(kind=Kind.REBOOK)
    assert message.follow_up == follow_up
    client.post(reverse("families:answer", args=[token_of(message)]), {"answer": "rebook"})
    client.force_login(coordinator)
    page = client.get(reverse("clinics:follow_up_detail", args=[follow_up.pk])).content.decode()
    assert "Would like another appointment" in page


def test_an_attended_appointment_sends_the_friends_and_family_test_link(
    notify, carer, practice, coordinator, paediatrician
):
    session = session_in(practice, 0)
    appointment = book(free_slot(session), carer.child, coordinator)
    clinics.mark_attended(appointment=appointment, by=paediatrician)
    message = Message.objects.get(kind=Kind.FEEDBACK)
    assert re.search(r"/feedback/f/[a-z0-9]+/$", message.outbox.personalisation["link"])
    govuk_notify.relay()
    assert len(sent_of(notify, "feedback")) == 1


def test_answered_advice_sends_the_friends_and_family_test_link(carer, hub, gp, paediatrician):
    from advice import services as advice

    request = advice.ask(
        hub=hub,
        question="Is this eczema?",
        request_type="management",
        urgency="routine",
        child=carer.child,
        by=gp,
    )
    advice.answer(advice_request=request, text="Try emollients.", by=paediatrician)
    assert Message.objects.get(kind=Kind.FEEDBACK).advice_request == request
    advice.answer(advice_request=request, text="And more.", by=paediatrician)
    assert Message.objects.filter(kind=Kind.FEEDBACK).count() == 1
