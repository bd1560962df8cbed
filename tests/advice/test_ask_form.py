"""Searching for the child never wipes the question: the search, the choice of a child and
"a general question instead" are buttons of the one form, and every field comes back as typed
(no JavaScript needed)."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from advice.models import AdviceRequest
from tests.advice.factories import PDF_BYTES
from tests.factories import ChildFactory, one_use_token

QUESTION = "Recurrent wheeze with colds, three courses of oral steroids this winter."


def typed(hub, **more):
    return {
        "hub": hub.pk,
        "request_type": "management",
        "urgency": "urgent",
        "question": QUESTION,
        **one_use_token(),
        **more,
    }


def test_searching_for_the_child_keeps_every_field_as_typed(client_for, gp, hub, practice):
    child = ChildFactory(practice=practice, given_name="Maya", family_name="Okoro")
    response = client_for(gp).post(reverse("advice:ask"), typed(hub, q="Okoro", search="1"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" not in body
    assert QUESTION in body
    assert re.search(r'value="management"\s+id="id_request_type_1" required checked', body)
    assert '<option value="urgent" selected>' in body
    assert child.formatted_nhs_number in body and 'name="choose"' in body
    assert 'value="Okoro"' in body  # the search itself is kept too
    assert not AdviceRequest.objects.exists()


def test_choosing_the_child_keeps_the_question_and_then_it_is_sent_about_them(
    client_for, gp, hub, practice
):
    child = ChildFactory(practice=practice, given_name="Maya", family_name="Okoro")
    client = client_for(gp)
    body = client.post(reverse("advice:ask"), typed(hub, choose=child.pk)).content.decode()
    assert "About <strong>Maya Okoro</strong>" in body
    assert QUESTION in body and '<option value="urgent" selected>' in body
    assert f'name="child" value="{child.pk}"' in body
    response = client.post(reverse("advice:ask"), typed(hub, child=child.pk, send="1"))
    advice_request = AdviceRequest.objects.get()
    assert response["Location"] == reverse("advice:detail", args=[advice_request.pk])
    assert (advice_request.child, advice_request.question, advice_request.urgency) == (
        child,
        QUESTION,
        "urgent",
    )


def test_asking_a_general_question_instead_keeps_the_question(client_for, gp, hub, practice):
    child = ChildFactory(practice=practice)
    body = (
        client_for(gp)
        .post(reverse("advice:ask"), typed(hub, child=child.pk, clear_child="1"))
        .content.decode()
    )
    assert QUESTION in body
    assert "About <strong>" not in body and 'id="child-search"' in body


def test_a_search_says_the_files_must_be_chosen_again_and_keeps_the_rest(
    client_for, gp, hub, practice
):
    files = [SimpleUploadedFile("chest.pdf", PDF_BYTES, "application/pdf")]
    body = (
        client_for(gp)
        .post(reverse("advice:ask"), typed(hub, q="nobody", search="1", attachments=files))
        .content.decode()
    )
    assert "Choose the files to attach again" in body and QUESTION in body


def test_sending_without_a_question_names_the_missing_fields(client_for, gp, hub):
    response = client_for(gp).post(reverse("advice:ask"), {"hub": hub.pk, "send": "1"})
    body = response.content.decode()
    assert "There is a problem" in body
    assert body.count("Select what you need.") == 2 and body.count("Write the question.") == 2


def test_a_search_for_another_hubs_child_finds_no_one_and_choosing_one_is_404(
    client_for, gp, hub, other_child
):
    client = client_for(gp)
    body = client.post(
        reverse("advice:ask"), typed(hub, q=other_child.nhs_number, search="1")
    ).content.decode()
    assert other_child.family_name not in body and "No children found" in body
    response = client.post(reverse("advice:ask"), typed(hub, choose=other_child.pk))
    assert response.status_code == 404


def test_the_child_search_warns_when_two_children_found_share_a_name(client_for, gp, practice):
    twins = [
        ChildFactory(practice=practice, given_name="Amelia", family_name="Jones") for _ in "ab"
    ]
    ChildFactory(practice=practice, given_name="Amelia", family_name="Joneson")
    body = client_for(gp).get(reverse("advice:ask"), {"q": "Amelia"}).content.decode()
    assert "Children on this list share a name" in body
    assert "on this list is called <strong>Amelia Jones</strong>" in body
    assert "before you choose" in body
    assert body.count("Same name as another child") == 2
    for twin in twins:
        assert twin.date_of_birth.strftime("%b %Y") in body and twin.age_text() in body
