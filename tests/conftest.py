import pytest

from hubs.models import Role
from tests import reference_data
from tests.cis2_provider import cis2, cis2_client_key, cis2_provider  # noqa: F401  (fixtures)
from tests.factories import ChildFactory, HubFactory, PracticeFactory, member
from tests.outbox import broker


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing strength is Django's concern; tests that make hundreds of people need speed.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _tasks_queue_in_memory():
    # Every email queues a relay task on commit (cc4c.outbox): keep those off the shared Redis.
    # tests/outbox.py relays what a worker would; tests/faults use their own private Redis.
    with broker("memory://"):
        yield


def _transactional(request):
    marker = request.node.get_closest_marker("django_db")
    return "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )


@pytest.fixture(autouse=True)
def _reference_data(request):
    # A transactional test empties every table, migration data included; put it back.
    if _transactional(request):
        request.getfixturevalue("transactional_db")
        reference_data.install()


@pytest.fixture
def hub(db):
    return HubFactory(code="HUB-A", name="Hub A")


@pytest.fixture
def other_hub(db):
    return HubFactory(code="HUB-B", name="Hub B")


@pytest.fixture
def practice(hub):
    return PracticeFactory(hub=hub)


@pytest.fixture
def other_practice(other_hub):
    return PracticeFactory(hub=other_hub)


@pytest.fixture
def child(practice):
    return ChildFactory(practice=practice)


@pytest.fixture
def other_child(other_practice):
    return ChildFactory(practice=other_practice)


@pytest.fixture
def gp(hub, practice):
    return member(Role.GP, hub, practice=practice)


@pytest.fixture
def paediatrician(hub):
    return member(Role.PAEDIATRICIAN, hub)


@pytest.fixture
def coordinator(hub):
    return member(Role.COORDINATOR, hub, is_staff=True)


@pytest.fixture
def commissioner(hub):
    return member(Role.COMMISSIONER, hub)


@pytest.fixture
def client_for(client):
    """Sign a person in on the test client: ``client_for(gp).get(url)``."""

    def sign_in(person):
        client.force_login(person)
        return client

    return sign_in
