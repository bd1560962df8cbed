import datetime

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from hubs.models import Role
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, PersonFactory, member
from tests.outbox import sent_mail

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def current_code():
    return format_hotp_value(hotp_value(TEST_TOTP_SECRET, int(timezone.now().timestamp()) // 30))


def sign_in(client, email, password=TEST_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_sign_in_asks_for_the_authenticator_code_then_lets_the_gp_in(client, hub):
    gp = member(Role.GP, hub)
    response = sign_in(client, gp.email)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": current_code()})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_a_gp_without_a_second_factor_must_set_one_up_before_any_page(client, hub):
    gp = member(Role.GP, hub, mfa=False)
    response = sign_in(client, gp.email)
    assert response.status_code == 302
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    # The set-up page itself is reachable.
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_a_champion_needs_no_second_factor(client, hub):
    champion = member(Role.CHAMPION, hub, mfa=False)
    sign_in(client, champion.email)
    assert client.get(reverse("home")).status_code == 200


def test_repeated_failures_lock_the_account_for_a_while(client, hub):
    gp = member(Role.GP, hub)
    for _ in range(5):
        response = sign_in(client, gp.email, "wrong-password-123")
        assert response.status_code == 200
    response = sign_in(client, gp.email)
    assert response.status_code == 429 or b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        response = sign_in(client, gp.email)
        assert response.status_code == 302


def test_session_ends_after_thirty_idle_minutes(client, hub):
    champion = member(Role.CHAMPION, hub, mfa=False)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        sign_in(client, champion.email)
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.get(reverse("home")).status_code == 200
    # Activity at 29 minutes keeps it alive; 31 idle minutes after that end it.
    with time_machine.travel(start + datetime.timedelta(minutes=60), tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_session_cookie_ends_with_the_browser(client, hub, settings):
    champion = member(Role.CHAMPION, hub, mfa=False)
    response = sign_in(client, champion.email)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""


def test_no_one_can_sign_themselves_up(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": "Xy7!long-password",
            "password2": "Xy7!long-password",
        },
    )
    assert response.status_code in (200, 302, 403)
    assert not PersonFactory._meta.model.objects.filter(email="new@example.com").exists()


def test_common_passwords_are_refused(hub):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    person = member(Role.GP, hub)
    with pytest.raises(ValidationError):
        validate_password("password1234", person)


def test_sign_out_ends_the_session(client, hub):
    champion = member(Role.CHAMPION, hub, mfa=False)
    sign_in(client, champion.email)
    client.post(reverse("account_logout"))
    assert client.get(reverse("home")).status_code == 302


def test_pages_need_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_sign_in_page_says_coordinators_make_accounts_not_sign_up(client):
    body = client.get(reverse("account_login")).content.decode()
    assert "sign up" not in body.lower()
    assert "Accounts are made by your hub coordinator" in body
    assert '<label for="id_login">' in body and '<label for="id_password">' in body


def _reset_page(client, email):
    response = client.post(reverse("account_reset_password"), {"email": email})
    done = client.get(response["Location"]) if response.status_code == 302 else response
    return response.status_code, response.get("Location"), done.content.decode()


def test_the_password_reset_link_points_at_site_url_whatever_host_the_request_named(
    client, hub, settings
):
    settings.SITE_URL = "https://hubs.example.nhs.uk"
    settings.ALLOWED_HOSTS = ["hubs.example.nhs.uk", "other.example"]
    gp = member(Role.GP, hub)
    client.post(reverse("account_reset_password"), {"email": gp.email}, HTTP_HOST="other.example")
    (message,) = sent_mail()
    assert "https://hubs.example.nhs.uk/accounts/password/reset/key/" in message.body
    assert "other.example" not in message.body


def test_a_password_reset_for_an_unknown_address_sends_nothing_and_looks_the_same(client, hub):
    gp = member(Role.GP, hub)
    known = _reset_page(client, gp.email)
    cache.clear()
    unknown = _reset_page(client, "nobody-here@example.nhs.uk")
    assert known[:2] == unknown[:2] == (302, reverse("account_reset_password_done"))
    assert known[2] == unknown[2]
    emails = sent_mail()
    assert [m.to for m in emails] == [[gp.email]]
    assert "/accounts/password/reset/key/" in emails[0].body
