"""The admin matrix: every model admin of the project, tried by a coordinator of another hub.

Each app declares, in ``tests/<app>/access_cases.py``, ``ADMIN = {Model: builder}`` where
``builder(world)`` makes one row of hub B. For every registered model admin, a coordinator of
hub A must not see that row in the list, must get 404 for its pages, and must not be offered it
in any choice or autocomplete; a staff user with no coordinator role gets no admin at all.
"""

from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.urls import NoReverseMatch, reverse
from simple_history.admin import SimpleHistoryAdmin

from hubs.admin_scoping import HubScopedAdmin, ScopedRawIdWidget, SuperuserOnlyAdmin
from hubs.models import Membership, Practice, Role
from tests.access import child_identifiers, declared_admin_builders, make_world
from tests.factories import PersonFactory, member

REGISTRY = dict(admin.site._registry)
BUILDERS = declared_admin_builders()
SCOPED = sorted(
    (m for m, a in REGISTRY.items() if isinstance(a, HubScopedAdmin) and not a.global_data),
    key=lambda m: m._meta.label,
)
GLOBAL = sorted(
    (m for m, a in REGISTRY.items() if isinstance(a, HubScopedAdmin) and a.global_data),
    key=lambda m: m._meta.label,
)
SUPERUSER_ONLY = sorted(
    (m for m, a in REGISTRY.items() if isinstance(a, SuperuserOnlyAdmin)),
    key=lambda m: m._meta.label,
)
PROJECT_ROOT = Path(settings.BASE_DIR).resolve()


def label(model):
    return model._meta.label


def is_project_model(model):
    path = Path(model._meta.app_config.path).resolve()
    return path.is_relative_to(PROJECT_ROOT) and ".venv" not in path.parts


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def world(db):
    return make_world()


def test_every_model_admin_is_hub_scoped_or_superuser_only():
    unscoped = [
        label(m)
        for m, a in REGISTRY.items()
        if not isinstance(a, HubScopedAdmin | SuperuserOnlyAdmin)
    ]
    assert not unscoped, f"Derive these admins from hubs.admin_scoping.HubScopedAdmin: {unscoped}"
    ours = [label(m) for m in SUPERUSER_ONLY if is_project_model(m)]
    assert not ours, f"The project's own admins must be hub-scoped, not superuser-only: {ours}"


def test_every_scoped_model_admin_has_a_hub_b_builder():
    missing = [label(m) for m in SCOPED if m not in BUILDERS]
    assert not missing, (
        "Declare ADMIN = {Model: lambda world: <a row of world.hub_b>} in "
        f"tests/<app>/access_cases.py for: {missing}"
    )


@pytest.mark.parametrize("model", GLOBAL, ids=label)
def test_data_shared_by_all_hubs_points_at_no_hub_or_patient(model):
    hub_models = {m for m in SCOPED} | {m for m in REGISTRY if m._meta.label == "hubs.Hub"}
    related = [
        f.name
        for f in model._meta.get_fields()
        if f.is_relation and f.concrete and f.related_model in hub_models
    ]
    assert not related, f"{label(model)} is global_data but relates to hub rows: {related}"


def row_urls(model, obj):
    pk = quote(obj.pk)
    urls = {
        "change": admin_url(model, "change", pk),
        "delete": admin_url(model, "delete", pk),
        "history": admin_url(model, "history", pk),
    }
    if isinstance(REGISTRY[model], SimpleHistoryAdmin):
        history = getattr(model, model._meta.simple_history_manager_attribute)
        version = history.filter(**{model._meta.pk.attname: obj.pk}).first()
        if version is not None:
            urls["history version"] = admin_url(model, "simple_history", pk, version.history_id)
    return urls


