"""Letters over MESH, proved against NHS England's MESH sandbox with the real mesh-client:
finishing an MDT meeting puts exactly one message in the practice's inbox, whose bundle is a
valid Send Document message and whose PDF carries the outcome; the sandbox down or refusing
loses nothing and the letter goes once when it is back; a failure waits on the coordinator's
list and "Send again" sends it once."""

import pytest
from django.urls import reverse
from django.utils import timezone

from hubs.models import AuditEvent
from letters import relay
from letters.models import Letter, Status
from letters.senddocument import WORKFLOW_ID
from mdt import services
from tests.letters.conftest import PRACTICE_MAILBOX
from tests.letters.helpers import received, relay_waiting
from tests.mdt.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def discussed(hub, paediatrician, gp, child, mesh_practice):
    """A meeting under way with one case discussed: the outcome is recorded, not yet final."""
    meeting = MeetingFactory(hub=hub, starts_at=timezone.now(), chair=paediatrician)
    case = CaseFactory(meeting=meeting, child=child, put_forward_by=gp)
    services.start_meeting(meeting=meeting, by=paediatrician)
    services.record_outcome(
        case=case,
        by=paediatrician,
        outcome="named_professional",
        named_professional="Community dietician",
        plan="Weigh monthly; dietician to see within four weeks.",
    )
    return meeting, case


def finish(discussed, paediatrician):
    meeting, case = discussed
    services.finish_meeting(meeting=meeting, by=paediatrician)
    return Letter.objects.get(source_type="mdt.casediscussion", source_id=case.pk)


def test_finishing_the_meeting_puts_one_message_in_the_practice_inbox(
    mesh_sandbox, discussed, paediatrician, child
):
    assert not Letter.objects.exists()  # an outcome under discussion is not sent yet
    letter = finish(discussed, paediatrician)
    assert letter.status == Status.QUEUED
    assert relay_waiting() == 1

    [(headers, bundle, text)] = received(mesh_sandbox, PRACTICE_MAILBOX)
    assert headers["workflowid"] == WORKFLOW_ID
    assert headers["localid"] == str(letter.local_id)
    document = bundle.entry[2].resource
    composition, patient = document.entry[0].resource, document.entry[3].resource
    assert composition.title == "Outcome of MDT discussion"
    assert patient.identifier[0].value == child.nhs_number
    assert patient.name[0].family == child.family_name
    assert patient.birthDate == child.date_of_birth
    assert "Referral to a named professional or service: Community dietician" in text
    assert "Weigh monthly; dietician to see within four weeks." in text
    assert child.formatted_nhs_number in text
    letter.refresh_from_db()
    assert letter.status == Status.SENT and letter.mesh_message_id
    assert relay.relay() == 0 and len(mesh_sandbox.inbox(PRACTICE_MAILBOX)) == 1


def test_the_practice_taking_the_letter_shows_it_acknowledged(
    mesh_sandbox, discussed, paediatrician
):
    letter = finish(discussed, paediatrician)
    relay_waiting()
    assert relay.check_acknowledgements() == 0  # still waiting in the practice's inbox
    [message_id] = mesh_sandbox.inbox(PRACTICE_MAILBOX)
    mesh_sandbox.read(PRACTICE_MAILBOX, message_id, acknowledge=True)
    Letter.objects.filter(pk=letter.pk).update(checked_at=None)
    assert relay.check_acknowledgements() == 1
    letter.refresh_from_db()
    assert letter.status == Status.ACKNOWLEDGED and letter.acknowledged_at


def test_mesh_down_loses_nothing_and_the_letter_goes_once_when_it_is_back(
    mesh_sandbox, discussed, paediatrician
):
    mesh_sandbox.stop()
    letter = finish(discussed, paediatrician)
    assert relay_waiting() == 0
    letter.refresh_from_db()
    assert letter.status == Status.QUEUED and letter.attempts == 1
    assert "MESH" in letter.last_error and letter.next_attempt_at > timezone.now()
    # The sweep leaves it alone until its time comes, then sends it.
    assert relay.relay() == 0
    mesh_sandbox.start()
    assert relay.relay(now=letter.next_attempt_at) == 1
    assert relay.relay(now=letter.next_attempt_at) == 0
    assert len(mesh_sandbox.inbox(PRACTICE_MAILBOX)) == 1
    letter.refresh_from_db()
    assert letter.status == Status.SENT and letter.attempts == 2 and not letter.last_error


