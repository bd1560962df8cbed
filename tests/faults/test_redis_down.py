"""Redis stops while a GP sends an advice question: the question is saved, the page answers
at once, and the paediatrician's email goes out, once, after Redis comes back."""

import time

import pytest
from django.urls import reverse

from advice.models import AdviceRequest
from cc4c.models import OutboxEmail
from cc4c.tasks import relay_unsent
from hubs.models import Role
from tests.advice.factories import RotaEntryFactory
from tests.factories import member, one_use_token
from tests.faults.servers import wait_for
from tests.outbox import broker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(90)]


def ask(client, hub, question):
    return client.post(
        reverse("advice:ask"),
        {
            "hub": hub.pk,
            "request_type": "management",
            "urgency": "routine",
            "question": question,
            **one_use_token(),
        },
    )


def test_a_question_asked_while_redis_is_down_is_saved_and_its_email_goes_when_redis_is_back(
    client_for, hub, gp, private_redis, mail_sink, start_worker
):
    paediatrician = member(Role.PAEDIATRICIAN, hub)
    RotaEntryFactory(hub=hub, paediatrician=paediatrician)
    client = client_for(gp)
    with broker(private_redis.url):
        assert ask(client, hub, "Asked while Redis is up").status_code == 302
        private_redis.stop()  # no worker had taken that email's task: it dies with Redis

        started = time.monotonic()
        response = ask(client, hub, "Asked while Redis is down")
        assert response.status_code == 302
        assert time.monotonic() - started < 5  # the page does not hang on the dead broker
        assert client.get(response["Location"]).status_code == 200
        assert AdviceRequest.objects.count() == 2
        assert OutboxEmail.objects.filter(sent_at__isnull=True).count() == 2

        private_redis.start()  # back, and empty
        start_worker(private_redis.url, mail_sink.url)
        relay_unsent.delay()  # what beat sends every minute
        wait_for(lambda: len(mail_sink.accepted) >= 2, timeout=40, what="both emails relayed")
        relay_unsent.delay()  # a second sweep finds nothing more to send
        time.sleep(1.5)
    assert [to for to, _ in mail_sink.accepted] == [[paediatrician.email]] * 2
    assert not OutboxEmail.objects.filter(sent_at__isnull=True).exists()
