from django.apps import AppConfig


class HubsConfig(AppConfig):
    name = "hubs"
    verbose_name = "Hubs, practices and people"

    def ready(self):
        from hubs import checks  # noqa: F401 (registers the deployment checks)
