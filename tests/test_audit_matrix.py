"""Every page of the access matrix, opened by each role of the hub whose records it shows: a
page that shows a child names that child in the audit trail, and no page or download with
patient data may be kept by a browser or a proxy (docs/access.md, "Audit every look").

The matrix (tests/test_access_matrix.py) proves that outsiders get nothing; this proves that
what insiders get is recorded.
"""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from hubs.models import AuditEvent
from population.models import Child
from tests.access import make_world
from tests.test_access_matrix import PATIENT_CASES

PAGES = [c for c in PATIENT_CASES if c.method == "get"]
# Pages whose children appear only in someone's free text, tied to no child's record: the look
# is recorded, with no child to name.
FREE_TEXT = {"feedback:comments": "families' comments waiting for moderation"}


@pytest.fixture
def world(db):
    return make_world()


def children_shown(body):
    """Ids of the children whose NHS number or family name the body shows."""
    shown = set()
    for child in Child.objects.only("pk", "nhs_number", "family_name"):
        numbers = (child.nhs_number, child.formatted_nhs_number)
        if any(n in body for n in numbers) or re.search(rf"\b{child.family_name}\b", body):
            shown.add(child.pk)
    return shown


def children_named(person, after_id):
    named = set()
    for child_id, child_ids in AuditEvent.objects.filter(
        person=person, pk__gt=after_id
    ).values_list("child_id", "child_ids"):
        named.update(child_ids)
        if child_id is not None:
            named.add(child_id)
    return named


def body_of(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def last_audit_id():
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def open_as_each_role(case, world):
    """(role, response, body, children named in the trail by that one request)."""
    kwargs = case.build(world)
    url = reverse(case.name, kwargs=kwargs)
    data = case.data(world) if case.data else {}
    for role, person in world.people_b.items():
        cache.clear()
        client = Client()
        client.force_login(person)
        before = last_audit_id()
        response = client.get(url, data)
        yield role, response, body_of(response), children_named(person, before)


@pytest.mark.parametrize("case", PAGES, ids=lambda c: c.name)
def test_a_page_that_shows_a_child_names_the_child_in_the_audit_trail(case, world):
    failures = []
    checked = 0
    for role, response, body, named in open_as_each_role(case, world):
        if response.status_code != 200:
            continue
        shown = children_shown(body)
        checked += bool(shown)
        if case.name in FREE_TEXT:
            if not AuditEvent.objects.filter(person=world.people_b[role]).exists():
                failures.append(f"{role}: shows {FREE_TEXT[case.name]} and left no entry")
        elif shown - named:
            failures.append(f"{role}: shows children {sorted(shown)}, trail names {sorted(named)}")
    assert not failures, f"GET {case.name}\n" + "\n".join(failures)


@pytest.mark.parametrize("case", PAGES, ids=lambda c: c.name)
def test_a_page_with_patient_data_tells_browsers_and_proxies_not_to_keep_it(case, world):
    failures = []
    for role, response, _body, _named in open_as_each_role(case, world):
        directives = {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",")}
        if not {"private", "no-store"} <= directives:
            failures.append(f"{role}: {response.status_code}, Cache-Control {directives or '-'}")
    assert not failures, f"GET {case.name}\n" + "\n".join(failures)
