"""Celery beat entries for this app, merged into settings.CELERY_BEAT_SCHEDULE."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "structures-purge-stale-imports": {
        "task": "structures.tasks.purge_stale_imports",
        "schedule": crontab(hour=3, minute=45),
    },
    # Mondays before dawn: establishments closed since at the register of companies.
    "structures-recheck-register": {
        "task": "structures.tasks.recheck_register",
        "schedule": crontab(day_of_week="mon", hour=4, minute=30),
    },
}
