from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts
from django.conf import settings

from hubs.cis2 import config


class CSPMiddleware(BaseCSPMiddleware):
    """The site's Content Security Policy, letting forms lead on to CIS2 when it is configured.

    Signing in with CIS2 posts a form that redirects to CIS2's sign-in page, and signing out
    redirects to CIS2's sign-out page: browsers apply ``form-action`` to those redirects too.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or not config.is_configured():
            return parts
        issuer = urlsplit(settings.CIS2_ISSUER)
        update = dict(parts.update or {})
        update["form-action"] = [
            *update.get("form-action", []),
            f"{issuer.scheme}://{issuer.netloc}",
        ]
        return PolicyParts(parts.config, update, parts.replace, parts.nonce)
