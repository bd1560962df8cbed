import pytest

from hubs.models import Role
from tests.champions.factories import ChampionFactory
from tests.factories import member


@pytest.fixture
def champion_person(hub, practice):
    """A champion who signs in without a second factor, as volunteers do."""
    return member(Role.CHAMPION, hub, practice=practice, mfa=False)


@pytest.fixture
def champion(practice, champion_person):
    return ChampionFactory(practice=practice, person=champion_person)
