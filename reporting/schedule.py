"""Celery beat entries for this app, to merge into settings.CELERY_BEAT_SCHEDULE."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    # The national activity report of the past year, every 15 January.
    "reporting-national-report": {
        "task": "reporting.tasks.schedule_national_report",
        "schedule": crontab(month_of_year=1, day_of_month=15, hour=5, minute=0),
    },
    # Figures of the past year frozen once the campaign's cut-off day has ended.
    "reporting-freeze-due-years": {
        "task": "reporting.tasks.freeze_due_years",
        "schedule": crontab(hour=2, minute=30),
    },
    # Jobs whose worker vanished go back to the queue (or fail after the last attempt).
    "reporting-reap-stale-jobs": {
        "task": "reporting.tasks.reap_stale_jobs",
        "schedule": crontab(minute="*/5"),
    },
    # Summary cells a lost mark left stale, and the new year's cells (reporting.summaries).
    "reporting-refresh-summaries": {
        "task": "reporting.tasks.refresh_summaries",
        "schedule": crontab(minute="*/10"),
    },
    "reporting-purge-expired-files": {
        "task": "reporting.tasks.purge_expired_files",
        "schedule": crontab(hour=3, minute=15),
    },
}
