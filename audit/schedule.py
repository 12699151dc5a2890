"""Celery beat entries for this app, merged into settings.CELERY_BEAT_SCHEDULE."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # RGPD retention, on the first day of each month at night.
    "audit-apply-retention": {
        "task": "audit.tasks.apply_retention_task",
        "schedule": crontab(day_of_month=1, hour=2, minute=0),
    },
}
