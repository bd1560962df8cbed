import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from hubs import audit
from hubs.models import AuditEvent, Role
from tests.factories import PersonFactory, member

pytestmark = pytest.mark.django_db


def make_event(hub, **kwargs):
    defaults = {"action": "child.view", "hub": hub, "child_id": 1, "object_type": "x"}
    return AuditEvent.objects.create(**(defaults | kwargs))


def test_record_writes_who_when_which_child_what_and_from_where(gp, hub, child):
    request = RequestFactory().get("/population/child/1/", REMOTE_ADDR="10.1.2.3")
    request.user = gp
    event = audit.record(request, action="child.view", hub=hub, child_id=child.pk, obj=child)
    event.refresh_from_db()
    assert (event.person, event.hub, event.child_id) == (gp, hub, child.pk)
    assert event.action == "child.view"
    assert event.object_type == "population.child"
    assert event.object_id == str(child.pk)
    assert event.ip_address == "10.1.2.3"
    assert event.path == "/population/child/1/"
    assert abs(event.at - timezone.now()) < datetime.timedelta(minutes=1)


def test_each_look_at_a_child_record_leaves_exactly_one_audit_entry(client_for, gp, child):
    client = client_for(gp)
    url = reverse("population:child", kwargs={"pk": child.pk})
    assert client.get(url).status_code == 200
    assert AuditEvent.objects.filter(child_id=child.pk, person=gp).count() == 1
    assert client.get(url).status_code == 200
    assert AuditEvent.objects.filter(child_id=child.pk, person=gp).count() == 2


def test_a_gp_of_another_hub_gets_404_and_leaves_no_look_in_the_trail(client_for, gp, other_child):
    response = client_for(gp).get(reverse("population:child", kwargs={"pk": other_child.pk}))
    assert response.status_code == 404
    assert other_child.family_name not in response.content.decode()
    assert not AuditEvent.objects.filter(child_id=other_child.pk).exists()


def test_audit_entries_cannot_be_changed_or_deleted_through_the_orm(hub):
    event = make_event(hub)
    event.action = "edited"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        AuditEvent.objects.filter(pk=event.pk).update(action="edited")
    with pytest.raises(ValidationError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "child.view"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE hubs_auditevent SET action = 'edited' WHERE id = %s",
        "DELETE FROM hubs_auditevent WHERE id = %s",
    ],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_or_delete_audit_entries(hub, sql):
    event = make_event(hub)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "child.view"


