"""The coordinator's admin for children (scoped, look-up only) and the segmentation data."""

from django.urls import reverse

from hubs.models import AuditEvent, Role
from population import services
from population.models import ValueSet
from tests.factories import member


def test_a_coordinator_finds_a_child_of_their_hub_by_nhs_number(
    child, other_child, coordinator, client_for
):
    response = client_for(coordinator).get(
        reverse("admin:population_child_changelist"), {"q": child.nhs_number}
    )
    body = response.content.decode()
    assert child.family_name in body
    assert other_child.family_name not in body


def test_a_coordinator_looking_at_a_child_in_the_admin_is_audited(child, coordinator, client_for):
    response = client_for(coordinator).get(
        reverse("admin:population_child_change", args=[child.pk])
    )
    assert response.status_code == 200
    assert AuditEvent.objects.filter(child_id=child.pk, person=coordinator).count() == 1


def test_another_hubs_child_is_404_in_the_admin(other_child, coordinator, client_for):
    response = client_for(coordinator).get(
        reverse("admin:population_child_change", args=[other_child.pk])
    )
    assert response.status_code == 404


def test_children_cannot_be_added_or_changed_in_the_admin(child, coordinator, client_for):
    client = client_for(coordinator)
    assert client.get(reverse("admin:population_child_add")).status_code == 403
    url = reverse("admin:population_child_change", args=[child.pk])
    client.post(url, {"given_name": "Changed"})
    child.refresh_from_db()
    assert child.given_name != "Changed"


def test_every_hubs_coordinator_sees_the_shared_value_sets(hub, other_hub, client_for):
    for h in (hub, other_hub):
        client = client_for(member(Role.COORDINATOR, h, is_staff=True))
        response = client.get(reverse("admin:population_valueset_changelist"))
        assert "Cystic fibrosis" in response.content.decode()
        asthma = ValueSet.objects.get(name="asthma")
        url = reverse("admin:population_valueset_change", args=[asthma.pk])
        assert client.get(url).status_code == 200


def test_a_coordinator_sees_who_recorded_a_plan_review_in_the_childs_history(
    child, gp, coordinator, client_for
):
    services.mark_asthma_plan_reviewed(child=child, by=gp)
    response = client_for(coordinator).get(
        reverse("admin:population_child_history", args=[child.pk])
    )
    assert response.status_code == 200
    assert str(gp) in response.content.decode()


def test_a_value_set_code_that_is_not_a_snomed_concept_is_refused_by_name(hub, client_for):
    client = client_for(member(Role.COORDINATOR, hub, is_staff=True))
    response = client.post(
        reverse("admin:population_valueset_add"),
        {"name": "hay_fever", "title": "Hay fever", "kind": "long_term", "codes": "21719001,12345"},
    )
    assert response.status_code == 200
    assert "12345" in response.content.decode()
    assert not ValueSet.objects.filter(name="hay_fever").exists()


def test_a_coordinator_adds_a_value_set_of_snomed_concepts(
    hub, client_for, django_capture_on_commit_callbacks, tasks_run_now
):
    client = client_for(member(Role.COORDINATOR, hub, is_staff=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:population_valueset_add"),
            {"name": "wheeze", "title": "Wheeze", "kind": "long_term", "codes": " 195967001 "},
        )
    assert response.status_code == 302
    assert ValueSet.objects.get(name="wheeze").codes == ["195967001"]
