from evaluation.models import EvaluationReport


def reports_for(user):
    return (
        EvaluationReport.objects.visible_to(user)
        .select_related("requested_by")
        .prefetch_related("hubs")
        .order_by("-requested_at", "-id")
    )
