"""SITE_URL: every link sent out (emails, QR codes, letters, feedback links) points at the
address the site is served on. Under `make run` it follows HOST and PORT; in production it is
required, and must be the https:// address."""

import ast
import json
from pathlib import Path

import pytest
from django.conf import settings

from tests.cc4c.test_settings import start_settings
from tests.faults.servers import database_url_for_tests

ROOT = Path(settings.BASE_DIR)

# Links as the mail, the QR codes and the letters carry them, each built by the code that
# builds them for real.
LINKS_PROBE = """
import json, os, django
os.environ['DJANGO_SETTINGS_MODULE'] = 'cc4c.settings'
django.setup()
from django.conf import settings
from django.db import transaction
from hubs.models import Person
from hubs.services import invitation_link
from feedback.links import family_url
from feedback.models import FamilyInvitation
from clinics.notify import link as clinic_link
from mdt.emails import _link as mdt_link
with transaction.atomic():
    person = Person.objects.create(email='new.gp@example.nhs.uk')
    links = [
        invitation_link(person),
        family_url(FamilyInvitation(nonce='0' * 32)),
        clinic_link('clinics:session_list'),
        mdt_link('/mdt/'),
    ]
    transaction.set_rollback(True)
print(json.dumps({
    'site_url': settings.SITE_URL,
    'allowed_hosts': settings.ALLOWED_HOSTS,
    'csrf_origins': settings.CSRF_TRUSTED_ORIGINS,
    'links': links,
}))
"""


def links(**env):
    # The probe reads the schema of the test database (no rows are needed).
    result = start_settings(LINKS_PROBE, DATABASE_URL=database_url_for_tests(), **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
def test_under_make_run_links_follow_the_host_and_port_it_serves_on():
    found = links(DEBUG="1", HOST="127.0.0.1", PORT="8123")
    assert found["site_url"] == "http://127.0.0.1:8123"
    assert found["csrf_origins"] == ["http://127.0.0.1:8123"]
    assert found["links"] and all(
        link.startswith("http://127.0.0.1:8123/") for link in found["links"]
    )


@pytest.mark.django_db
def test_under_make_run_on_every_address_links_name_the_machine():
    found = links(DEBUG="1", HOST="0.0.0.0", PORT="8124")  # noqa: S104
    host = found["site_url"].removeprefix("http://").removesuffix(":8124")
    assert host and host != "0.0.0.0"  # noqa: S104
    assert host in found["allowed_hosts"]


@pytest.mark.django_db
def test_a_given_site_url_wins_over_host_and_port():
    found = links(DEBUG="1", HOST="127.0.0.1", PORT="8125", SITE_URL="https://hub.example/")
    assert found["site_url"] == "https://hub.example"
    assert all(link.startswith("https://hub.example/") for link in found["links"])


@pytest.mark.django_db
def test_production_links_point_at_site_url_and_its_host_is_allowed():
    found = links(
        DEBUG="0", SECRET_KEY="prod-" + "s1Te" * 16, SITE_URL="https://hubs.example.nhs.uk"
    )
    assert all(link.startswith("https://hubs.example.nhs.uk/") for link in found["links"])
    assert found["allowed_hosts"] == ["hubs.example.nhs.uk"]


def test_production_refuses_to_start_without_site_url():
    result = start_settings(DEBUG="0", SECRET_KEY="prod-" + "s1Te" * 16)
    assert result.returncode != 0
    assert "SITE_URL is not set" in result.stderr


def test_production_refuses_a_site_url_that_is_not_https():
    result = start_settings(
        DEBUG="0",
        SECRET_KEY="prod-" + "s1Te" * 16,
        SITE_URL="http://hubs.example.nhs.uk",
    )
    assert result.returncode != 0
    assert "must be the https:// address" in result.stderr


def _python_files():
    skip = {".venv", "var", "tests", "node_modules", "migrations"}
    for path in ROOT.rglob("*.py"):
        if not skip.intersection(path.relative_to(ROOT).parts):
            yield path


def test_no_link_is_built_from_the_request_that_happens_to_be_served():
    # A link built from the request (its Host header) would point wherever that request came
    # from; every absolute link is SITE_URL + a path.
    found = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Attribute) and node.attr == "build_absolute_uri":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.attr}")
            if isinstance(node, ast.Name) and node.id == "build_absolute_uri":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.id}")
    # CIS2's redirect addresses are built as allauth builds them, from the request: the
    # provider checks each against the addresses registered for the service, and in production
    # ALLOWED_HOSTS admits SITE_URL's host alone.
    allowed = {"hubs/adapters.py", "hubs/cis2/views.py"}
    assert [f for f in found if f.split(":")[0] not in allowed] == []
