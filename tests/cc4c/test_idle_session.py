"""The session's idle clock: moved on by requests, written at most once a SESSION_REFRESH_SECONDS
(cc4c.middleware.IdleSessionMiddleware), and never longer than SESSION_IDLE_MINUTES idle."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from hubs.models import Role
from tests.factories import TEST_PASSWORD, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def signed_in(client, hub, at):
    champion = member(Role.CHAMPION, hub, mfa=False)
    with time_machine.travel(at, tick=False):
        client.post(reverse("account_login"), {"login": champion.email, "password": TEST_PASSWORD})
        assert client.get(reverse("home")).status_code == 200
    return Session.objects.get(session_key=client.session.session_key).expire_date


def session_end(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_page_soon_after_the_last_write_leaves_the_session_unwritten(client, hub):
    start = timezone.now()
    end = signed_in(client, hub, start)
    soon = start + datetime.timedelta(seconds=settings.SESSION_REFRESH_SECONDS - 1)
    with time_machine.travel(soon, tick=False):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert session_end(client) == end


def test_a_page_after_the_refresh_interval_moves_the_end_on(client, hub):
    start = timezone.now()
    end = signed_in(client, hub, start)
    later = start + datetime.timedelta(seconds=settings.SESSION_REFRESH_SECONDS)
    with time_machine.travel(later, tick=False):
        assert client.get(reverse("home")).status_code == 200
    assert session_end(client) == end + datetime.timedelta(seconds=settings.SESSION_REFRESH_SECONDS)


def test_a_session_never_outlives_the_idle_minutes_after_its_last_write(client, hub):
    start = timezone.now()
    signed_in(client, hub, start)
    idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    # A request half a minute later is not written: the end stays counted from the sign-in.
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + idle - datetime.timedelta(seconds=1), tick=False):
        assert client.get(reverse("home")).status_code == 200
    # That last request was written, so the session lives on from it, and ends idle after it.
    with time_machine.travel(start + 2 * idle, tick=False):
        response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_request_without_a_session_makes_none(client):
    response = client.get(reverse("ping"))
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not Session.objects.exists()
