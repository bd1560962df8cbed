"""The home page shows each person what is waiting for them, with counts and links, per role; each
app gives its own counts through hubs.waiting_registry; the page takes a fixed number of
queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from advice.models import Status
from evaluation.models import EvaluationReport
from hubs.models import Role
from population.segmentation import resegment_children
from tests.advice.factories import AdviceRequestFactory
from tests.champions.factories import ChampionFactory, CheckFactory
from tests.clinics.factories import NotBroughtFollowUpFactory, ReferralFactory
from tests.factories import ChildFactory, PersonFactory, member
from tests.mdt.factories import ActionFactory, CaseFactory, MeetingFactory
from tests.population.factories import ASTHMA


def items(response):
    return {w.label: w for w in response.context["waiting"]}


def home(client_for, person):
    return client_for(person).get(reverse("home"))


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def gps_day(hub, practice, gp, paediatrician):
    """What waits for the GP: two cases to prepare, an action overdue and one due soon, a
    question answered with a request for more information, a not-brought follow-up, and two
    children with asthma whose plans are due."""
    meeting = MeetingFactory(hub=hub, chair=paediatrician)
    for child in ChildFactory.create_batch(2, practice=practice):
        CaseFactory(meeting=meeting, child=child, put_forward_by=gp)
    past = MeetingFactory(hub=hub, starts_at=timezone.now() - datetime.timedelta(days=30))
    ActionFactory(meeting=past, owner=gp, due_on=days(-3))
    ActionFactory(meeting=past, owner=gp, due_on=days(2))
    ActionFactory(meeting=past, owner=gp, due_on=days(-9), done_at=timezone.now())
    AdviceRequestFactory(hub=hub, asked_by=gp, status=Status.AWAITING_INFO)
    AdviceRequestFactory(hub=hub, asked_by=gp, status=Status.OPEN, urgency="urgent")
    NotBroughtFollowUpFactory(appointment__child=ChildFactory(practice=practice))
    ChildFactory.create_batch(2, practice=practice, conditions=[ASTHMA])
    resegment_children()


def test_a_gp_sees_what_waits_with_counts_and_links(hub, gp, gps_day, client_for):
    found = items(home(client_for, gp))
    assert found["Cases to prepare"].count == 2
    assert found["Cases to prepare"].url == reverse("mdt:my_cases")
    overdue = found["MDT actions overdue"]
    assert (overdue.count, overdue.url, overdue.pressing) == (1, reverse("mdt:my_actions"), True)
    assert overdue.detail == "1 more due in the next 7 days"
    reply = found["Advice requests waiting for your reply"]
    assert (reply.count, reply.url) == (1, reverse("advice:mine"))
    follow_ups = found["Not-brought follow-ups due"]
    assert (follow_ups.count, follow_ups.url) == (1, reverse("clinics:follow_up_list"))
    asthma = found["Asthma plans due a review"]
    assert (asthma.count, asthma.url) == (2, reverse("population:asthma_worklist", args=[hub.pk]))
    # A GP answers no advice requests and books no clinics.
    assert "Advice requests to answer" not in found
    assert "Children waiting for a clinic appointment" not in found


def test_the_page_shows_each_count_as_a_link_to_its_list(gp, gps_day, client_for):
    body = home(client_for, gp).content.decode()
    assert "Waiting for you" in body
    assert f'href="{reverse("mdt:my_actions")}"' in body
    assert '<span class="waiting-count">2</span>' in body


def test_a_paediatrician_sees_requests_to_answer_and_the_cases_they_chair(
    hub, paediatrician, gps_day, client_for
):
    found = items(home(client_for, paediatrician))
    to_answer = found["Advice requests to answer"]
    assert (to_answer.count, to_answer.url) == (2, reverse("advice:queue"))
    assert (to_answer.detail, to_answer.pressing) == ("1 urgent", True)
    assert found["Cases on meetings you chair"].count == 2
    assert "Advice requests waiting for your reply" not in found


def test_a_coordinator_sees_the_waiting_list_comments_and_champions_to_renew(
    hub, practice, coordinator, client_for
):
    ReferralFactory.create_batch(3, child__practice=practice)
    champion = ChampionFactory(practice=practice)
    CheckFactory(champion=champion, date=days(-1000), expires_on=days(10))
    found = items(home(client_for, coordinator))
    assert found["Children waiting for a clinic appointment"].count == 3
    assert found["Champions with checks or training to renew"].count == 1
    assert found["Family comments to approve"].count == 0
    assert "Cases to prepare" not in found


def test_a_commissioner_sees_the_reports_built_for_their_hubs(
    hub, other_hub, commissioner, client_for
):
    mine = EvaluationReport.objects.create(
        period_from=days(-60), period_to=days(-30), baseline_from=days(-120),
        baseline_to=days(-61), status="done", built_at=timezone.now(),
    )  # fmt: skip
    mine.hubs.set([hub])
    theirs = EvaluationReport.objects.create(
        period_from=days(-60), period_to=days(-30), baseline_from=days(-120),
        baseline_to=days(-61), status="done", built_at=timezone.now(),
    )  # fmt: skip
    theirs.hubs.set([other_hub])
    found = items(home(client_for, commissioner))
    assert list(found) == ["Evaluation reports built in the last month"]
    assert found["Evaluation reports built in the last month"].count == 1


def test_a_champion_has_nothing_waiting_from_the_clinical_services(hub, client_for):
    assert items(home(client_for, member(Role.CHAMPION, hub))) == {}


def test_nothing_of_another_hub_is_counted(other_hub, gp, client_for):
    other_gp = member(Role.GP, other_hub)
    meeting = MeetingFactory(hub=other_hub)
    CaseFactory(meeting=meeting, put_forward_by=other_gp)
    ActionFactory(meeting=meeting, owner=gp, due_on=days(-3))  # an action in a hub not theirs
    found = items(home(client_for, gp))
    assert found["MDT actions overdue"].count == 0
    assert found["Cases to prepare"].count == 0


@pytest.mark.parametrize("rows", [1, 50])
def test_the_home_page_takes_a_fixed_number_of_queries(
    rows, hub, practice, paediatrician, client_for, django_assert_max_num_queries
):
    meeting = MeetingFactory(hub=hub, chair=paediatrician)
    past = MeetingFactory(hub=hub, starts_at=timezone.now() - datetime.timedelta(days=30))
    for child in ChildFactory.create_batch(rows, practice=practice, conditions=[ASTHMA]):
        CaseFactory(meeting=meeting, child=child, put_forward_by=paediatrician)
        ActionFactory(meeting=past, owner=paediatrician, due_on=days(-1))
        AdviceRequestFactory(hub=hub, child=child)
        ReferralFactory(child=child)
        NotBroughtFollowUpFactory(appointment__child=child)
    client = client_for(paediatrician)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("home"))
    assert items(response)["Advice requests to answer"].count == rows


def test_a_person_without_a_role_sees_nothing_waiting(hub, client_for):
    assert items(home(client_for, PersonFactory())) == {}
