"""Fixtures starting private throwaway servers; each is stopped when its test ends."""

import pytest

from tests.faults.servers import MailSink, PrivatePostgres, PrivateRedis, Worker

# Data must be committed for the processes these tests start to see it.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def mail_sink():
    sink = MailSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def start_worker(tmp_path):
    """``start_worker(broker_url, email_url)``: a Celery worker process, killed at the end."""
    workers = []

    def start(broker_url, email_url):
        worker = Worker(tmp_path, broker_url=broker_url, email_url=email_url).start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def private_postgres():
    server = PrivatePostgres().start()
    yield server
    server.remove()
