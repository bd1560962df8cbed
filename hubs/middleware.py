from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect

from hubs.access import requires_mfa

# Pages a person can reach before they have set up a second factor.
OPEN_PREFIXES = ("/accounts/", "/healthz", "/static/")


class RequireMFAMiddleware:
    """Anyone whose roles reach child data must set up a second factor before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and requires_mfa(user)
            and not Authenticator.objects.filter(
                user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
            ).exists()
        ):
            messages.info(
                request,
                "Set up two-factor authentication before you continue: "
                "this service holds children's records.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
