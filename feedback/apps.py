from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Feedback"

    def ready(self):
        from feedback import waiting as feedback_waiting
        from hubs import waiting_registry

        waiting_registry.register(feedback_waiting.waiting_for)
