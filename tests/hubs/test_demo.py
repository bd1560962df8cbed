import pytest
from django.apps import apps
from django.core.management import call_command

from hubs.access import roles_by_hub
from hubs.models import Hub, Membership, Person, Role

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("hubs", "population", "mdt", "clinics", "advice", "champions", "cc4c")


def counts():
    return {
        m._meta.label: m._default_manager.count()
        for app in PROJECT_APPS
        for m in apps.get_app_config(app).get_models()
    }


def test_load_demo_twice_leaves_the_same_data():
    call_command("load_demo", children=40, verbosity=0)
    first = counts()
    call_command("load_demo", children=40, verbosity=0)
    assert counts() == first


def test_demo_has_every_role_in_each_of_two_hubs():
    call_command("load_demo", children=40, verbosity=0)
    hubs = Hub.objects.filter(code__in=["NWL-PAD", "NWL-HAM"])
    assert hubs.count() == 2
    for hub in hubs:
        roles = set(Membership.objects.filter(hub=hub).values_list("role", flat=True))
        assert roles == set(Role)
    coordinators = Person.objects.filter(memberships__role=Role.COORDINATOR)
    assert all(p.is_staff for p in coordinators)
    assert all(roles_by_hub(p) for p in coordinators)
