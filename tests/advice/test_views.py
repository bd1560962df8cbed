"""The advice pages as GPs and paediatricians see them."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from advice.models import AdviceRequest
from hubs.models import AuditEvent, Role
from tests.advice.factories import (
    PDF_BYTES,
    AdviceRequestFactory,
    AttachmentFactory,
    ReplyFactory,
    RotaEntryFactory,
)
from tests.factories import ChildFactory, MembershipFactory, member, one_use_token


def test_a_gp_finds_a_child_of_their_hub_and_asks_with_a_photo(client_for, gp, hub, child):
    client = client_for(gp)
    found = client.get(reverse("advice:ask"), {"q": child.family_name})
    assert child.formatted_nhs_number in found.content.decode()
    response = client.post(
        reverse("advice:ask") + f"?child={child.pk}",
        {
            "hub": hub.pk,
            "child": child.pk,
            "request_type": "management",
            "urgency": "routine",
            "question": "Worsening eczema despite treatment.",
            "attachments": [SimpleUploadedFile("arm.pdf", PDF_BYTES, "application/pdf")],
            **one_use_token(),
        },
    )
    advice_request = AdviceRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("advice:detail", args=[advice_request.pk])
    assert (advice_request.child, advice_request.asked_by) == (child, gp)
    assert advice_request.attachments.count() == 1


def test_the_search_never_finds_another_hubs_child(client_for, gp, other_child):
    body = client_for(gp).get(reverse("advice:ask"), {"q": other_child.nhs_number}).content
    assert other_child.family_name not in body.decode()
    assert "No children found" in body.decode()


def test_asking_about_another_hubs_child_is_404(client_for, gp, other_child):
    response = client_for(gp).get(reverse("advice:ask"), {"child": other_child.pk})
    assert response.status_code == 404


def test_a_file_that_is_not_an_image_or_pdf_is_refused_with_the_error_summary(client_for, gp, hub):
    response = client_for(gp).post(
        reverse("advice:ask"),
        {
            "hub": hub.pk,
            "request_type": "other",
            "urgency": "routine",
            "question": "General question",
            "attachments": [SimpleUploadedFile("notes.pdf", b"<script>", "application/pdf")],
            **one_use_token(),
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "notes is a web page or HTML file" in body
    assert not AdviceRequest.objects.exists()


def test_the_queue_puts_overdue_requests_first_in_red_then_the_covering_paediatricians(
    client_for, hub, other_hub, paediatrician
):
    other_hub.memberships.create(
        person=paediatrician, role=Role.PAEDIATRICIAN, start_date=datetime.date(2020, 1, 1)
    )
    now = timezone.now()
    fresh_other = AdviceRequestFactory(
        hub=other_hub, received_at=now - datetime.timedelta(hours=20)
    )
    fresh_mine = AdviceRequestFactory(hub=hub, received_at=now - datetime.timedelta(hours=1))
    overdue = AdviceRequestFactory(hub=other_hub, received_at=now - datetime.timedelta(hours=30))
    RotaEntryFactory(hub=hub, paediatrician=paediatrician)
    body = client_for(paediatrician).get(reverse("advice:queue")).content.decode()
    positions = [body.index(r.reference) for r in (overdue, fresh_mine, fresh_other)]
    assert positions == sorted(positions)
    assert 'class="table-danger"' in body and "overdue" in body


def test_the_queue_marks_yours_only_the_hubs_you_cover_today(
    client_for, hub, other_hub, paediatrician
):
    MembershipFactory(person=paediatrician, hub=other_hub, role=Role.PAEDIATRICIAN)
    covered = AdviceRequestFactory(hub=hub)
    not_covered = AdviceRequestFactory(hub=other_hub)
    RotaEntryFactory(hub=hub, paediatrician=paediatrician)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    RotaEntryFactory(hub=other_hub, paediatrician=paediatrician, date=yesterday)
    RotaEntryFactory(hub=other_hub, paediatrician=member(Role.PAEDIATRICIAN, other_hub))
    rows = client_for(paediatrician).get(reverse("advice:queue")).content.decode().split("<tr")
    assert "Yours" in next(row for row in rows if covered.reference in row)
    assert "Yours" not in next(row for row in rows if not_covered.reference in row)


def test_the_queue_shows_no_answered_requests(client_for, hub, paediatrician):
    now = timezone.now()
    done = AdviceRequestFactory(hub=hub, received_at=now, status="answered", first_response_at=now)
    body = client_for(paediatrician).get(reverse("advice:queue")).content.decode()
    assert done.reference not in body and "No requests are waiting" in body


@pytest.mark.parametrize("rows", [1, 50])
def test_queue_query_count_does_not_grow_with_rows(
    rows, client_for, hub, paediatrician, practice, django_assert_num_queries
):
    gp = member(Role.GP, hub, practice=practice)
    for _ in range(rows):
        AdviceRequestFactory(
            hub=hub, asked_by=gp, practice=practice, child=ChildFactory(practice=practice)
        )
    client = client_for(paediatrician)
    client.get(reverse("advice:queue"))  # the session keeps the roles and the second factor
    # The session, the person, the waiting requests (with whether the paediatrician covers
    # their hub today) and the audit entry.
    with django_assert_num_queries(4):
        response = client.get(reverse("advice:queue"))
    assert response.content.decode().count("/advice/") >= rows


@pytest.mark.parametrize("rows", [1, 50])
def test_my_requests_query_count_does_not_grow_with_rows(
    rows, client_for, hub, gp, practice, django_assert_max_num_queries
):
    for _ in range(rows):
        AdviceRequestFactory(hub=hub, asked_by=gp, child=ChildFactory(practice=practice))
    client = client_for(gp)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("advice:mine"))
    assert response.status_code == 200


def test_the_request_page_signs_every_reply_and_audits_the_look(
    client_for, hub, gp, paediatrician, child
):
    advice_request = AdviceRequestFactory(hub=hub, child=child, asked_by=gp)
    ReplyFactory(request=advice_request, author=paediatrician, text="Use a spacer.")
    body = client_for(gp).get(reverse("advice:detail", args=[advice_request.pk])).content.decode()
    assert "Use a spacer." in body and paediatrician.display_name in body
    event = AuditEvent.objects.get(action="advice.view")
    assert (event.person, event.child_id, event.hub) == (gp, child.pk, hub)


def test_attachments_download_only_through_the_request_and_each_download_is_audited(
    client_for, hub, gp, child, other_hub
):
    attachment = AttachmentFactory(request=AdviceRequestFactory(hub=hub, child=child))
    url = reverse("advice:attachment", args=[attachment.request_id, attachment.pk])
    response = client_for(gp).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "attachment;" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="advice.attachment", child_id=child.pk).count() == 1
    elsewhere = member(Role.PAEDIATRICIAN, other_hub)
    assert client_for(elsewhere).get(url).status_code == 404


def test_a_paediatrician_claims_answers_and_records_an_outcome_from_the_page(
    client_for, hub, gp, paediatrician
):
    advice_request = AdviceRequestFactory(hub=hub, asked_by=gp)
    client = client_for(paediatrician)
    client.post(reverse("advice:claim", args=[advice_request.pk]))
    client.post(reverse("advice:answer", args=[advice_request.pk]), {"text": "Reassure."})
    client.post(reverse("advice:outcome", args=[advice_request.pk]), {"outcome": "other"})
    advice_request.refresh_from_db()
    assert advice_request.claimed_by == paediatrician
    assert advice_request.first_response_at is not None
    assert (advice_request.status, advice_request.outcome) == ("closed", "other")


def test_an_empty_answer_is_refused_with_the_error_summary(client_for, hub, paediatrician):
    advice_request = AdviceRequestFactory(hub=hub)
    response = client_for(paediatrician).post(
        reverse("advice:answer", args=[advice_request.pk]), {"text": ""}
    )
    assert "There is a problem" in response.content.decode()


def test_a_gp_of_the_hub_cannot_answer(client_for, hub, gp):
    advice_request = AdviceRequestFactory(hub=hub)
    client_for(gp).post(reverse("advice:answer", args=[advice_request.pk]), {"text": "x"})
    advice_request.refresh_from_db()
    assert advice_request.first_response_at is None


def test_a_paediatrician_logs_a_phone_request(client_for, hub, paediatrician, child):
    response = client_for(paediatrician).post(
        reverse("advice:log_phone"),
        {
            "hub": hub.pk,
            "received_at": "2025-03-04T10:30",
            "nhs_number": child.formatted_nhs_number,
            "request_type": "whether_to_refer",
            "urgency": "urgent",
            "question": "Limp for a week.",
            **one_use_token(),
        },
    )
    assert response.status_code == 302
    assert AdviceRequest.objects.get().child == child


def test_the_rota_shows_who_covers_today(client_for, hub, coordinator, paediatrician):
    RotaEntryFactory(hub=hub, paediatrician=paediatrician)
    body = client_for(coordinator).get(reverse("advice:rota")).content.decode()
    assert paediatrician.display_name in body and "(today)" in body


def test_asking_for_more_information_from_the_page_then_the_gp_adds_it(
    client_for, hub, gp, paediatrician
):
    advice_request = AdviceRequestFactory(hub=hub, asked_by=gp)
    client_for(paediatrician).post(
        reverse("advice:ask_info", args=[advice_request.pk]), {"text": "What is the weight?"}
    )
    advice_request.refresh_from_db()
    assert advice_request.status == "awaiting_info" and advice_request.paused_since
    page = client_for(gp).get(reverse("advice:detail", args=[advice_request.pk]))
    assert "Add the information asked for" in page.content.decode()
    client_for(gp).post(reverse("advice:add_info", args=[advice_request.pk]), {"text": "14 kg"})
    advice_request.refresh_from_db()
    assert advice_request.status == "claimed" and advice_request.paused_since is None


def test_the_child_page_panel_lists_the_childs_requests(rf, hub, gp, child, other_child):
    from advice.panels import child_panel

    mine = AdviceRequestFactory(hub=hub, child=child)
    request = rf.get("/")
    request.user = gp
    panel = child_panel(request, child)
    assert panel["title"] == "Advice requests"
    assert panel["context"]["advice_requests"] == [mine]
    assert child_panel(request, other_child) is None


@pytest.mark.parametrize(
    ("seconds", "overdue", "text"),
    [
        (30, False, "Due now"),
        (-30, True, "Overdue: just now"),
        (600, False, "10 min left"),
        (-3 * 3600 - 300, True, "3 h 5 min overdue"),
    ],
)
def test_the_queue_says_the_time_left_or_overdue_in_words_never_0_min(seconds, overdue, text):
    import datetime

    from advice.queries import QueueRow

    row = QueueRow(
        request=None,
        due_at=datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC),
        time_left=datetime.timedelta(seconds=seconds),
        overdue=overdue,
        mine=False,
    )
    assert row.time_left_text == text
