"""Celery beat entries for this app, merged into settings.CELERY_BEAT_SCHEDULE."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "structures-purge-stale-imports": {
        "task": "structures.tasks.purge_stale_imports",
        "schedule": crontab(hour=3, minute=45),
    },
}
