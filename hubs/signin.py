"""How each person signed in, kept for their session and written to the audit trail.

Two ways in: email and password (with the authenticator code for roles that see child data),
or NHS CIS2 Authentication. A CIS2 sign-in at ``CIS2_SECOND_FACTOR_AAL`` or above (a smartcard
is AAL3) is itself the second factor; below it the authenticator code is still asked for.
"""

from allauth.account.authentication import get_authentication_records
from allauth.mfa import stages as mfa_stages
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.utils import timezone

from hubs import access, audit
from hubs.cis2.config import PROVIDER_ID
from hubs.models import Membership

SESSION_KEY = "cc4c_sign_in"
# The person's roles and second factor as last read, with the stamp they were read under.
ACCESS_KEY = "cc4c_access"
_KEPT_ATTR = "_cc4c_access_kept"
BY_EMAIL = "password"
BY_CIS2 = "cis2"
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def _cis2_state(sociallogin):
    if sociallogin is None:
        return None
    if isinstance(sociallogin, dict):  # a login stashed between steps
        state = sociallogin.get("state") or {}
        provider = (sociallogin.get("account") or {}).get("fields", {}).get("provider")
    else:
        state, provider = sociallogin.state or {}, sociallogin.account.provider
    return state.get("cis2") if provider == PROVIDER_ID else None


def cis2_is_second_factor(aal):
    return aal >= settings.CIS2_SECOND_FACTOR_AAL


class AuthenticateStage(mfa_stages.AuthenticateStage):
    """allauth's authenticator step, skipped for a CIS2 sign-in strong enough to stand for it."""

    def handle(self):
        cis2 = _cis2_state((self.login.signal_kwargs or {}).get("sociallogin"))
        if cis2 and cis2_is_second_factor(cis2["aal"]):
            return None, True
        return super().handle()


def record(request, user, sociallogin=None):
    """Keep the way this sign-in was made in the session, and write it to the audit trail."""
    cis2 = _cis2_state(sociallogin)
    mfa = [r.get("type") for r in get_authentication_records(request, user) if r["method"] == "mfa"]
    second = mfa[-1] if mfa else ""
    if cis2:
        way = {"method": BY_CIS2, "aal": cis2["aal"], "second_factor": second}
        way["id_token"] = cis2["id_token"]
        if cis2_is_second_factor(cis2["aal"]):
            way["second_factor"] = f"cis2 aal{cis2['aal']}"
        action = f"sign_in.cis2.aal{cis2['aal']}"
    else:
        way = {"method": BY_EMAIL, "aal": None, "second_factor": second}
        action = "sign_in.password"
    if second:
        action += f"+{second}"
    request.session[SESSION_KEY] = way
    note(request, user)
    # One entry in each hub the person works in, so each hub's coordinator sees it.
    hub_ids = sorted(
        set(Membership.objects.active().filter(person=user).values_list("hub_id", flat=True))
    ) or [None]
    for hub_id in hub_ids:
        audit.record(request, action=action, hub=hub_id)
    return way


def way_of(request):
    return request.session.get(SESSION_KEY) or {}


def _access_stamp(user, method):
    """What the access a session kept was read under: the person's access stamp (moved by any
    change to their memberships, hubs or authenticators, hubs.signals), the day (memberships
    start and end on dates) and the way they signed in (which can withhold roles)."""
    return [user.pk, user.access_stamp, timezone.localdate().isoformat(), method, user.is_superuser]


def note(request, user):
    """Tell the access rules how this session signed in (hubs.access reads it), and give them
    the roles the session kept, unless the person's access has changed since they were read:
    then they are read again (one query) and kept in their place."""
    method = way_of(request).get("method") or "unknown"
    access.note_sign_in(user, method)
    stamp = _access_stamp(user, method)
    kept = request.session.get(ACCESS_KEY)
    if not kept or kept.get("stamp") != stamp:
        kept = {"stamp": stamp, "roles": access.kept_roles(user)}
        request.session[ACCESS_KEY] = kept
    elif kept.get("roles") is not None:
        access.restore_roles(user, kept["roles"])
    setattr(request, _KEPT_ATTR, kept)


def second_factor_done(request):
    """Has this session's sign-in met the second-factor rule of roles that see child data?"""
    way = way_of(request)
    if way.get("method") == BY_CIS2 and cis2_is_second_factor(way.get("aal") or 0):
        return True
    # Otherwise allauth asked for the authenticator code at sign-in, if the person has one:
    # read once and kept with the session's roles, read again when the stamp moves.
    kept = getattr(request, _KEPT_ATTR, None)
    if kept is not None and "second_factor" in kept:
        return kept["second_factor"]
    done = Authenticator.objects.filter(user=request.user, type__in=SECOND_FACTORS).exists()
    if kept is not None:
        kept["second_factor"] = done
        request.session.modified = True
    return done
