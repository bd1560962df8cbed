from django.contrib import messages
from django.shortcuts import redirect

from hubs import signin
from hubs.access import requires_mfa

# Pages a person can reach before they have set up a second factor.
OPEN_PREFIXES = ("/accounts/", "/healthz", "/static/")


class RequireMFAMiddleware:
    """Anyone whose roles reach child data must have met the second-factor rule first.

    A password sign-in meets it with the authenticator code allauth asked for (so the person
    must have set one up); a CIS2 sign-in at the assurance level of ``CIS2_SECOND_FACTOR_AAL``
    meets it by itself (hubs/signin.py).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            # Before anything reads the person's roles: how they signed in can withhold some.
            signin.note(request, user)
        if (
            user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and requires_mfa(user)
            and not signin.second_factor_done(request)
        ):
            messages.info(
                request,
                "Set up two-factor authentication before you continue: "
                "this service holds children's records.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
