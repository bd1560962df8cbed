import pytest

from hubs.models import Role
from tests.factories import member


@pytest.fixture
def mdt_member(hub):
    return member(Role.MDT_MEMBER, hub, profession="Health visitor")


@pytest.fixture
def other_paediatrician(other_hub):
    return member(Role.PAEDIATRICIAN, other_hub)