def test_the_admin_shows_the_trail_read_only(client_for, coordinator, hub):
    event = make_event(hub)
    client = client_for(coordinator)
    assert client.get(reverse("admin:hubs_auditevent_change", args=[event.pk])).status_code == 200
    assert client.get(reverse("admin:hubs_auditevent_add")).status_code == 403
    response = client.post(
        reverse("admin:hubs_auditevent_change", args=[event.pk]), {"action": "edited"}
    )
    assert response.status_code == 403
    response = client.post(
        reverse("admin:hubs_auditevent_delete", args=[event.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    response = client.post(
        reverse("admin:hubs_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert AuditEvent.objects.get(pk=event.pk).action == "child.view"


def test_a_superuser_cannot_change_the_trail_either(client, hub):
    operator = PersonFactory(is_superuser=True, is_staff=True)
    event = make_event(hub)
    client.force_login(operator)
    assert client.get(reverse("admin:hubs_auditevent_add")).status_code == 403
    url = reverse("admin:hubs_auditevent_delete", args=[event.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_coordinator_filters_the_trail_by_action_person_and_hub(
    client_for, coordinator, gp, hub, other_hub
):
    make_event(hub, action="child.view", person=gp, child_id=101)
    make_event(hub, action="child.export", person=coordinator, child_id=102)
    make_event(other_hub, action="child.view", child_id=103)
    client = client_for(coordinator)
    url = reverse("admin:hubs_auditevent_changelist")
    shown = client.get(url).context["cl"].result_list
    assert sorted(e.child_id for e in shown) == [101, 102]
    shown = client.get(url, {"action": "child.export"}).context["cl"].result_list
    assert [e.child_id for e in shown] == [102]
    shown = client.get(url, {"person__id__exact": gp.pk}).context["cl"].result_list
    assert [e.child_id for e in shown] == [101]
    shown = client.get(url, {"hub__id__exact": other_hub.pk}).context["cl"].result_list
    assert list(shown) == []


def read_csv(response):
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_the_coordinator_downloads_the_filtered_trail_as_csv(
    client_for, coordinator, gp, hub, other_hub
):
    make_event(hub, action="child.view", person=gp, child_id=101)
    make_event(hub, action="child.export", person=gp, child_id=102)
    make_event(other_hub, action="child.view", child_id=103)
    client = client_for(coordinator)
    response = client.get(reverse("admin:hubs_auditevent_csv"), {"action": "child.view"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    rows = read_csv(response)
    assert [r["child id"] for r in rows] == ["101"]
    assert rows[0]["person email"] == gp.email
    assert rows[0]["hub"] == hub.code
    # The download itself is in the trail.
    assert AuditEvent.objects.filter(action="audit.export", person=coordinator).count() == 1


def test_the_changelist_links_the_csv_download_with_its_filters(client_for, coordinator, hub):
    make_event(hub)
    response = client_for(coordinator).get(
        reverse("admin:hubs_auditevent_changelist"), {"action": "child.view"}
    )
    assert f"{reverse('admin:hubs_auditevent_csv')}?action=child.view" in response.content.decode()


def test_staff_without_the_coordinator_role_cannot_download_the_trail(client, hub):
    staff_gp = member(Role.GP, hub, is_staff=True)
    make_event(hub)
    client.force_login(staff_gp)
    assert client.get(reverse("admin:hubs_auditevent_csv")).status_code == 403


@pytest.mark.parametrize("rows", [1, 50])
def test_the_trail_list_query_count_does_not_grow_with_rows(
    client_for, coordinator, gp, hub, rows, django_assert_max_num_queries
):
    AuditEvent.objects.bulk_create(
        AuditEvent(action="child.view", hub=hub, person=gp, child_id=i) for i in range(rows)
    )
    client = client_for(coordinator)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("admin:hubs_auditevent_changelist"))
    assert len(response.context["cl"].result_list) == rows


def test_searching_the_trail_for_a_child_finds_the_lists_and_exports_they_were_in(
    client_for, coordinator, gp, hub
):
    make_event(hub, action="child.view", person=gp, child_id=101)
    make_event(hub, action="population.segment.view", child_id=None, child_ids=[7, 101, 9])
    make_event(hub, action="population.segment.view", child_id=None, child_ids=[7, 9])
    client = client_for(coordinator)
    shown = client.get(reverse("admin:hubs_auditevent_changelist"), {"q": "101"})
    assert sorted(e.action for e in shown.context["cl"].result_list) == [
        "child.view",
        "population.segment.view",
    ]
    rows = read_csv(client.get(reverse("admin:hubs_auditevent_csv"), {"q": "101"}))
    assert sorted(r["children listed"] for r in rows) == ["", "7 101 9"]


def test_a_list_across_hubs_leaves_one_entry_in_each_hubs_trail(gp, hub, other_hub):
    request = RequestFactory().get("/clinics/waiting-list.csv?sort=waited")
    request.user = gp
    audit.record_list(
        request,
        action="clinic.waiting_list.export",
        shown=[(hub.pk, 1), (other_hub.pk, 2), (hub.pk, 3)],
    )
    entries = {e.hub_id: e for e in AuditEvent.objects.all()}
    assert entries[hub.pk].child_ids == [1, 3] and entries[hub.pk].child_count == 2
    assert entries[other_hub.pk].child_ids == [2]
    assert entries[hub.pk].path == "/clinics/waiting-list.csv?sort=waited"


def test_an_export_beyond_the_named_limit_keeps_the_count_and_the_query(gp, hub):
    request = RequestFactory().get("/population/hub/1/asthma-worklist.csv?q=smith")
    request.user = gp
    many = range(1, audit.MAX_CHILD_IDS + 6)
    event = audit.record(request, action="population.asthma_worklist_csv", hub=hub, children=many)
    event.refresh_from_db()
    assert event.child_count == audit.MAX_CHILD_IDS + 5
    assert len(event.child_ids) == audit.MAX_CHILD_IDS
    assert event.path.endswith("?q=smith")
