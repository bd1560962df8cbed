from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class HubsConfig(AppConfig):
    default = True
    name = "hubs"
    verbose_name = "Hubs, practices and people"

    def ready(self):
        # The deployment checks, and what moves access stamps when access changes.
        from hubs import checks, signals  # noqa: F401


class HubAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the site whose every page is scoped to the coordinator's hubs."""

    default = False  # named in INSTALLED_APPS in place of django.contrib.admin
    default_site = "hubs.admin_site.HubAdminSite"
