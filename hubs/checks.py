"""Deployment checks of the hubs app (``manage.py check --deploy --database default``, run by
scripts/production.sh before a production start)."""

import os

from django.core import checks
from django.db import DatabaseError

from hubs.demo import DEMO_DOMAIN


@checks.register(checks.Tags.security, deploy=True)
def no_demo_accounts(app_configs=None, databases=None, **kwargs):
    """The demo accounts share one published password and authenticator secret: a real service
    must not have them, unless it is a demonstration (CC4C_DEMO=1)."""
    if not databases or os.environ.get("CC4C_DEMO") == "1":
        return []
    from hubs.models import Person

    try:
        count = Person.objects.filter(email__iendswith=f"@{DEMO_DOMAIN}").count()
    except DatabaseError:
        return []  # not migrated yet: no accounts at all
    if not count:
        return []
    return [
        checks.Error(
            f"The database holds {count} demo account(s) (…@{DEMO_DOMAIN}), whose password and "
            "authenticator secret are published.",
            hint="Use a database without demo data for a real service (or set CC4C_DEMO=1 for "
            "a demonstration).",
            id="hubs.E001",
        )
    ]
