from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "evaluation"
    label = "evaluation"
    verbose_name = "Evaluation reports"

    def ready(self):
        from champions import closing
        from evaluation import panels, queries
        from evaluation import waiting as evaluation_waiting
        from hubs import waiting_registry
        from population import panels_registry

        panels_registry.register(panels.child_panel)
        closing.register(queries.months_reported)
        waiting_registry.register(evaluation_waiting.waiting_for)
