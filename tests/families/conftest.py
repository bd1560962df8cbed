import datetime

import pytest
from django.utils import timezone

from tests.clinics.factories import ClinicSessionFactory, free_slot
from tests.families.factories import CarerFactory, FamilySettingsFactory
from tests.notify_server import notify  # noqa: F401  (fixture)


@pytest.fixture
def settings_of_hub(hub):
    return FamilySettingsFactory(hub=hub)


@pytest.fixture
def carer(child, settings_of_hub):
    return CarerFactory(child=child)


def session_in(practice, days):
    return ClinicSessionFactory(
        host_practice=practice, date=timezone.localdate() + datetime.timedelta(days=days)
    )


@pytest.fixture
def slot(practice):
    """A free 09:00 slot of a clinic ten days from now."""
    return free_slot(session_in(practice, 10))
