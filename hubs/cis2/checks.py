from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from hubs.cis2 import config


@checks.register(checks.Tags.security)
def cis2_private_key(app_configs, **kwargs):
    """A configured CIS2 client whose private key cannot be read is reported before it is used."""
    if not config.is_configured():
        return []
    try:
        config.private_key()
    except (ImproperlyConfigured, OSError) as exc:
        return [checks.Error(str(exc), id="cis2.E001")]
    return []
