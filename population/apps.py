from django.apps import AppConfig


class PopulationConfig(AppConfig):
    name = "population"
    verbose_name = "Population"
