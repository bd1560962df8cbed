"""CIS2's sign-in views: allauth's OAuth2 login and callback with CIS2's adapter and client."""

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Client, OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.urls import reverse
from requests import RequestException

from hubs.cis2 import config, tokens


class CIS2Client(OAuth2Client):
    """Token requests signed with the client's private key (private_key_jwt), not a secret."""

    def get_access_token(self, code, pkce_code_verifier=None, extra_data=None):
        return tokens.fetch_token(
            token_endpoint=self.access_token_url,
            client_id=self.consumer_key,
            redirect_uri=self.callback_url,
            code=code,
            code_verifier=pkce_code_verifier,
        )


class CIS2Adapter(OpenIDConnectOAuth2Adapter):
    client_class = CIS2Client

    def __init__(self, request):
        super().__init__(request, config.PROVIDER_ID)
        # The sign-in's stashed state (its PKCE verifier and nonce), set by the callback view.
        self.state = None

    def get_callback_url(self, request, app):
        return build_absolute_uri(request, reverse("cis2_callback"), self.redirect_uri_protocol)

    def complete_login(self, request, app, token, **kwargs):
        response = kwargs["response"]
        id_token = response.get("id_token")
        if not id_token:
            raise OAuth2Error("CIS2 returned no ID token.")
        state = self.state or {}
        claims = tokens.verify_id_token(
            id_token,
            openid_config=self.openid_config,
            client_id=app.client_id,
            nonce=state.get("nonce"),
            access_token=token.token,
        )
        userinfo = self._fetch_user_info(token.token)
        if userinfo.get("sub") != claims["sub"]:
            raise OAuth2Error("CIS2 user info is about someone other than the ID token.")
        # The state dict becomes the social login's state: what the session keeps of this
        # sign-in (hubs/signin.py) travels with it through the authenticator step, if any.
        state["cis2"] = {
            "aal": tokens.assurance_level(claims),
            "acr": claims.get("acr", ""),
            "id_token": id_token,
        }
        return self.get_provider().sociallogin_from_response(
            request, {"id_token": claims, "userinfo": userinfo}
        )


class CIS2CallbackView(OAuth2CallbackView):
    def _get_state(self, request, provider):
        # allauth checks the state and hands its PKCE verifier to the token request; the nonce
        # kept beside it is needed by complete_login, so the adapter is given the same state.
        state, response = super()._get_state(request, provider)
        self.adapter.state = state
        return state, response


def end_session_endpoint(request):
    """CIS2's sign-out address from its discovery document, or None if it offers none."""
    try:
        return CIS2Adapter(request).openid_config.get("end_session_endpoint")
    except (RequestException, ValueError, SocialApp.DoesNotExist):
        # Signing out here must not wait on CIS2: the local session still ends.
        return None


def _adapter_view(view_class):
    @login_not_required
    def view(request):
        if not config.is_configured():
            raise Http404("CIS2 sign-in is not configured.")
        try:
            return view_class.adapter_view(CIS2Adapter(request))(request)
        except SocialApp.DoesNotExist:
            raise Http404("CIS2 sign-in is not configured.") from None

    return view


login = _adapter_view(OAuth2LoginView)
callback = _adapter_view(CIS2CallbackView)


@login_not_required
def jwks(request):
    """The client's public key, for CIS2 to check the client's signed token requests."""
    if not config.is_configured():
        raise Http404("CIS2 sign-in is not configured.")
    return JsonResponse(config.public_jwks())
