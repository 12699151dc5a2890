"""Celery beat entries for this app, to merge into settings.CELERY_BEAT_SCHEDULE."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "espace-send-followup-questionnaires": {
        "task": "espace.tasks.send_followup_questionnaires",
        "schedule": crontab(hour=8, minute=0),
    },
}
