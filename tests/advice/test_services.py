"""Asking, claiming, answering and pausing: the rules each advice service protects."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection

from advice import services
from advice.models import AdviceLineSettings, AdviceRequest, ReplyKind, Status
from hubs.access import NotAllowed
from hubs.models import Role
from tests.advice.factories import PDF_BYTES, AdviceRequestFactory, RotaEntryFactory
from tests.factories import member
from tests.outbox import sent_mail

UTC = datetime.UTC


def _ask(gp, hub, child=None, files=()):
    return services.ask(
        hub=hub,
        child=child,
        question="Persistent cough for six weeks.",
        request_type="cause_investigation",
        urgency="routine",
        files=files,
        by=gp,
    )


def test_a_gp_question_reaches_the_covering_paediatrician_by_email_without_identifiers(
    hub, gp, paediatrician, child, django_capture_on_commit_callbacks
):
    RotaEntryFactory(hub=hub, paediatrician=paediatrician)
    with django_capture_on_commit_callbacks(execute=True):
        advice_request = _ask(gp, hub, child, files=[("scan.pdf", PDF_BYTES)])
    assert advice_request.channel == "web"
    assert advice_request.attachments.get().content_type == "application/pdf"
    (message,) = sent_mail()
    assert message.to == [paediatrician.email]
    assert f"/advice/{advice_request.pk}/" in message.body
    for secret in (child.given_name, child.family_name, child.nhs_number, "cough"):
        assert secret not in message.body + message.subject


def test_a_gp_cannot_ask_about_a_child_of_another_hub(hub, gp, other_child):
    with pytest.raises(services.AdviceError):
        _ask(gp, hub, other_child)


def test_an_attachment_that_is_not_an_image_or_pdf_is_refused_and_nothing_is_kept(hub, gp):
    with pytest.raises(services.AdviceError, match="macro is a program; send a PDF"):
        _ask(gp, hub, files=[("macro.pdf", b"MZ\x90\x00 executable")])


def test_the_second_claimer_is_told_who_has_it(hub, gp):
    first, second = member(Role.PAEDIATRICIAN, hub), member(Role.PAEDIATRICIAN, hub)
    advice_request = _ask(gp, hub)
    services.claim(advice_request=advice_request, by=first)
    with pytest.raises(services.AdviceError, match=first.display_name):
        services.claim(advice_request=advice_request, by=second)


def test_a_gp_cannot_claim_or_answer(hub, gp):
    advice_request = _ask(gp, hub)
    with pytest.raises(NotAllowed, match="paediatricians"):
        services.claim(advice_request=advice_request, by=gp)
    with pytest.raises(NotAllowed, match="paediatricians"):
        services.answer(advice_request=advice_request, text="x", by=gp)


@pytest.mark.django_db(transaction=True)
def test_two_paediatricians_claiming_at_once_exactly_one_wins(hub):
    paeds = [member(Role.PAEDIATRICIAN, hub) for _ in range(2)]
    advice_request = AdviceRequestFactory(hub=hub)
    barrier = threading.Barrier(2)
    results = {}

    def try_claim(person):
        try:
            barrier.wait()
            services.claim(
                advice_request=AdviceRequest.objects.get(pk=advice_request.pk), by=person
            )
            results[person.pk] = "won"
        except services.AdviceError:
            results[person.pk] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=try_claim, args=(p,)) for p in paeds]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results.values()) == ["refused", "won"]
    winner = next(pk for pk, r in results.items() if r == "won")
    assert AdviceRequest.objects.get(pk=advice_request.pk).claimed_by_id == winner


def test_the_answer_is_signed_stops_the_clock_once_and_emails_the_gp_a_link_only(
    hub, gp, paediatrician, child, django_capture_on_commit_callbacks
):
    advice_request = _ask(gp, hub, child)
    later = advice_request.received_at + datetime.timedelta(hours=3)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        answered = services.answer(
            advice_request=advice_request,
            text="Start a trial of montelukast.",
            by=paediatrician,
        )
    first = answered.first_response_at
    assert answered.status == Status.ANSWERED
    reply = answered.replies.get()
    assert (reply.author, reply.created_at) == (paediatrician, first)
    to_gp = [m for m in sent_mail() if m.to == [gp.email]]
    assert len(to_gp) == 1
    assert "montelukast" not in to_gp[0].body and child.nhs_number not in to_gp[0].body
    with time_machine.travel(first + datetime.timedelta(hours=2)):
        services.answer(advice_request=advice_request, text="And review.", by=paediatrician)
    assert AdviceRequest.objects.get(pk=advice_request.pk).first_response_at == first


def test_asking_for_information_pauses_the_clock_until_the_gp_replies(hub, gp, paediatrician):
    advice_request = _ask(gp, hub)
    start = advice_request.received_at
    with time_machine.travel(start + datetime.timedelta(hours=2), tick=False):
        services.ask_for_information(
            advice_request=advice_request, text="What is the weight?", by=paediatrician
        )
    paused = AdviceRequest.objects.get(pk=advice_request.pk)
    assert paused.status == Status.AWAITING_INFO and paused.paused_since is not None
    assert paused.first_response_at is None
    with time_machine.travel(start + datetime.timedelta(hours=7), tick=False):
        services.add_information(advice_request=paused, text="12 kg.", by=gp)
    resumed = AdviceRequest.objects.get(pk=advice_request.pk)
    assert resumed.paused_since is None
    assert resumed.paused_seconds == 5 * 3600
    assert resumed.status == Status.CLAIMED
    assert [r.kind for r in resumed.replies.all()] == [
        ReplyKind.INFO_REQUEST,
        ReplyKind.INFORMATION,
    ]


def test_the_clock_keeps_running_when_the_hub_does_not_pause_it(hub, gp, paediatrician):
    AdviceLineSettings.objects.create(hub=hub, pause_clock_when_awaiting_info=False)
    advice_request = _ask(gp, hub)
    services.ask_for_information(advice_request=advice_request, text="Weight?", by=paediatrician)
    assert AdviceRequest.objects.get(pk=advice_request.pk).paused_since is None


def test_an_outcome_needs_an_answer_first_and_then_closes_the_request(hub, gp, paediatrician):
    advice_request = _ask(gp, hub)
    with pytest.raises(services.AdviceError, match="Answer"):
        services.record_outcome(advice_request=advice_request, outcome="other", by=paediatrician)
    services.answer(advice_request=advice_request, text="Refer.", by=paediatrician)
    closed = services.record_outcome(
        advice_request=advice_request, outcome="hospital_referral", by=paediatrician
    )
    assert (closed.status, closed.outcome) == (Status.CLOSED, "hospital_referral")
    assert closed.history.count() >= 3


def test_a_phone_request_starts_the_clock_at_the_time_of_the_call(hub, gp, paediatrician, child):
    call = datetime.datetime(2025, 3, 4, 10, 30, tzinfo=UTC)
    logged = services.log_phone_request(
        hub=hub,
        received_at=call,
        asked_by=gp,
        child=child,
        question="Febrile 3-month-old?",
        request_type="whether_to_refer",
        urgency="urgent",
        by=paediatrician,
    )
    assert (logged.channel, logged.received_at, logged.practice) == ("phone", call, child.practice)
    with pytest.raises(NotAllowed, match="paediatricians"):
        services.log_phone_request(
            hub=hub,
            received_at=call,
            question="x",
            request_type="other",
            urgency="routine",
            by=gp,
        )


def test_from_an_answer_the_child_goes_on_the_clinic_waiting_list_in_one_step(
    hub, gp, paediatrician, child
):
    referral_model = pytest.importorskip("clinics.models").Referral
    advice_request = _ask(gp, hub, child)
    with pytest.raises(services.AdviceError, match="Answer"):
        services.put_forward(
            advice_request=advice_request, destination="clinic", reason="x", by=paediatrician
        )
    services.answer(advice_request=advice_request, text="Needs seeing.", by=paediatrician)
    services.put_forward(
        advice_request=advice_request,
        destination="clinic",
        reason="Hip clunk on examination",
        by=paediatrician,
    )
    referral = referral_model.objects.get(child=child)
    assert (referral.source, referral.referred_by) == ("advice", paediatrician)
    assert AdviceRequest.objects.get(pk=advice_request.pk).outcome == "outreach_clinic"
