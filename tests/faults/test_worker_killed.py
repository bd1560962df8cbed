"""A Celery worker killed while it sends an email: the task runs again, the email goes once."""

import os
import signal
import time

import pytest
from django.db import transaction

from cc4c import outbox
from cc4c.models import OutboxEmail
from tests.faults.servers import wait_for
from tests.outbox import broker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(90)]


def test_a_worker_killed_mid_send_runs_the_task_again_and_the_email_goes_once(
    db, private_redis, mail_sink, start_worker
):
    mail_sink.hold = True  # the mail server takes the first message and sits on it
    worker = start_worker(private_redis.url, mail_sink.url)
    with broker(private_redis.url), transaction.atomic():
        email = outbox.enqueue(
            kind="test", subject="Something needs attention", body="A link", to=["lead@nhs.test"]
        )
    assert mail_sink.arrived.wait(30), worker.process.output()[-3000:]

    [pool_process] = worker.pool_children()  # the process running the task, mid-send
    os.kill(pool_process, signal.SIGKILL)
    mail_sink.release.set()  # that delivery never completes

    wait_for(lambda: mail_sink.accepted, timeout=40, what="the email sent by the task run again")
    time.sleep(1.5)
    assert [to for to, _ in mail_sink.accepted] == [["lead@nhs.test"]]
    assert "exited prematurely" in worker.process.output()  # Celery saw its process lost
    email.refresh_from_db()
    assert email.sent_at is not None
    assert email.attempts == 1  # the killed attempt's transaction was rolled back
    assert worker.pool_children() != [pool_process]
    assert OutboxEmail.objects.count() == 1
