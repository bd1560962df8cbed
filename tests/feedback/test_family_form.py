"""The family's Friends and Family Test form: public, one answer per link, nothing that names
the child."""

import datetime
import re
import threading

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clinics.models import AppointmentStatus
from feedback import services, tokens
from feedback.models import CommentStatus, FamilyInvitation, FamilyResponse
from tests.advice.factories import AdviceRequestFactory
from tests.feedback.conftest import attended_appointment

pytestmark = pytest.mark.django_db

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
ANSWER = {"experience": "very_good", "place": "gp_practice", "comment": ""}


def link_for(appointment):
    invitation = services.invitations_for_appointments([appointment])[appointment.pk]
    return reverse("feedback:family", args=[tokens.token_for(invitation.nonce)])


def test_a_family_answers_on_a_phone_without_signing_in(appointment, child):
    client = Client(HTTP_USER_AGENT=PHONE)
    url = link_for(appointment)
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="viewport" content="width=device-width' in body
    assert "Overall, how was your experience of our service?" in body
    assert "Next time, where would you rather your child was seen?" in body
    assert re.search(r'<label[^>]*for="id_comment"', body)
    # The page says which hub and when, never whose child.
    for identifier in [child.given_name, child.family_name, child.nhs_number]:
        assert identifier not in body

    response = client.post(url, {**ANSWER, "comment": "Lovely to be seen at our surgery."})
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:family_thanks")
    assert "Thank you" in client.get(response["Location"]).content.decode()

    answer = FamilyResponse.objects.get()
    assert answer.hub_id == appointment.slot.session.hub_id
    assert answer.contact_date == appointment.slot.session.date
    assert answer.experience == "very_good"
    assert answer.comment_status == CommentStatus.PENDING


def test_the_answer_keeps_nothing_that_leads_to_the_child():
    fields = {f.name for f in FamilyResponse._meta.get_fields()}
    assert fields.isdisjoint({"child", "appointment", "advice_request", "invitation", "token"})


def test_a_second_use_of_the_link_is_refused_politely(appointment):
    client = Client()
    url = link_for(appointment)
    assert client.post(url, ANSWER).status_code == 302
    again = client.get(url)
    assert again.status_code == 410
    assert "this link has already been used" in again.content.decode()
    assert client.post(url, ANSWER).status_code == 410
    assert FamilyResponse.objects.count() == 1


def test_an_unknown_link_answers_404_with_a_plain_message(db):
    response = Client().get(reverse("feedback:family", args=["a" * 32]))
    assert response.status_code == 404
    assert "We do not recognise this link" in response.content.decode()


def test_the_database_holds_no_working_token(appointment):
    url = link_for(appointment)
    token = url.rstrip("/").split("/")[-1]
    invitation = FamilyInvitation.objects.get()
    assert len(token) == 32
    assert token not in {invitation.nonce, invitation.token_hash}
    assert invitation.token_hash == tokens.hash_token(token)


@pytest.mark.django_db(transaction=True)
def test_two_answers_sent_at_once_with_one_link_store_one(practice, child):
    appointment = attended_appointment(practice, child)
    invitation = services.invitations_for_appointments([appointment])[appointment.pk]
    token = tokens.token_for(invitation.nonce)
    barrier = threading.Barrier(2)
    outcomes = []

    def send():
        try:
            barrier.wait(timeout=5)
            services.answer(token=token, experience="good")
            outcomes.append("stored")
        except services.FeedbackError as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert sorted(outcomes) == ["stored", "used"]
    assert FamilyResponse.objects.count() == 1


def test_a_not_brought_appointment_takes_no_answer(practice, child):
    appointment = attended_appointment(practice, child, status=AppointmentStatus.NOT_BROUGHT)
    url = link_for(appointment)
    response = Client().post(url, ANSWER)
    assert "did not go ahead" in response.content.decode()
    assert not FamilyResponse.objects.exists()


def test_the_form_opens_on_the_day_of_the_appointment(practice, child):
    tomorrow = attended_appointment(practice, child, days_ago=-1, status=AppointmentStatus.BOOKED)
    url = link_for(tomorrow)
    assert "opens on the day" in Client().get(url).content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        assert Client().post(url, ANSWER).status_code == 302


def test_the_link_expires_sixty_days_after_the_appointment(appointment):
    url = link_for(appointment)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=61)):
        response = Client().post(url, ANSWER)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not FamilyResponse.objects.exists()


def test_a_missing_experience_is_named_in_the_error_summary(appointment):
    response = Client().post(link_for(appointment), {"place": "hospital"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Choose how your experience was." in body
    assert not FamilyResponse.objects.exists()


def test_one_address_is_slowed_down_after_many_tries(settings, appointment):
    settings.FEEDBACK_RATE_LIMIT = (3, 600)
    client = Client()
    for _ in range(3):
        assert client.get(reverse("feedback:family", args=["x" * 32])).status_code == 404
    slowed = client.get(link_for(appointment))
    assert slowed.status_code == 429
    assert "try again" in slowed.content.decode()


def test_an_answered_advice_request_gives_the_gp_a_link(hub, practice, child, gp, client_for):
    request = AdviceRequestFactory(
        hub=hub,
        practice=practice,
        child=child,
        asked_by=gp,
        received_at=timezone.now() - datetime.timedelta(hours=3),
        first_response_at=timezone.now() - datetime.timedelta(hours=1),
        status="answered",
    )
    body = client_for(gp).get(reverse("advice:detail", args=[request.pk])).content.decode()
    assert "Family feedback" in body
    url = re.search(r'href="(http[^"]+/feedback/f/[a-z2-7]+/)"', body).group(1)
    assert "<svg" in body
    assert Client().post(url.split("127.0.0.1:8000")[-1], ANSWER).status_code == 302
    answer = FamilyResponse.objects.get()
    assert answer.contact == "advice"
    assert answer.contact_date == timezone.localdate(request.first_response_at)


def test_an_unanswered_advice_request_has_no_link(hub, practice, child, gp, client_for):
    request = AdviceRequestFactory(hub=hub, practice=practice, child=child, asked_by=gp)
    body = client_for(gp).get(reverse("advice:detail", args=[request.pk])).content.decode()
    assert "Family feedback" not in body
    assert not FamilyInvitation.objects.exists()
