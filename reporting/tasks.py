"""Celery tasks of the reporting app. ``render_report`` runs on the "reports" queue."""

import logging

from celery import shared_task
from django.utils import timezone

from . import services
from .indicators import Scope
from .models import ReportJob

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def render_report(self, job_id: int):
    """Render one report job (PDF or export file). Safe to deliver more than once."""
    task_id = self.request.id or f"local-{job_id}"
    try:
        return services.run(job_id, task_id)
    except services.JobLost:
        logger.info("report job %s was taken over or finished elsewhere", job_id)
        return False
    except Exception as exc:
        attempts = ReportJob.objects.filter(pk=job_id).values_list("attempts", flat=True).first()
        final = (attempts or 0) >= services.MAX_ATTEMPTS
        services.give_back(job_id, task_id, f"{type(exc).__name__}: {exc}", final=final)
        logger.exception("report job %s failed (attempt %s)", job_id, attempts)
        if final or self.request.is_eager:
            # Eager runs (tests, management commands) report the failure instead of sleeping.
            return False
        # Exponential backoff: 30 s, 60 s, 120 s…
        raise self.retry(exc=exc, countdown=30 * 2 ** ((attempts or 1) - 1)) from exc


@shared_task
def reap_stale_jobs():
    return services.reap_stale_jobs()


@shared_task
def purge_expired_files():
    return services.purge_expired_files()


@shared_task
def schedule_national_report(year: int | None = None):
    """Beat, 15 January: the national report of the past year, and its accessible variant."""
    year = year or timezone.localdate().year - 1
    jobs = [
        services.request_job(
            kind=ReportJob.Kind.REPORT,
            year=year,
            scope=Scope.national(),
            requested_by=None,
            options={"accessible": accessible},
        )[0].pk
        for accessible in (False, True)
    ]
    return jobs


@shared_task
def freeze_due_years():
    """Beat, every morning: freeze the years whose cut-off day has ended (idempotent)."""
    from territoires.actors import SYSTEM

    from . import campaigns, snapshots

    frozen = campaigns.freeze_due(by=SYSTEM)
    # Their publications computed here, once, rather than by a reader.
    snapshots.store_publications()
    return frozen


@shared_task
def refresh_summaries(using: str = "default"):
    """Half a minute after a write's commit (writes meanwhile join it), and every few
    minutes: recompute the stale summary cells and the open years' publications; on
    1 January, the new year's cells are created first (reporting.summaries); a frozen
    year's publication not stored yet is stored."""
    from . import snapshots, summaries

    summaries.refresh_started(using)
    summaries.ensure_year(timezone.localdate().year, using=using)
    stored = summaries.refresh(using=using)
    snapshots.store_publications(using=using)
    return stored
