"""No message to a family carries a diagnosis, an NHS number or a date of birth."""

import datetime

import pytest
from django.utils import timezone

from cc4c import formatting
from families import wording
from families.models import Channel, Kind
from tests.clinics.factories import ClinicSessionFactory, ReferralFactory, free_slot
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def child_with_a_history(practice):
    return ChildFactory(
        practice=practice,
        given_name="Maya Rose",
        family_name="Okonkwo",
        date_of_birth=datetime.date(2015, 3, 9),
        conditions=["195967001"],  # asthma
        flags=["child_protection_plan"],
    )


def forbidden(child, referral):
    born = child.date_of_birth
    return [
        child.nhs_number,
        formatting.nhs_number(child.nhs_number),
        child.family_name,
        born.isoformat(),
        formatting.day(born),
        born.strftime("%d/%m/%Y"),
        "asthma",
        "195967001",
        "protection",
        referral.reason,
        "Constipation",
    ]


@pytest.mark.parametrize("kind", Kind.values)
@pytest.mark.parametrize("channel", Channel.values)
def test_no_template_with_its_personalisation_holds_a_diagnosis_nhs_number_or_birth_date(
    kind, channel, child_with_a_history
):
    child = child_with_a_history
    referral = ReferralFactory(child=child)
    slot = free_slot(
        ClinicSessionFactory(
            host_practice=child.practice, date=timezone.localdate() + datetime.timedelta(days=9)
        )
    )
    values = wording.personalisation(
        kind,
        child=child,
        phone="020 7946 0000",
        link="https://hub.example/families/m/x/",
        slot=slot,
    )
    assert set(values) <= set(wording.FIELDS)
    subject, body = wording.render(kind, channel, values)
    text = " ".join([subject, body, *map(str, values.values())]).lower()
    for word in forbidden(child, referral):
        assert word.lower() not in text, word
    assert "Maya" in body or "Maya" in subject or kind == Kind.FEEDBACK and "Maya" in body
    assert "((" not in body and "((" not in subject
