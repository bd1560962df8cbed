"""Every form that changes something carries the CSRF token, and a POST without it is refused."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.advice.factories import AdviceRequestFactory
from tests.security.templates import ROOT, SKIP_PARTS, project_templates

FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
POST = re.compile(r"""method\s*=\s*["']?post""", re.I)


def post_forms_without_token(text):
    """The opening tag of each POST form in ``text`` whose body has no {% csrf_token %}."""
    missing = []
    for attrs, body in FORM.findall(text):
        if POST.search(attrs) and "{% csrf_token %}" not in body:
            missing.append(f"<form{attrs}>")
    return missing


def test_the_form_scan_finds_a_post_form_without_its_token():
    # The checker itself can fail: a form with the token passes, one without is caught.
    good = '<form method="post" action="/x">{% csrf_token %}<button>Go</button></form>'
    bad = '<form class="d-inline" method="POST"><button>Go</button></form>'
    search = '<form method="get"><input name="q"></form>'
    assert post_forms_without_token(good + search) == []
    assert post_forms_without_token(bad) == ['<form class="d-inline" method="POST">']


def test_every_post_form_in_every_template_carries_the_csrf_token():
    missing = {
        name: found
        for name, text in project_templates()
        if (found := post_forms_without_token(text))
    }
    assert not missing, f"POST forms without {{% csrf_token %}}: {missing}"


# The one view without CSRF protection: GOV.UK Notify's delivery receipt, a call from
# Notify's servers with no cookie and no session, authenticated by its bearer token instead
# (tests/families/test_messages.py proves it refuses a call without the token).
CSRF_EXEMPT = {"cc4c/views.py": ["notify_receipt"]}


def test_no_view_switches_csrf_protection_off():
    offenders = []
    for path in sorted(Path(ROOT).rglob("*.py")):
        rel = path.relative_to(ROOT)
        if SKIP_PARTS & set(rel.parts):
            continue
        text = path.read_text(encoding="utf-8")
        exempted = re.findall(r"@csrf_exempt\n(?:@.*\n)*def (\w+)", text)
        if "csrf_exempt" in text and exempted != CSRF_EXEMPT.get(str(rel)):
            offenders.append((str(rel), exempted))
    assert offenders == []


def test_the_csrf_middleware_is_on():
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


@pytest.mark.django_db
def test_a_post_without_the_token_is_refused_and_changes_nothing(paediatrician, hub):
    advice_request = AdviceRequestFactory(hub=hub)
    client = Client(enforce_csrf_checks=True)
    client.force_login(paediatrician)
    response = client.post(reverse("advice:claim", args=[advice_request.pk]))
    assert response.status_code == 403
    advice_request.refresh_from_db()
    assert advice_request.claimed_by is None


@pytest.mark.django_db
def test_the_same_post_with_the_token_from_the_page_goes_through(paediatrician, hub):
    advice_request = AdviceRequestFactory(hub=hub)
    client = Client(enforce_csrf_checks=True)
    client.force_login(paediatrician)
    page = client.get(reverse("advice:detail", args=[advice_request.pk]))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token, "the request page has no CSRF token in its forms"
    response = client.post(
        reverse("advice:claim", args=[advice_request.pk]),
        {"csrfmiddlewaretoken": token.group(1)},
    )
    assert response.status_code == 302
    advice_request.refresh_from_db()
    assert advice_request.claimed_by == paediatrician


@pytest.mark.django_db
def test_sign_in_without_the_token_is_refused(gp):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("account_login"), {"login": gp.email, "password": "anything-at-all"}
    )
    assert response.status_code == 403
