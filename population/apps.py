from django.apps import AppConfig


class PopulationConfig(AppConfig):
    name = "population"
    verbose_name = "Population"

    def ready(self):
        from hubs import waiting_registry
        from population import panels as population_panels
        from population import panels_registry
        from population import waiting as population_waiting

        waiting_registry.register(population_waiting.waiting_for)
        # The programmes a child is on and their hospital events come first on the record.
        panels_registry.register(population_panels.child_panel)
