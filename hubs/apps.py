from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class HubsConfig(AppConfig):
    default = True
    name = "hubs"
    verbose_name = "Hubs, practices and people"

    def ready(self):
        from hubs import checks  # noqa: F401 (registers the deployment checks)


class HubAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the site whose every page is scoped to the coordinator's hubs."""

    default = False  # named in INSTALLED_APPS in place of django.contrib.admin
    default_site = "hubs.admin_site.HubAdminSite"
