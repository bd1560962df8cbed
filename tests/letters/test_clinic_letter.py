"""The clinic letter after an attended appointment goes to the child's practice over MESH."""

import pytest
from django.utils import timezone

from clinics import services
from letters.models import Letter, Status
from tests.clinics.factories import AppointmentFactory, ClinicSessionFactory, free_slot
from tests.letters.conftest import PRACTICE_MAILBOX
from tests.letters.helpers import received, relay_waiting

pytestmark = pytest.mark.django_db


@pytest.fixture
def seen(child, mesh_practice, paediatrician):
    session = ClinicSessionFactory(host_practice=mesh_practice, date=timezone.localdate())
    session.clinicians.add(paediatrician)
    return AppointmentFactory(slot=free_slot(session), child=child, status="attended")


def test_an_outcome_sends_one_letter_with_the_outcome_plan_and_who_follows_up(
    mesh_sandbox, seen, paediatrician, child
):
    services.record_outcome(
        appointment=seen,
        outcome="hub_follow_up",
        plan="Start a stool softener; review in six weeks.",
        by=paediatrician,
    )
    assert relay_waiting() == 1

    [(headers, bundle, text)] = received(mesh_sandbox, PRACTICE_MAILBOX)
    letter = Letter.objects.get()
    assert letter.status == Status.SENT and letter.route == "mesh"
    assert headers["workflowid"] == "GPCONNECT_SEND_DOCUMENT"
    assert headers["localid"] == str(letter.local_id)
    assert "Follow-up in the hub" in text
    assert "Start a stool softener; review in six weeks." in text
    assert "The hub's outreach clinic" in text
    assert child.family_name.upper() in text and child.date_of_birth.year == int(
        bundle.entry[2].resource.entry[3].resource.birthDate.year
    )
    assert paediatrician.display_name in text
    # Nothing else went: sending again finds nothing queued.
    assert relay_waiting() == 0
    assert len(mesh_sandbox.inbox(PRACTICE_MAILBOX)) == 1


def test_a_corrected_outcome_sends_its_next_version_naming_the_one_it_replaces(
    mesh_sandbox, seen, paediatrician
):
    services.record_outcome(appointment=seen, outcome="hub_follow_up", by=paediatrician)
    relay_waiting()
    services.record_outcome(
        appointment=seen, outcome="discharged_to_primary_care", by=paediatrician
    )
    relay_waiting()

    first, second = Letter.objects.order_by("version")
    assert (first.version, second.version, second.replaces_id) == (1, 2, first.pk)
    messages = received(mesh_sandbox, PRACTICE_MAILBOX)
    assert len(messages) == 2
    composition = next(
        b.entry[2].resource.entry[0].resource for _, b, text in messages if "Version 2" in text
    )
    [relation] = composition.relatesTo
    assert relation.code == "replaces"
    assert relation.targetIdentifier.value == str(first.local_id)
