from django.apps import AppConfig


class AdviceConfig(AppConfig):
    name = "advice"
    verbose_name = "Advice line"

    def ready(self):
        from advice import panels
        from advice import waiting as advice_waiting
        from hubs import waiting_registry
        from population import panels_registry

        panels_registry.register(panels.child_panel)
        panels_registry.register_list_columns(panels.child_list_columns)
        waiting_registry.register(advice_waiting.waiting_for)
