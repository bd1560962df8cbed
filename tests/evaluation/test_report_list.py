"""The reports page: the reports already built for the person's hubs, with their downloads; the
one hub of someone with one chosen already; suppression, always on for a commissioner, said as a
statement rather than offered as a box."""

from django.urls import reverse

from evaluation.models import EvaluationReport
from evaluation.tasks import monthly_reports
from hubs.models import Role
from tests.factories import MembershipFactory, member


def test_a_commissioner_sees_the_monthly_reports_built_for_their_hub(
    client_for, hub, other_hub, commissioner
):
    monthly_reports("2026-11-01")
    body = client_for(commissioner).get(reverse("evaluation:list")).content.decode()
    mine = EvaluationReport.objects.get(schedule_key="monthly:HUB-A:2026-10")
    theirs = EvaluationReport.objects.get(schedule_key="monthly:HUB-B:2026-10")
    assert reverse("evaluation:detail", args=[mine.pk]) in body
    assert reverse("evaluation:download", args=[mine.pk, "pdf"]) in body
    assert reverse("evaluation:detail", args=[theirs.pk]) not in body
    assert "1 Oct 2026 to 31 Oct 2026" in body and "Monthly schedule" in body


def test_with_one_hub_the_hub_is_chosen_already(client_for, hub, commissioner):
    response = client_for(commissioner).get(reverse("evaluation:list"))
    form = response.context["form"]
    assert form.only_hub == hub
    body = response.content.decode()
    assert f"<strong>Hub:</strong> {hub.name}" in body
    assert f'type="hidden" name="hubs" value="{hub.pk}"' in body
    assert body.count('name="hubs"') == 1


def test_the_chosen_hub_is_what_the_report_is_built_for(client_for, hub, commissioner):
    response = client_for(commissioner).post(
        reverse("evaluation:list"),
        {"hubs": [hub.pk], "period_from": "2025-04-01", "period_to": "2026-03-31"},
    )
    assert response.status_code == 302
    assert list(EvaluationReport.objects.get().hubs.all()) == [hub]


def test_with_several_hubs_the_person_chooses(client_for, hub, other_hub, commissioner):
    MembershipFactory(person=commissioner, hub=other_hub, role=Role.COMMISSIONER)
    response = client_for(commissioner).get(reverse("evaluation:list"))
    assert response.context["form"].only_hub is None
    body = response.content.decode()
    assert body.count('name="hubs"') == 2 and 'type="checkbox"' in body


def test_suppression_is_a_statement_for_a_commissioner_not_a_checkbox(
    client_for, hub, commissioner
):
    body = client_for(commissioner).get(reverse("evaluation:list")).content.decode()
    assert 'name="suppressed"' not in body
    assert "Small numbers are hidden in every report you build or open" in body


def test_a_commissioner_cannot_ask_for_an_unsuppressed_report(client_for, hub, commissioner):
    client_for(commissioner).post(
        reverse("evaluation:list"),
        {
            "hubs": [hub.pk],
            "period_from": "2025-04-01",
            "period_to": "2026-03-31",
            "suppressed": "",
        },
    )
    assert EvaluationReport.objects.get().suppressed is True


def test_a_coordinator_may_choose_and_gets_the_box(client_for, hub, coordinator):
    body = client_for(coordinator).get(reverse("evaluation:list")).content.decode()
    assert 'name="suppressed"' in body
    assert "always, for your role" not in body
    client_for(coordinator).post(
        reverse("evaluation:list"),
        {"hubs": [hub.pk], "period_from": "2025-04-01", "period_to": "2026-03-31"},
    )
    assert EvaluationReport.objects.get().suppressed is False


def test_a_paediatrician_of_one_hub_also_gets_the_statement(client_for, hub):
    person = member(Role.PAEDIATRICIAN, hub)
    body = client_for(person).get(reverse("evaluation:list")).content.decode()
    assert "always, for your role" in body
