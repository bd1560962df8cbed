from django.apps import AppConfig


class PopulationConfig(AppConfig):
    name = "population"
    verbose_name = "Population"

    def ready(self):
        from hubs import waiting_registry
        from population import waiting as population_waiting

        waiting_registry.register(population_waiting.waiting_for)
