"""A finished meeting's outcome letters, all in one PDF, rendered by the same function as each
letter's page; and "My actions", open ones first by due date."""

import datetime
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from hubs.models import AuditEvent
from mdt import letters, services
from mdt.models import Action
from tests.mdt.factories import ActionFactory, CaseFactory, MeetingFactory


def pdf_pages(data):
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def without_page_numbers(pages):
    """The pages' text without their "Page n of m" footer (which counts the whole PDF)."""
    return [re.sub(r"Page \d+ of \d+", "", page) for page in pages]


@pytest.fixture
def finished(hub, paediatrician, gp):
    meeting = MeetingFactory(hub=hub, starts_at=timezone.now(), chair=paediatrician)
    cases = [CaseFactory(meeting=meeting, put_forward_by=gp) for _ in range(3)]
    services.start_meeting(meeting=meeting, by=paediatrician)
    services.record_outcome(
        case=cases[0], by=paediatrician, outcome="primary_care_advice", plan="Emollients"
    )
    services.record_outcome(
        case=cases[1],
        by=paediatrician,
        outcome="named_professional",
        named_professional="Community dietician",
    )
    services.add_action(
        meeting=meeting,
        case=cases[1],
        by=paediatrician,
        owner=gp,
        description="Weigh monthly",
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    services.finish_meeting(meeting=meeting, by=paediatrician)
    return meeting, cases


def test_a_finished_meeting_gives_every_outcome_letter_in_one_pdf(client, finished, gp):
    meeting, cases = finished
    client.force_login(gp)
    response = client.get(reverse("mdt:meeting_letters", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment;" in response["Content-Disposition"]
    pages = pdf_pages(response.content)
    # One letter a page here, in agenda order; the case not discussed has none.
    assert len(pages) == 2
    for page, case in zip(pages, cases[:2], strict=True):
        assert case.child.formatted_nhs_number in page
        assert "Outcome of MDT discussion" in page
    assert "Community dietician" in pages[1] and "Weigh monthly" in pages[1]
    assert cases[2].child.formatted_nhs_number not in "".join(pages)
    looks = AuditEvent.objects.filter(action="mdt.letters.download")
    assert sorted(e.child_id for e in looks) == sorted(c.child_id for c in cases[:2])
    assert {e.person_id for e in looks} == {gp.pk}


def test_the_bundle_and_the_single_letter_are_the_same_letter(client, finished, gp):
    meeting, cases = finished
    one = pdf_pages(letters.outcome_letter_pdf(cases[1]))
    bundle = pdf_pages(letters.meeting_letters_pdf(meeting))
    assert without_page_numbers(one) == without_page_numbers([bundle[1]])
    html = letters.outcome_letter_html(cases[1])
    assert html.startswith("<!doctype html>") and "Community dietician" in html
    client.force_login(gp)
    response = client.get(reverse("mdt:case_letter_pdf", args=[cases[1].pk]))
    assert pdf_pages(response.content) == one
    page = client.get(reverse("mdt:case_letter", args=[cases[1].pk])).content.decode()
    assert reverse("mdt:case_letter_pdf", args=[cases[1].pk]) in page


def test_letters_wait_until_the_meeting_has_finished(client, hub, gp):
    meeting = MeetingFactory(hub=hub)
    CaseFactory(meeting=meeting)
    client.force_login(gp)
    response = client.get(reverse("mdt:meeting_letters", args=[meeting.pk]), follow=True)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The outcome letters are ready once the meeting has finished."
    ]
    assert not AuditEvent.objects.filter(action="mdt.letters.download").exists()


def test_the_letters_query_count_does_not_grow_with_the_cases(
    client, hub, paediatrician, gp, django_assert_max_num_queries
):
    for n in (1, 12):
        meeting = MeetingFactory(hub=hub, starts_at=timezone.now(), chair=paediatrician)
        services.start_meeting(meeting=meeting, by=paediatrician)
        for case in [CaseFactory(meeting=meeting) for _ in range(n)]:
            services.record_outcome(case=case, by=paediatrician, outcome="other")
            ActionFactory(meeting=meeting, case=case, owner=gp)
        services.finish_meeting(meeting=meeting, by=paediatrician)
        client.force_login(gp)
        # Session, person, roles and MFA, the meeting, cases, their actions, attendance, the
        # chair's role, the session saved; an audit row a child.
        with django_assert_max_num_queries(12 + n):
            assert client.get(reverse("mdt:meeting_letters", args=[meeting.pk])).status_code == 200


def test_my_actions_lists_open_ones_first_by_due_date_then_those_done(client, hub, gp):
    meeting = MeetingFactory(hub=hub)
    today = timezone.localdate()
    made = {}
    for name, due, done in [
        ("done long ago", -20, True),
        ("due in a month", 30, False),
        ("overdue", -3, False),
        ("done lately", 2, True),
        ("due tomorrow", 1, False),
    ]:
        made[name] = ActionFactory(
            meeting=meeting,
            owner=gp,
            description=name,
            due_on=today + datetime.timedelta(days=due),
            done_at=timezone.now() + datetime.timedelta(days=due) if done else None,
        )
    client.force_login(gp)
    body = client.get(reverse("mdt:my_actions")).content.decode()
    order = sorted(made, key=lambda name: body.index(f">{name}<"))
    assert order == ["overdue", "due tomorrow", "due in a month", "done lately", "done long ago"]
    assert Action.objects.filter(owner=gp).count() == 5
