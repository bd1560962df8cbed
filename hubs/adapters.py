import logging
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from allauth.utils import build_absolute_uri
from django.conf import settings
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from cc4c import outbox
from hubs import signin
from hubs.cis2 import config as cis2
from hubs.cis2 import linking
from hubs.cis2.views import end_session_endpoint

log = logging.getLogger(__name__)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # No self sign-up: hub coordinators invite people.
        return False

    def send_mail(self, template_prefix, email, context):
        # Through the outbox like every other email; a reset link is wiped once it has gone.
        message = self.render_mail(template_prefix, email, context)
        with transaction.atomic():
            outbox.enqueue(
                kind=f"account:{template_prefix.rsplit('/', 1)[-1]}",
                subject=message.subject,
                body=message.body,
                to=message.to,
                from_email=message.from_email,
                secret=True,
            )

    def get_reset_password_from_key_url(self, key):
        # The link in the email points at SITE_URL, never at whatever Host the request named.
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return settings.SITE_URL + path.replace("UID-KEY", quote(key))

    def is_reauthentication_required(self, *, app, **kwargs):
        # Setting up the first second factor, straight after signing in with a password, is the
        # step the service demands; asking for the password again there only gets in the way.
        user = getattr(self.request, "user", None)
        if (
            app == "allauth.mfa"
            and user is not None
            and user.is_authenticated
            and not Authenticator.objects.filter(user=user).exists()
        ):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def get_login_stages(self):
        # The authenticator step knows that a CIS2 sign-in at AAL3 is a second factor already.
        return [
            "hubs.signin.AuthenticateStage"
            if stage == "allauth.mfa.stages.AuthenticateStage"
            else stage
            for stage in super().get_login_stages()
        ]

    def post_login(self, request, user, **kwargs):
        signin.record(request, user, (kwargs.get("signal_kwargs") or {}).get("sociallogin"))
        return super().post_login(request, user, **kwargs)

    def get_logout_redirect_url(self, request):
        """After a CIS2 sign-in, sign-out ends the CIS2 session too, where CIS2 offers it."""
        local = super().get_logout_redirect_url(request)
        way = signin.way_of(request)
        if way.get("method") != signin.BY_CIS2 or not cis2.is_configured():
            return local
        end_session = end_session_endpoint(request)
        if not end_session:
            return local
        params = {
            "id_token_hint": way.get("id_token", ""),
            "post_logout_redirect_uri": build_absolute_uri(request, reverse("account_login")),
            "client_id": settings.CIS2_CLIENT_ID,
        }
        return f"{end_session}?{urlencode(params)}"


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Sign-in with NHS CIS2: only for people a hub has invited; nobody is signed up by it."""

    def is_open_for_signup(self, request, sociallogin):
        return False

    def list_apps(self, request, provider=None, client_id=None):
        # The one CIS2 client comes from the environment (README, Configuration).
        if not cis2.is_configured() or provider not in (None, cis2.PROVIDER_ID):
            return []
        if client_id not in (None, settings.CIS2_CLIENT_ID):
            return []
        return [
            SocialApp(
                provider=cis2.PROVIDER_ID,
                provider_id=cis2.PROVIDER_ID,
                name=cis2.PROVIDER_NAME,
                client_id=settings.CIS2_CLIENT_ID,
                settings={},
            )
        ]

    def pre_social_login(self, request, sociallogin):
        """Link a first CIS2 sign-in to the invited person with its verified email, or refuse."""
        if sociallogin.is_existing:
            return
        person, reason = linking.invited_person(sociallogin)
        if person is None:
            log.info("CIS2 sign-in refused: %s", reason)
            raise ImmediateHttpResponse(
                render(
                    request,
                    "cis2/not_invited.html",
                    {"reason": reason, "email": linking.email_of(sociallogin)},
                    status=403,
                )
            )
        sociallogin.connect(request, person)

    def on_authentication_error(self, request, provider, error=None, exception=None, **kwargs):
        log.warning("CIS2 sign-in failed: %s %r", error, exception)
        return super().on_authentication_error(
            request, provider, error=error, exception=exception, **kwargs
        )
