from django.apps import AppConfig


class MdtConfig(AppConfig):
    name = "mdt"
    verbose_name = "MDT meetings"

    def ready(self):
        from hubs import waiting_registry
        from mdt import panels
        from mdt import waiting as mdt_waiting
        from population import panels_registry

        panels_registry.register(panels.child_panel)
        panels_registry.register_list_columns(panels.child_list_columns)
        waiting_registry.register(mdt_waiting.waiting_for)
