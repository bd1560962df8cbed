from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "evaluation"
    label = "evaluation"
    verbose_name = "Evaluation reports"

    def ready(self):
        from evaluation import panels
        from population import panels_registry

        panels_registry.register(panels.child_panel)
