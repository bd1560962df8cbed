from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Learning library and CPD"

    def ready(self):
        # The MDT's case screen drafts learning points here (mdt/lessons.py says how).
        from learning import services
        from mdt import lessons

        lessons.register(problem=services.identifier_problem, draft=services.draft_from_case)
