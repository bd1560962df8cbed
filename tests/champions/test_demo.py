import io

import pytest
from django.core.management import call_command

from champions.models import Activity, Champion, Check

pytestmark = pytest.mark.django_db


def test_demo_champions_load_twice_to_the_same_data():
    call_command("load_demo", children=0, stdout=io.StringIO())
    counts = (Champion.objects.count(), Check.objects.count(), Activity.objects.count())
    call_command("load_demo", children=0, stdout=io.StringIO())
    assert counts == (Champion.objects.count(), Check.objects.count(), Activity.objects.count())
    assert counts[0] >= 6 and counts[2] > 50
    linked = Champion.objects.get(person__email="champion.pad@demo.cc4c.nhs.example")
    assert linked.activities.exists()
