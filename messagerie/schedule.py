"""Celery beat entries for this app, to merge into settings.CELERY_BEAT_SCHEDULE."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "messagerie-send-stale-messages": {
        "task": "messagerie.tasks.send_stale_messages",
        "schedule": crontab(minute="*/10"),
    },
}
