"""A GP replies to an answer with a follow-up question on the same request; the paediatrician
sees the whole thread, signed and kept, and every look at it is audited."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from advice import clock, services
from advice.metrics import advice_measures
from advice.models import AdviceRequest, Reply, Status
from hubs.models import AuditEvent, Role
from tests.advice.factories import AdviceRequestFactory
from tests.factories import member
from tests.outbox import relay_waiting

QUESTION = "Toddler with constipation for three months despite movicol."
ANSWER = "Increase the dose to three sachets and review in two weeks."
FOLLOW_UP = "Still no better after two weeks on three sachets: refer?"
SECOND_ANSWER = "Yes: refer to the outreach clinic."


@pytest.fixture
def answered(hub, gp, paediatrician, child):
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=3), tick=False):
        request = services.ask(
            hub=hub,
            child=child,
            question=QUESTION,
            request_type="management",
            urgency="routine",
            by=gp,
        )
    services.claim(advice_request=request, by=paediatrician)
    return services.answer(advice_request=request, text=ANSWER, by=paediatrician)


def test_the_gp_asks_a_follow_up_and_it_goes_back_to_the_queue_with_its_own_due_time(
    answered, gp, paediatrician, django_capture_on_commit_callbacks
):
    first_response_at = answered.first_response_at
    relay_waiting()  # what the ask and the answer sent
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        followed = services.ask_follow_up(advice_request=answered, text=FOLLOW_UP, by=gp)
    relay_waiting()
    followed.refresh_from_db()
    assert followed.status == Status.FOLLOW_UP
    assert followed.first_response_at == first_response_at  # the measure's answer is kept
    reply = followed.replies.order_by("created_at").last()
    assert (reply.kind, reply.author, reply.text) == ("follow_up", gp, FOLLOW_UP)
    assert clock.request_due_at(followed) == followed.follow_up_since + datetime.timedelta(hours=24)

    [message] = mail.outbox
    assert message.to == [paediatrician.email]
    assert message.subject == "A follow-up question on an advice request"
    assert FOLLOW_UP not in message.body and "sachets" not in message.body


def test_the_paediatricians_answer_to_the_follow_up_closes_the_loop(
    answered, gp, paediatrician, django_capture_on_commit_callbacks
):
    services.ask_follow_up(advice_request=answered, text=FOLLOW_UP, by=gp)
    relay_waiting()  # what the ask and the answer sent
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = services.answer(advice_request=answered, text=SECOND_ANSWER, by=paediatrician)
    relay_waiting()
    assert (done.status, done.follow_up_since) == (Status.ANSWERED, None)
    assert [m.to for m in mail.outbox] == [[gp.email]]
    kinds = list(done.replies.order_by("created_at", "id").values_list("kind", flat=True))
    assert kinds == ["answer", "follow_up", "answer"]


def test_a_follow_up_on_a_closed_request_reopens_it_and_keeps_its_outcome(
    answered, gp, paediatrician
):
    services.record_outcome(
        advice_request=answered, outcome="primary_care_advice", by=paediatrician
    )
    reopened = services.ask_follow_up(advice_request=answered, text=FOLLOW_UP, by=gp)
    assert (reopened.status, reopened.outcome) == (Status.FOLLOW_UP, "primary_care_advice")


def test_only_the_gp_who_asked_can_follow_up_and_only_after_an_answer(
    hub, practice, answered, gp, paediatrician
):
    colleague = member(Role.GP, hub, practice=practice)
    with pytest.raises(services.AdviceError, match="Only the person who asked"):
        services.ask_follow_up(advice_request=answered, text=FOLLOW_UP, by=colleague)
    with pytest.raises(services.AdviceError, match="Write the follow-up question"):
        services.ask_follow_up(advice_request=answered, text="  ", by=gp)
    waiting = AdviceRequestFactory(hub=hub, asked_by=gp)
    with pytest.raises(services.AdviceError, match="has not answered yet"):
        services.ask_follow_up(advice_request=waiting, text=FOLLOW_UP, by=gp)


def test_asking_for_information_about_a_follow_up_leaves_the_first_answers_clock_alone(
    hub, answered, gp, paediatrician
):
    services.ask_follow_up(advice_request=answered, text=FOLLOW_UP, by=gp)
    asked = services.ask_for_information(
        advice_request=answered, text="What weight now?", by=paediatrician
    )
    assert (asked.status, asked.paused_since) == (Status.AWAITING_INFO, None)
    told = services.add_information(advice_request=answered, text="12.1 kg", by=gp)
    assert (told.status, told.paused_seconds) == (Status.FOLLOW_UP, 0)
    today = timezone.localdate()
    figures = advice_measures([hub.pk], today - datetime.timedelta(days=1), today)
    assert (figures["_advice_within_target_n"], figures["_advice_target_due_n"]) == (1, 1)


def test_the_paediatrician_sees_the_whole_thread_in_order_and_each_look_is_audited(
    answered, gp, paediatrician, client_for
):
    client = client_for(gp)
    url = reverse("advice:detail", args=[answered.pk])
    body = client.get(url).content.decode()
    assert "Reply with a follow-up question" in body  # offered to the GP on the answer
    response = client.post(reverse("advice:follow_up", args=[answered.pk]), {"text": ""})
    body = response.content.decode()
    assert "There is a problem" in body and body.count("Write the follow-up question.") == 2
    response = client.post(
        reverse("advice:follow_up", args=[answered.pk]), {"text": FOLLOW_UP}, follow=True
    )
    assert "Your follow-up question has been sent." in response.content.decode()

    body = client_for(paediatrician).get(url).content.decode()
    positions = [body.index(text) for text in (QUESTION, ANSWER, FOLLOW_UP)]
    assert positions == sorted(positions)
    assert "Follow-up question</strong> by" in body
    assert "follow-up question due" in body
    assert "Reply with a follow-up question" not in body  # not offered to the paediatrician
    looks = AuditEvent.objects.filter(action="advice.view", object_id=str(answered.pk))
    assert {e.person for e in looks} == {gp, paediatrician}
    assert Reply.history.filter(kind="follow_up").count() == 1  # kept, with its history

    queue = client_for(paediatrician).get(reverse("advice:queue")).content.decode()
    assert answered.reference in queue and "Follow-up question to answer" in queue


def test_a_look_at_a_general_question_is_audited_too(hub, gp, client_for):
    general = AdviceRequestFactory(hub=hub, asked_by=gp, child=None)
    client_for(gp).get(reverse("advice:detail", args=[general.pk]))
    event = AuditEvent.objects.get(action="advice.view")
    assert (event.person, event.child_id, event.object_id) == (gp, None, str(general.pk))


def test_another_gp_is_not_offered_the_follow_up_form(hub, practice, answered, client_for):
    colleague = member(Role.GP, hub, practice=practice)
    body = client_for(colleague).get(reverse("advice:detail", args=[answered.pk])).content
    assert "Reply with a follow-up question" not in body.decode()
    response = client_for(colleague).post(
        reverse("advice:follow_up", args=[answered.pk]), {"text": FOLLOW_UP}, follow=True
    )
    assert "Only the person who asked can ask a follow-up question." in response.content.decode()
    assert AdviceRequest.objects.get(pk=answered.pk).status == Status.ANSWERED
