"""Signing in with NHS CIS2 Authentication, against a real OpenID Connect provider on loopback
(tests/cis2_provider.py): who it lets in, what it refuses, the second factor, signing out."""

import datetime
import logging
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import time_machine
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from hubs.models import AuditEvent, Person, Role
from tests.cis2_provider import CLIENT_ID, FAULTS
from tests.factories import member
from tests.hubs.test_signin import current_code, sign_in

pytestmark = pytest.mark.django_db

GP_ROLE = {
    "person_orgid": "555254239107",
    "person_roleid": "555254240100",
    "org_code": "Y12345",
    "role_name": '"Clinical":"Clinical Provision":"General Medical Practitioner"',
    "role_code": "S8000:G8000:R8000",
}
GP_ORG = {"org_code": "Y12345", "org_name": "Riverside Surgery"}


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def identity_for(provider, person, **kwargs):
    kwargs.setdefault("roles", [GP_ROLE])
    kwargs.setdefault("orgs", [GP_ORG])
    return provider.add_identity(
        username=kwargs.pop("username", person.email.split("@")[0]),
        passcode="card-pin-2468",
        email=kwargs.pop("email", person.email),
        given_name=person.first_name,
        family_name=person.last_name,
        **kwargs,
    )


def cis2_sign_in(client, provider, identity, authenticator="smartcard"):
    """Press "Sign in with NHS CIS2", sign in on the provider's page, come back to the service."""
    response = client.post(reverse("cis2_login"))
    assert response.status_code == 302
    assert response.url.startswith(f"{provider.issuer}/authorize?")
    browser = requests.Session()
    page = browser.get(response.url, timeout=10)
    assert page.status_code == 200 and "Care Identity Service" in page.text
    answer = browser.post(
        response.url,
        data={
            "username": identity.username,
            "passcode": identity.passcode,
            "authenticator": authenticator,
        },
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text
    callback = answer.headers["Location"]
    assert callback.startswith("http://testserver/accounts/cis2/login/callback/?")
    return client.get(callback.removeprefix("http://testserver"))


def signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_an_invited_gp_signs_in_with_cis2_and_reaches_their_hubs_children(
    client, cis2, hub, practice, child
):
    gp = member(Role.GP, hub, practice=practice, mfa=False)
    identity = identity_for(cis2, gp)

    response = cis2_sign_in(client, cis2, identity)

    assert response.status_code == 302 and response.url == "/"
    assert signed_in_as(client) == str(gp.pk)
    page = client.get(reverse("population:child", args=[child.pk]))
    assert page.status_code == 200
    assert child.family_name in page.content.decode()
    # Linked by the invitation's email on this first sign-in, to the CIS2 UUID from now on.
    account = SocialAccount.objects.get(provider="cis2")
    assert (account.user, account.uid) == (gp, identity.sub)


def test_the_flow_uses_pkce_a_nonce_and_a_private_key_jwt_token_request(
    client, cis2, hub, cis2_client_key
):
    gp = member(Role.GP, hub, mfa=False)
    identity = identity_for(cis2, gp)
    response = client.post(reverse("cis2_login"))
    query = parse_qs(urlsplit(response.url).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["nonce"][0] and query["state"][0]
    assert query["acr_values"] == ["AAL2_OR_AAL3_ANY"]
    assert set(query["scope"][0].split()) >= {
        "openid",
        "profile",
        "email",
        "nationalrbacaccess",
        "associatedorgs",
    }

    cis2_sign_in(client, cis2, identity)

    (assertion,) = cis2.assertions
    assert assertion["iss"] == assertion["sub"] == CLIENT_ID
    assert assertion["aud"] == f"{cis2.issuer}/token"
    assert assertion["header"]["alg"] == "RS512"
    assert assertion["header"]["kid"] == cis2_client_key.kid
    assert assertion["exp"] - assertion["iat"] <= 300


def test_later_sign_ins_find_the_person_by_their_cis2_uuid(client, cis2, hub):
    gp = member(Role.GP, hub, mfa=False)
    identity = identity_for(cis2, gp)
    cis2_sign_in(client, cis2, identity)
    client.post(reverse("account_logout"))

    identity.email = "a.new.address@nhs.net"
    response = cis2_sign_in(client, cis2, identity)

    assert response.status_code == 302
    assert signed_in_as(client) == str(gp.pk)
    assert SocialAccount.objects.count() == 1


def nothing_created(counts):
    return counts == (
        Person.objects.count(),
        SocialAccount.objects.count(),
        EmailAddress.objects.count(),
    )


def test_an_identity_no_hub_invited_is_told_whom_to_ask_and_nothing_is_created(client, cis2, hub):
    member(Role.GP, hub)
    before = (Person.objects.count(), SocialAccount.objects.count(), EmailAddress.objects.count())
    stranger = cis2.add_identity(
        username="stranger",
        passcode="pin",
        email="stranger@nhs.net",
        given_name="Sam",
        family_name="Stranger",
    )

    response = cis2_sign_in(client, cis2, stranger)

    assert response.status_code == 403
    body = response.content.decode()
    assert "You have not been invited to a hub yet" in body
    assert "coordinator of the hub you work with" in body
    assert "stranger@nhs.net" in body
    assert nothing_created(before)
    assert signed_in_as(client) is None
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("why", ["memberships ended", "email not verified", "account switched off"])
def test_no_link_is_made_without_a_current_invitation_and_a_verified_email(client, cis2, hub, why):
    gp = member(Role.GP, hub, mfa=False)
    kwargs = {}
    if why == "memberships ended":
        gp.memberships.update(end_date=timezone.localdate() - datetime.timedelta(days=1))
    elif why == "email not verified":
        kwargs["email_verified"] = False
    else:
        Person.objects.filter(pk=gp.pk).update(is_active=False)
    before = (Person.objects.count(), SocialAccount.objects.count(), EmailAddress.objects.count())

    response = cis2_sign_in(client, cis2, identity_for(cis2, gp, **kwargs))

    assert response.status_code == 403
    assert nothing_created(before)
    assert signed_in_as(client) is None


# What each spoiled ID token is refused for, as the log says.
REFUSALS = {
    "tampered": "BadSignature",
    "forged": "BadSignature",
    "expired": "exp",
    "wrong_audience": "aud",
    "wrong_issuer": "iss",
    "replayed_nonce": "nonce",
}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_spoiled_id_token_is_refused_and_no_one_is_signed_in(client, cis2, hub, fault, caplog):
    gp = member(Role.GP, hub, mfa=False)
    identity = identity_for(cis2, gp)
    if fault == "replayed_nonce":
        # An earlier sign-in's ID token, genuine and in date, offered again.
        cis2_sign_in(client, cis2, identity)
        client.post(reverse("account_logout"))
    linked = SocialAccount.objects.count()
    cis2.fault = fault

    with caplog.at_level(logging.WARNING, logger="hubs.adapters"):
        response = cis2_sign_in(client, cis2, identity)

    assert response.status_code == 401
    assert "Sign-in with NHS CIS2 did not complete" in response.content.decode()
    assert signed_in_as(client) is None
    assert client.get(reverse("home")).status_code == 302
    assert SocialAccount.objects.count() == linked
    assert re.search(REFUSALS[fault], caplog.text), caplog.text


def test_an_aal2_sign_in_still_asks_for_the_authenticator_code(client, cis2, hub, practice, child):
    gp = member(Role.GP, hub, practice=practice)  # has an authenticator
    identity = identity_for(cis2, gp)

    response = cis2_sign_in(client, cis2, identity, authenticator="authenticator_app")

    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    child_page = client.get(reverse("population:child", args=[child.pk]))
    assert child_page.status_code == 302 and "/accounts/login/" in child_page.url
    response = client.post(reverse("mfa_authenticate"), {"code": current_code()})
    assert response.status_code == 302
    assert client.get(reverse("population:child", args=[child.pk])).status_code == 200
    assert AuditEvent.objects.filter(person=gp, action="sign_in.cis2.aal2+totp").exists()


def test_an_aal2_sign_in_without_an_authenticator_must_set_one_up_before_child_pages(
    client, cis2, hub, practice, child
):
    gp = member(Role.GP, hub, practice=practice, mfa=False)
    cis2_sign_in(client, cis2, identity_for(cis2, gp), authenticator="authenticator_app")

    assert signed_in_as(client) == str(gp.pk)
    response = client.get(reverse("population:child", args=[child.pk]))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")


def test_an_aal3_sign_in_is_the_second_factor(client, cis2, hub, practice, child):
    gp = member(Role.GP, hub, practice=practice)  # has an authenticator: not asked for it
    response = cis2_sign_in(client, cis2, identity_for(cis2, gp), authenticator="smartcard")

    assert response.status_code == 302 and response.url == "/"
    assert client.get(reverse("population:child", args=[child.pk])).status_code == 200
    assert AuditEvent.objects.filter(person=gp, hub=hub, action="sign_in.cis2.aal3").exists()


def test_a_setting_can_take_aal2_as_the_second_factor(client, cis2, hub, practice, child, settings):
    settings.CIS2_SECOND_FACTOR_AAL = 2
    gp = member(Role.GP, hub, practice=practice, mfa=False)
    cis2_sign_in(client, cis2, identity_for(cis2, gp), authenticator="authenticator_app")
    assert client.get(reverse("population:child", args=[child.pk])).status_code == 200


def test_the_audit_trail_says_which_way_each_person_signed_in(client, cis2, hub, other_hub):
    gp = member(Role.GP, hub)
    sign_in(client, gp.email)
    client.post(reverse("mfa_authenticate"), {"code": current_code()})
    client.post(reverse("account_logout"))
    champion = member(Role.CHAMPION, hub, mfa=False)
    sign_in(client, champion.email)
    client.post(reverse("account_logout"))
    paediatrician = member(Role.PAEDIATRICIAN, hub, mfa=False)
    member_of_both = paediatrician.memberships.get()
    member_of_both.pk = None
    member_of_both.hub = other_hub
    member_of_both.save()
    cis2_sign_in(client, cis2, identity_for(cis2, paediatrician))

    trail = set(AuditEvent.objects.values_list("person__email", "hub__code", "action"))
    assert (gp.email, "HUB-A", "sign_in.password+totp") in trail
    assert (champion.email, "HUB-A", "sign_in.password") in trail
    # One entry in each of the person's hubs, for each hub's coordinator to see.
    assert (paediatrician.email, "HUB-A", "sign_in.cis2.aal3") in trail
    assert (paediatrician.email, "HUB-B", "sign_in.cis2.aal3") in trail


def test_sign_out_ends_the_local_session_and_the_cis2_session(client, cis2, hub):
    gp = member(Role.GP, hub, mfa=False)
    cis2_sign_in(client, cis2, identity_for(cis2, gp))
    id_token = client.session["cc4c_sign_in"]["id_token"]

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert response.url.startswith(f"{cis2.issuer}/end_session?")
    assert signed_in_as(client) is None
    assert client.get(reverse("home")).status_code == 302
    back = requests.get(response.url, allow_redirects=False, timeout=10)
    assert (
        back.status_code == 302 and back.headers["Location"] == "http://testserver/accounts/login/"
    )
    assert cis2.ended_sessions == [(id_token, "http://testserver/accounts/login/")]


def test_sign_out_stays_local_when_cis2_offers_no_end_session(client, cis2, hub):
    gp = member(Role.GP, hub, mfa=False)
    cis2_sign_in(client, cis2, identity_for(cis2, gp))
    cis2.offers_end_session = False

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302 and response.url == "/"
    assert signed_in_as(client) is None


def test_a_cis2_session_ends_after_thirty_idle_minutes_too(client, cis2, hub):
    gp = member(Role.GP, hub, mfa=False)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        cis2_sign_in(client, cis2, identity_for(cis2, gp))
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_a_hub_can_require_cis2_for_clinical_staff(client, cis2, hub, practice, child):
    hub.cis2_required_for_clinical = True
    hub.save()
    gp = member(Role.GP, hub, practice=practice)
    coordinator = member(Role.COORDINATOR, hub, mfa=False)

    sign_in(client, gp.email)
    client.post(reverse("mfa_authenticate"), {"code": current_code()})
    home = client.get(reverse("home")).content.decode()
    assert "asks clinical staff to sign in with NHS CIS2 to see its children" in home
    assert "Your hub&#x27;s children" not in home and "Your hub's children" not in home
    assert client.get(reverse("population:child", args=[child.pk])).status_code == 404
    client.post(reverse("account_logout"))

    cis2_sign_in(client, cis2, identity_for(cis2, gp))
    assert client.get(reverse("population:child", args=[child.pk])).status_code == 200
    client.post(reverse("account_logout"))

    # Coordinators are not clinical staff: email, password and authenticator still serve them.
    client.force_login(coordinator)
    assert client.get(reverse("population:child", args=[child.pk])).status_code in (200, 302)


def test_cis2_roles_are_information_for_the_coordinator_not_access(
    client, cis2, hub, practice, child, coordinator
):
    champion = member(Role.CHAMPION, hub, mfa=False)
    cis2_sign_in(client, cis2, identity_for(cis2, champion))  # CIS2 says: a GP
    assert client.get(reverse("population:child", args=[child.pk])).status_code == 404
    client.post(reverse("account_logout"))

    client.force_login(coordinator)
    page = client.get(reverse("admin:hubs_person_change", args=[champion.pk])).content.decode()
    assert "Clinical – Clinical Provision – General Medical Practitioner" in page
    assert "Riverside Surgery (Y12345)" in page
    assert "For information only" in page


def test_the_sign_in_page_offers_cis2_only_when_it_is_configured(client, settings):
    settings.CIS2_ISSUER = ""
    assert "Sign in with NHS CIS2" not in client.get(reverse("account_login")).content.decode()
    assert client.post(reverse("cis2_login")).status_code == 404


def test_the_sign_in_page_offers_cis2_and_lets_its_form_lead_there(client, cis2):
    response = client.get(reverse("account_login"))
    assert "Sign in with NHS CIS2" in response.content.decode()
    form_action = re.search(r"form-action ([^;]+)", response["Content-Security-Policy"])
    assert cis2.issuer in form_action.group(1).split()


def test_the_service_publishes_its_public_key_only(client, cis2, cis2_client_key):
    (key,) = client.get(reverse("cis2_jwks")).json()["keys"]
    assert key["kid"] == cis2_client_key.kid and key["n"] == cis2_client_key.as_dict()["n"]
    assert "d" not in key and "p" not in key
