"""Every admin page of a hub's own rows, opened by that hub's coordinator: a list, a record, its
history or one of its versions that shows a child names that child in the audit trail."""

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote

from hubs.models import AuditEvent, Role
from tests.access import make_world
from tests.hubs.test_admin_scoping import BUILDERS, SCOPED, admin_url, label, row_urls
from tests.test_audit_matrix import children_named, children_shown, last_audit_id

# Rows whose pages show a child only in free text, tied to no child's record.
FREE_TEXT = {"feedback.FamilyResponse": "a family's own comment"}


@pytest.fixture
def world(db):
    return make_world()


def pages(model, obj):
    yield "list", admin_url(model, "changelist")
    yield from row_urls(model, obj).items()


@pytest.mark.parametrize("model", SCOPED, ids=label)
def test_an_admin_page_that_shows_a_child_names_the_child_in_the_audit_trail(model, world, client):
    obj = BUILDERS[model](world)
    coordinator = world.people_b[Role.COORDINATOR]
    client.force_login(coordinator)
    failures = []
    for view, url in pages(model, obj):
        before = last_audit_id()
        response = client.get(url)
        if response.status_code != 200:
            continue
        shown = children_shown(response.content.decode())
        if label(model) in FREE_TEXT:
            continue
        named = children_named(coordinator, before)
        if shown - named:
            failures.append(f"{view}: shows children {sorted(shown)}, trail names {sorted(named)}")
    assert not failures, f"{label(model)}:\n" + "\n".join(failures)


def test_the_admin_pages_of_a_child_each_leave_an_entry_naming_them(world, client):
    coordinator = world.people_b[Role.COORDINATOR]
    client.force_login(coordinator)
    child = world.child_b
    child.given_name = "Renamed"
    child.save()  # a second version in the child's history
    urls = row_urls(type(child), child)
    assert set(urls) >= {"change", "history", "history version"}
    for view, url in urls.items():
        if view == "delete":
            continue
        before = last_audit_id()
        assert client.get(url).status_code == 200, view
        entry = AuditEvent.objects.get(pk__gt=before)
        assert (entry.child_id, entry.hub_id, entry.person) == (
            child.pk,
            world.hub_b.pk,
            coordinator,
        )
        assert entry.object_id == str(child.pk)


def test_an_admin_list_of_children_names_every_child_on_the_page(world, client):
    coordinator = world.people_b[Role.COORDINATOR]
    client.force_login(coordinator)
    before = last_audit_id()
    response = client.get(admin_url(type(world.child_b), "changelist"))
    assert response.status_code == 200
    entry = AuditEvent.objects.get(pk__gt=before)
    assert entry.child_ids == [world.child_b.pk] and entry.child_count == 1
    assert entry.hub_id == world.hub_b.pk


def test_every_admin_of_a_model_about_a_child_says_which_child():
    from population.models import Child

    def about_a_child(model):
        return model is Child or any(
            f.is_relation and f.concrete and f.related_model is Child for f in model._meta.fields
        )

    missing = [
        label(m) for m in SCOPED if about_a_child(m) and admin.site._registry[m].child_field is None
    ]
    assert not missing, f"Set child_field on the admins of: {missing}"


def test_another_hubs_coordinator_leaves_no_look_in_the_trail(world, client):
    client.force_login(world.people_a[Role.COORDINATOR])
    child = world.child_b
    assert client.get(admin_url(type(child), "change", quote(child.pk))).status_code == 404
    assert not AuditEvent.objects.naming(child.pk).exists()