@pytest.mark.parametrize("model", SCOPED, ids=label)
def test_a_coordinator_of_another_hub_cannot_reach_a_row(model, world, client):
    if model not in BUILDERS:
        pytest.fail(f"No ADMIN builder for {label(model)} in any tests/<app>/access_cases.py")
    obj = BUILDERS[model](world)
    change_link = admin_url(model, "change", quote(obj.pk))
    hidden = child_identifiers(world.child_b)

    # The builder's row is hub B's: its own coordinator finds it, or the test proves nothing.
    client.force_login(world.people_b[Role.COORDINATOR])
    response = client.get(admin_url(model, "changelist"))
    if response.status_code == 200:
        assert change_link in response.content.decode(), f"hub B cannot see its {obj!r}"
        assert client.get(change_link).status_code == 200

    client.force_login(world.people_a[Role.COORDINATOR])
    failures = []
    response = client.get(admin_url(model, "changelist"))
    body = response.content.decode()
    if response.status_code not in (200, 403):
        failures.append(f"list: {response.status_code}")
    if change_link in body:
        failures.append("list links to hub B's row")
    failures += [f"list shows {i}" for i in hidden if i in body]
    for view, url in row_urls(model, obj).items():
        response = client.get(url)
        if response.status_code != 404:
            failures.append(f"{view}: {response.status_code}, expected 404")
    response = client.post(admin_url(model, "delete", quote(obj.pk)), {"post": "yes"})
    if response.status_code != 404:
        failures.append(f"delete (POST): {response.status_code}, expected 404")
    client.post(
        admin_url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
    )
    assert model._default_manager.filter(pk=obj.pk).exists()
    assert not failures, f"{label(model)}:\n" + "\n".join(failures)


@pytest.mark.parametrize("model", SCOPED + GLOBAL, ids=label)
def test_staff_without_a_coordinator_role_reach_nothing(model, world, client):
    obj = BUILDERS[model](world) if model in BUILDERS else None
    staff_gp = member(Role.GP, world.hub_b, is_staff=True)
    client.force_login(staff_gp)
    assert client.get(admin_url(model, "changelist")).status_code == 403
    assert client.get(admin_url(model, "add")).status_code == 403
    if obj is not None:
        assert client.get(admin_url(model, "change", quote(obj.pk))).status_code in (403, 404)


def test_staff_without_a_coordinator_role_see_an_empty_admin(world, client):
    staff = PersonFactory(is_staff=True)
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert response.context["app_list"] == []


