from django.apps import AppConfig


class Cis2Config(AppConfig):
    name = "hubs.cis2"
    label = "cis2"
    verbose_name = "NHS CIS2 sign-in"

    def ready(self):
        from hubs.cis2 import checks  # noqa: F401  (registers the configuration check)
