from django.apps import AppConfig


class ChampionsConfig(AppConfig):
    name = "champions"
    verbose_name = "Practice champions"

    def ready(self):
        from champions import waiting as champions_waiting
        from hubs import waiting_registry

        waiting_registry.register(champions_waiting.waiting_for)
