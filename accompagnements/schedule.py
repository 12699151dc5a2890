"""Celery beat entries for this app, to merge into settings.CELERY_BEAT_SCHEDULE."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "accompagnements-send-reminders": {
        "task": "accompagnements.tasks.send_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
    "accompagnements-send-weekly-digests": {
        "task": "accompagnements.tasks.send_weekly_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
    },
}
