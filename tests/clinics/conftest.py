import pytest

from tests.clinics.factories import ClinicSessionFactory


@pytest.fixture
def session(practice):
    return ClinicSessionFactory(host_practice=practice)


@pytest.fixture
def mail_on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the emails) as the test's transaction would commit."""
    return django_capture_on_commit_callbacks
