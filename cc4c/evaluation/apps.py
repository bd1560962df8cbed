from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "cc4c.evaluation"
    label = "evaluation"
    verbose_name = "Evaluation reports"
