"""Security headers on every page: CSP with no inline code, framing refused, referrer kept in,
and in production HTTPS only (HSTS, secure cookies). check --deploy itself is in
tests/cc4c/test_settings.py::test_check_deploy_is_clean_with_production_settings."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from tests.security.templates import pdf_only_templates, project_templates

INLINE = [
    ("inline <script>", re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)", re.I)),
    ("inline <style>", re.compile(r"<style\b", re.I)),
    ("style= attribute", re.compile(r"""\sstyle\s*=\s*["']""", re.I)),
    ("on...= handler", re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)),
    ("javascript: URL", re.compile(r"javascript:", re.I)),
]


def directives(response):
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def _for_browsers(name):
    return not any(name.endswith("templates/" + pdf) for pdf in pdf_only_templates())


def test_pdf_templates_are_recognised_as_never_sent_to_a_browser():
    assert not _for_browsers("evaluation/templates/evaluation/report_pdf.html")
    assert _for_browsers("advice/templates/advice/detail.html")


def test_no_template_has_inline_script_style_or_handlers_the_policy_would_block():
    found = [
        f"{name}: {label}"
        for name, text in project_templates()
        if _for_browsers(name)
        for label, pattern in INLINE
        if pattern.search(text)
    ]
    assert found == []


def test_the_inline_code_scan_catches_each_kind():
    for sample in (
        "<script>alert(1)</script>",
        "<style>p{}</style>",
        '<div style="color:red">',
        '<button onclick="go()">',
        '<a href="javascript:go()">',
    ):
        assert any(p.search(sample) for _, p in INLINE), sample
    assert not any(p.search('<script src="/static/x.js"></script>') for _, p in INLINE)


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_says_scripts_and_styles_come_from_this_site_only(client, gp, signed_in):
    if signed_in:
        client.force_login(gp)
    response = client.get(reverse("home") if signed_in else reverse("account_login"))
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_session_cookie_is_out_of_reach_of_scripts(client, gp):
    client.force_login(gp)
    # Sessions are saved on every request (the idle time-out), so each page sets the cookie.
    cookie = client.get(reverse("home")).cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


PRODUCTION_PROBE = """
import json, os, django
os.environ['DJANGO_SETTINGS_MODULE'] = 'cc4c.settings'
django.setup()
from django.conf import settings as s
from django.core.management import call_command
from django.test import Client
# Production serves hashed static files: collect them, as a deployment does.
call_command('collectstatic', interactive=False, verbosity=0)
print(json.dumps({
    'hsts': s.SECURE_HSTS_SECONDS, 'subdomains': s.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    'ssl_redirect': s.SECURE_SSL_REDIRECT, 'session_secure': s.SESSION_COOKIE_SECURE,
    'csrf_secure': s.CSRF_COOKIE_SECURE, 'debug': s.DEBUG,
}))
response = Client().get('/accounts/login/', secure=True, HTTP_HOST='hubs.example.nhs.uk')
print(json.dumps({'status': response.status_code,
                  'hsts': response.headers.get('Strict-Transport-Security', ''),
                  'csp': response.headers.get('Content-Security-Policy', '')}))
plain = Client().get('/accounts/login/', HTTP_HOST='hubs.example.nhs.uk')
print(json.dumps({'status': plain.status_code, 'location': plain.headers.get('Location', '')}))
"""


def test_production_settings_send_https_only_headers_and_cookies():
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(
        DEBUG="0",
        SECRET_KEY="prod-" + "k3Wv" * 16,
        ALLOWED_HOSTS="hubs.example.nhs.uk",
        SITE_URL="https://hubs.example.nhs.uk",
    )
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    values, secure, plain = (json.loads(line) for line in result.stdout.strip().splitlines())
    assert values == {
        "hsts": 31536000,
        "subdomains": True,
        "ssl_redirect": True,
        "session_secure": True,
        "csrf_secure": True,
        "debug": False,
    }
    assert secure["status"] == 200
    assert secure["hsts"].startswith("max-age=31536000; includeSubDomains")
    assert "script-src 'self'" in secure["csp"]
    # Plain HTTP is sent to the HTTPS address before any page is drawn.
    assert plain["status"] == 301
    assert plain["location"] == "https://hubs.example.nhs.uk/accounts/login/"


def _cache_directives(response):
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


@pytest.mark.django_db
def test_admin_pages_the_sign_in_page_and_errors_are_kept_by_no_browser_or_proxy(
    client_for, coordinator, child
):
    client = client_for(coordinator)
    responses = {
        "admin child": client.get(reverse("admin:population_child_change", args=[child.pk])),
        "admin list": client.get(reverse("admin:population_child_changelist")),
        "not found": client.get("/population/child/999999999/"),
    }
    client.logout()
    responses["sign-in"] = client.get(reverse("account_login"))
    for name, response in responses.items():
        assert {"private", "no-store"} <= _cache_directives(response), name
        assert "public" not in _cache_directives(response), name


def test_a_view_asking_for_public_caching_is_overruled():
    from django.http import HttpResponse
    from django.test import RequestFactory

    from cc4c.middleware import NoStoreMiddleware

    def view(request):
        response = HttpResponse("x")
        response["Cache-Control"] = "public, max-age=3600"
        return response

    response = NoStoreMiddleware(view)(RequestFactory().get("/"))
    assert _cache_directives(response) == {"private", "no-store"}
