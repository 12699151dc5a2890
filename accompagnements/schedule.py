"""Celery beat entries for this app, to merge into settings.CELERY_BEAT_SCHEDULE."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "accompagnements-send-reminders": {
        "task": "accompagnements.tasks.send_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
    # Reminders by email, as each person chose (docs/email.md).
    "accompagnements-email-immediate-reminders": {
        "task": "accompagnements.reminder_emails.email_immediate_reminders",
        "schedule": crontab(minute="*/10"),
    },
    "accompagnements-email-daily-reminders": {
        "task": "accompagnements.reminder_emails.email_daily_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
}
