from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    name = "clinics"
    verbose_name = "Outreach clinics"

    def ready(self):
        from clinics import panels
        from clinics import waiting as clinics_waiting
        from hubs import waiting_registry
        from population import panels_registry

        panels_registry.register(panels.child_panel)
        panels_registry.register_list_columns(panels.child_list_columns)
        waiting_registry.register(clinics_waiting.waiting_for)