def test_a_gp_cannot_open_the_admin_site(world, client):
    client.force_login(world.people_b[Role.GP])
    response = client.get(reverse("admin:hubs_practice_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_a_coordinator_sees_their_hubs_admin(world, client):
    client.force_login(world.people_a[Role.COORDINATOR])
    response = client.get(reverse("admin:index"))
    models = {m["object_name"] for app in response.context["app_list"] for m in app["models"]}
    assert {"Hub", "Practice", "Person", "Membership", "AuditEvent"} <= models


@pytest.mark.parametrize("model", SUPERUSER_ONLY, ids=label)
def test_other_apps_admins_are_for_the_superuser_only(model, world, client):
    client.force_login(world.people_a[Role.COORDINATOR])
    assert client.get(admin_url(model, "changelist")).status_code == 403
    try:
        add = admin_url(model, "add")
    except NoReverseMatch:
        return
    assert client.get(add).status_code == 403


def choice_fields(response):
    """Every model choice field of the add form and its inlines."""
    found = {}
    adminform = response.context.get("adminform")
    if adminform is not None:
        found.update({f"form.{n}": f for n, f in adminform.form.fields.items()})
    for inline in response.context.get("inline_admin_formsets") or []:
        form = inline.formset.empty_form
        # The hidden row id is checked against the parent's own rows when posted.
        pk_name = inline.formset.model._meta.pk.name
        found.update(
            {f"{inline.formset.prefix}.{n}": f for n, f in form.fields.items() if n != pk_name}
        )
    return {n: f for n, f in found.items() if isinstance(f, forms.ModelChoiceField)}


def test_add_forms_offer_no_other_hubs_rows(world, client):
    built = {}
    for model, builder in BUILDERS.items():
        built.setdefault(model, []).append(builder(world))
    client.force_login(world.people_a[Role.COORDINATOR])
    failures, checked = [], 0
    for model in SCOPED:
        response = client.get(admin_url(model, "add"))
        if response.status_code != 200:
            continue
        for name, field in choice_fields(response).items():
            offered = set(field.queryset.values_list("pk", flat=True))
            for obj in built.get(field.queryset.model, []):
                checked += 1
                if obj.pk in offered:
                    failures.append(f"{label(model)} add form, {name}: offers {obj!r}")
    assert checked, "no add form had a choice of a built row: the test proves nothing"
    assert not failures, "\n".join(failures)


def autocomplete_cases():
    """(source model, field name, target model) for every relation to a searchable admin."""
    for source in SCOPED:
        for field in source._meta.get_fields():
            if not (
                field.is_relation and field.concrete and (field.many_to_one or field.many_to_many)
            ):
                continue
            target_admin = REGISTRY.get(field.related_model)
            if target_admin is not None and target_admin.search_fields:
                yield source, field.name, field.related_model


def test_autocomplete_never_offers_another_hubs_rows(world, client):
    built = {model: builder(world) for model, builder in BUILDERS.items()}
    failures, checked = [], 0
    for source, field_name, target in autocomplete_cases():
        if target not in built:
            continue
        params = {
            "app_label": source._meta.app_label,
            "model_name": source._meta.model_name,
            "field_name": field_name,
            "term": "",
        }
        client.force_login(world.people_a[Role.COORDINATOR])
        response = client.get(reverse("admin:autocomplete"), params)
        if response.status_code == 200:
            checked += 1
            ids = {r["id"] for r in response.json()["results"]}
            if str(built[target].pk) in ids:
                failures.append(f"{label(source)}.{field_name} offers {built[target]!r}")
        elif response.status_code != 403:
            failures.append(f"{label(source)}.{field_name}: {response.status_code}")
    assert checked, "no autocomplete answered: the test proves nothing"
    assert not failures, "\n".join(failures)


def test_autocomplete_offers_the_coordinators_own_people(world, client):
    client.force_login(world.people_b[Role.COORDINATOR])
    params = {"app_label": "hubs", "model_name": "membership", "field_name": "person", "term": ""}
    response = client.get(reverse("admin:autocomplete"), params)
    ids = {r["id"] for r in response.json()["results"]}
    assert str(world.people_b[Role.GP].pk) in ids
    assert str(world.people_a[Role.GP].pk) not in ids


def test_list_filters_offer_only_the_coordinators_hubs(world, client):
    client.force_login(world.people_a[Role.COORDINATOR])
    response = client.get(reverse("admin:hubs_practice_changelist"))
    body = response.content.decode()
    assert world.hub_a.name in body
    assert world.hub_b.name not in body
    response = client.get(reverse("admin:hubs_membership_changelist"))
    assert world.practice_b.name not in response.content.decode()


def test_an_id_typed_into_a_raw_id_field_shows_no_other_hubs_label(world):
    rel = Membership._meta.get_field("practice").remote_field
    widget = ScopedRawIdWidget(rel, admin.site, Practice.objects.filter(hub=world.hub_a))
    assert widget.label_and_url_for_value(world.practice_b.pk) == ("", "")
    label_html, _url = widget.label_and_url_for_value(world.practice_a.pk)
    assert world.practice_a.name in label_html


def test_the_admin_sign_in_goes_through_the_second_factor(world, client):
    from tests.factories import TEST_PASSWORD

    coordinator = world.people_a[Role.COORDINATOR]
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.post(reverse("admin:login"), {"username": coordinator.email, "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session


ON_SITE = [m for m in SCOPED if hasattr(m, "get_absolute_url")]


@pytest.mark.parametrize("model", ON_SITE, ids=label)
def test_view_on_site_answers_another_hubs_row_as_a_row_that_does_not_exist(model, world, client):
    from django.contrib.contenttypes.models import ContentType

    obj = BUILDERS[model](world)
    content_type = ContentType.objects.get_for_model(model)

    def on_site(pk):
        return reverse("admin:view_on_site", args=[content_type.pk, pk])

    client.force_login(world.people_b[Role.COORDINATOR])
    response = client.get(on_site(obj.pk))
    assert response.status_code == 302 and response["Location"].endswith(obj.get_absolute_url())

    client.force_login(world.people_a[Role.COORDINATOR])
    theirs, absent = client.get(on_site(obj.pk)), client.get(on_site(obj.pk + 10_000))
    assert theirs.status_code == absent.status_code == 404
    assert "Location" not in theirs
    assert client.get(on_site("not-a-number")).status_code == 404


def test_some_admin_row_has_a_page_on_the_site():
    assert ON_SITE, "no model admin has view on site: the test above proves nothing"
