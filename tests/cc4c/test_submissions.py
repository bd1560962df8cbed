"""The one-use token of a form that creates something (cc4c.submissions)."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from cc4c import submissions
from cc4c.models import Submission
from tests.factories import HubFactory, PersonFactory

pytestmark = pytest.mark.django_db


def made_with(token, by, record):
    with transaction.atomic():
        submissions.claim(token, by=by)
        submissions.done(token, record)


def test_a_token_sent_again_gives_back_what_its_first_sending_made():
    person, hub, token = PersonFactory(), HubFactory(), submissions.new_token()
    made_with(token, person, hub)
    with pytest.raises(submissions.AlreadySubmitted) as again, transaction.atomic():
        submissions.claim(token, by=person)
    assert again.value.record == hub
    assert submissions.earlier(token, by=person).record == hub


def test_someone_else_sending_the_token_learns_nothing_of_the_record():
    token = submissions.new_token()
    made_with(token, PersonFactory(), HubFactory())
    stranger = PersonFactory()
    with pytest.raises(submissions.AlreadySubmitted) as again, transaction.atomic():
        submissions.claim(token, by=stranger)
    assert again.value.record is None
    assert submissions.earlier(token, by=stranger).record is None


def test_a_sending_that_was_refused_leaves_the_token_free():
    person, token = PersonFactory(), submissions.new_token()
    with pytest.raises(ValueError, match="refused"), transaction.atomic():
        submissions.claim(token, by=person)
        raise ValueError("refused")
    assert submissions.earlier(token, by=person) is None
    made_with(token, person, HubFactory())
    assert Submission.objects.get(token=token).person == person


@pytest.mark.django_db(transaction=True)
def test_a_claim_outside_the_transaction_that_makes_the_record_is_a_mistake():
    with pytest.raises(RuntimeError):
        submissions.claim(submissions.new_token(), by=PersonFactory())


def test_no_token_no_guarantee_and_no_error():
    with transaction.atomic():
        submissions.claim(None, by=PersonFactory())
        submissions.done(None, HubFactory())
    assert not Submission.objects.exists()


def test_tokens_a_week_old_are_forgotten():
    person = PersonFactory()
    old, new = submissions.new_token(), submissions.new_token()
    made_with(old, person, HubFactory())
    made_with(new, person, HubFactory())
    Submission.objects.filter(token=old).update(
        claimed_at=timezone.now() - datetime.timedelta(days=8)
    )
    assert submissions.forget_old() == 1
    assert list(Submission.objects.values_list("token", flat=True)) == [new]


def test_a_form_carries_a_fresh_token_and_refuses_to_be_sent_without_one():
    from django import forms

    class Form(submissions.SubmittedOnce, forms.Form):
        name = forms.CharField()

    first, second = Form(), Form()
    assert first["submission"].value() != second["submission"].value()
    assert 'type="hidden"' in str(first["submission"])
    sent = Form({"name": "x"})
    assert not sent.is_valid()
    assert sent.non_field_errors() == [submissions.EXPIRED]
    assert Form({"name": "x", "submission": first["submission"].value()}).is_valid()
