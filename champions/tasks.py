from celery import shared_task

from champions import services


@shared_task
def sweep_expiry_alerts():
    """Daily: alert coordinators about champion checks and training near or past expiry."""
    return services.sweep_expiry_alerts()
