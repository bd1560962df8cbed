import secrets

from allauth.socialaccount.providers.oauth2.utils import generate_code_challenge
from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider,
    OpenIDConnectProviderAccount,
)
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from hubs.cis2.config import PROVIDER_ID, PROVIDER_NAME
from hubs.cis2.views import CIS2Adapter


class CIS2Account(OpenIDConnectProviderAccount):
    def to_str(self):
        data = self.account.extra_data.get("userinfo") or {}
        return data.get("name") or self.account.uid


class CIS2Provider(OpenIDConnectProvider):
    """NHS CIS2 Authentication: allauth's OpenID Connect provider with CIS2's requirements."""

    id = PROVIDER_ID
    name = PROVIDER_NAME
    account_class = CIS2Account
    oauth2_adapter_class = CIS2Adapter
    # Sign-in goes through the browser only; no API signs in with a bare CIS2 token.
    supports_token_authentication = False

    @property
    def server_url(self):
        return self.wk_server_url(settings.CIS2_ISSUER)

    def get_login_url(self, request, **kwargs):
        url = reverse("cis2_login")
        return f"{url}?{urlencode(kwargs)}" if kwargs else url

    def get_callback_url(self):
        return reverse("cis2_callback")

    def get_default_scope(self):
        return list(settings.CIS2_SCOPES)

    def get_pkce_params(self):
        # Always PKCE (S256), whatever the app's settings say.
        return generate_code_challenge()

    def get_oauth2_adapter(self, request):
        return CIS2Adapter(request)

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        # A fresh nonce per sign-in, sent to CIS2 and kept with the state, so that an ID token
        # minted for another sign-in (a replay) is refused at the callback.
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        auth_params["nonce"] = nonce
        if settings.CIS2_ACR_VALUES:
            auth_params["acr_values"] = settings.CIS2_ACR_VALUES
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )

    def extract_uid(self, data):
        # CIS2's subject is the person's CIS UUID, the same in the ID token and user info.
        return str(data["id_token"]["sub"])

    def extract_email_addresses(self, data):
        # Nobody gets a new address from a sign-in: the invitation's address is their login.
        return []


provider_classes = [CIS2Provider]
