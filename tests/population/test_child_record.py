"""A child's record offers the next steps (put forward, refer, ask), pre-filled with the child,
and shows their hub history and the hospital activity imported for their practice."""

import datetime

from django.urls import reverse
from django.utils import timezone

from evaluation.models import HospitalActivity
from tests.advice.factories import AdviceRequestFactory
from tests.clinics.factories import AppointmentFactory, ClinicSessionFactory, free_slot
from tests.mdt.factories import CaseFactory, MeetingFactory


def record(client, child):
    return client.get(reverse("population:child", args=[child.pk]))


def test_a_gp_is_offered_put_forward_refer_and_ask_for_this_child(gp, child, client_for):
    response = record(client_for(gp), child)
    steps = {s["label"]: s["url"] for s in response.context["next_steps"]}
    assert steps == {
        "Put forward to an MDT meeting": reverse("mdt:put_forward_child", args=[child.pk]),
        "Refer to the outreach clinic": reverse("clinics:refer", args=[child.pk]),
        "Ask the advice line": f"{reverse('advice:ask')}?child={child.pk}",
    }
    body = response.content.decode()
    assert body.index("Next steps") < body.index("Demographics")


def test_each_next_step_opens_its_page_with_the_child_chosen(gp, child, client_for):
    client = client_for(gp)
    for step in record(client, child).context["next_steps"]:
        page = client.get(step["url"])
        assert page.status_code == 200, step
        assert child.nhs_number[:3] in page.content.decode(), step


def test_a_coordinator_sees_the_record_without_the_clinicians_next_steps(
    coordinator, child, client_for
):
    response = record(client_for(coordinator), child)
    assert response.context["next_steps"] == []
    assert "Next steps" not in response.content.decode()


def test_the_record_shows_the_childs_hub_history(hub, practice, gp, child, client_for):
    meeting = MeetingFactory(hub=hub, starts_at=timezone.now() - datetime.timedelta(days=30))
    CaseFactory(meeting=meeting, child=child, clinical_question="Wheeze at night: step up?")
    session = ClinicSessionFactory(host_practice=practice)
    AppointmentFactory(slot=free_slot(session), child=child)
    AdviceRequestFactory(hub=hub, child=child, reference="ADV-0001")
    body = record(client_for(gp), child).content.decode()
    assert "Wheeze at night: step up?" in body
    assert session.date.strftime("%-d %b %Y") in body
    assert "ADV-0001" in body


def test_the_record_shows_the_hospital_activity_imported_for_the_practice(
    practice, gp, child, client_for
):
    this_month = timezone.localdate().replace(day=1)
    HospitalActivity.objects.create(
        practice=practice, month=this_month, activity="ed_attendance", count=17
    )
    body = record(client_for(gp), child).content.decode()
    assert "Hospital activity" in body
    assert 'Emergency department attendances</th><td class="text-end">17' in body
    assert "not this child's own visits" in body


def test_the_record_says_when_no_hospital_activity_was_imported(gp, child, client_for):
    body = record(client_for(gp), child).content.decode()
    assert "No hospital activity has been imported" in body