def test_mesh_refusing_the_sign_in_loses_nothing_and_the_letter_goes_once_later(
    mesh_sandbox, discussed, paediatrician
):
    mesh_sandbox.stop()
    mesh_sandbox.start(shared_key="not-the-hubs-key")
    letter = finish(discussed, paediatrician)
    relay_waiting()
    letter.refresh_from_db()
    assert letter.status == Status.QUEUED and "403" in letter.last_error
    mesh_sandbox.stop()
    mesh_sandbox.start()
    assert relay.relay(now=letter.next_attempt_at) == 1
    assert len(mesh_sandbox.inbox(PRACTICE_MAILBOX)) == 1


def test_a_relay_cut_off_after_mesh_took_the_letter_does_not_send_it_twice(
    mesh_sandbox, discussed, paediatrician
):
    letter = finish(discussed, paediatrician)
    relay_waiting()
    # As if the relay had died before its commit: the row says queued, MESH has the message.
    Letter.objects.filter(pk=letter.pk).update(status=Status.QUEUED, sent_at=None, route="")
    assert relay.relay() == 1
    assert len(mesh_sandbox.inbox(PRACTICE_MAILBOX)) == 1


def test_a_refused_letter_waits_on_the_coordinators_list_and_send_again_sends_it_once(
    mesh_sandbox, discussed, paediatrician, coordinator, client, mesh_practice
):
    mesh_practice.mesh_mailbox = "A81001OT999"  # a mailbox MESH does not know
    mesh_practice.save(update_fields=["mesh_mailbox"])
    letter = finish(discussed, paediatrician)
    relay_waiting()
    letter.refresh_from_db()
    assert letter.status == Status.FAILED and "Unregistered to address" in letter.last_error

    client.force_login(coordinator)
    page = client.get(reverse("letters:not_sent"))
    assert letter.reference in page.content.decode()
    assert AuditEvent.objects.filter(action="letters.not_sent.view", person=coordinator).exists()
    # The case page says so too.
    case_page = client.get(reverse("mdt:case", args=[letter.source_id])).content.decode()
    assert "Not sent" in case_page

    mesh_practice.mesh_mailbox = PRACTICE_MAILBOX  # the coordinator puts it right
    mesh_practice.save(update_fields=["mesh_mailbox"])
    url = reverse("letters:send_again", args=[letter.pk])
    assert client.post(url).status_code == 302
    twice = client.post(url, follow=True)
    assert "is not waiting" in twice.content.decode()
    assert relay_waiting() == 1
    assert relay_waiting() == 0
    assert len(mesh_sandbox.inbox(PRACTICE_MAILBOX)) == 1
    letter.refresh_from_db()
    assert letter.status == Status.SENT
    assert letter.reference not in client.get(reverse("letters:not_sent")).content.decode()
    assert (
        AuditEvent.objects.filter(action="letters.send_again", object_id=str(letter.pk)).count()
        == 1
    )


def test_mesh_down_through_every_try_fails_the_letter_onto_the_coordinators_list(
    mesh_sandbox, discussed, paediatrician
):
    mesh_sandbox.stop()
    letter = finish(discussed, paediatrician)
    relay_waiting()
    for _ in range(relay.MAX_ATTEMPTS - 1):
        letter.refresh_from_db()
        assert letter.status == Status.QUEUED
        assert relay.relay(now=letter.next_attempt_at) == 0
    letter.refresh_from_db()
    assert letter.status == Status.FAILED and letter.attempts == relay.MAX_ATTEMPTS
    assert letter.last_error.startswith(f"Not sent after {relay.MAX_ATTEMPTS} attempts")
    assert relay.relay(now=letter.next_attempt_at) == 0  # no longer tried on its own
