from django.apps import AppConfig


class MdtConfig(AppConfig):
    name = "mdt"
    verbose_name = "MDT meetings"

    def ready(self):
        from mdt import panels
        from population import panels_registry

        panels_registry.register(panels.child_panel)
        panels_registry.register_list_columns(panels.child_list_columns)
