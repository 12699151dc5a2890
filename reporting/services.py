"""Report jobs: request (deduplicated), claim, run, and recover from lost workers.

A job moves queued → running → done | failed. Workers claim a job with a
conditional ``update()``, so a task delivered twice renders once; a worker
killed mid-job leaves its message unacknowledged (``acks_late`` +
``reject_on_worker_lost``), and the redelivered message, carrying the same task
id, takes the job back. If the message itself is lost, the beat reaper puts
jobs whose heartbeat stopped back in the queue, or fails them after the last
attempt.
"""

import datetime
import hashlib
import json
import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from territoires.actors import SYSTEM

from . import figures
from .indicators import Level, Query, Scope
from .models import ReportJob

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# A running job whose heartbeat is older than this lost its worker.
STALE_AFTER = datetime.timedelta(minutes=15)
# A finished identical request this recent is reused instead of rendering again.
REUSE_DONE_FOR = datetime.timedelta(minutes=10)
# Export download links expire after this delay.
EXPORT_LINK_VALIDITY = datetime.timedelta(days=7)


class JobLost(Exception):
    """The job is no longer ours (finished, or taken by another worker)."""


def fingerprint(kind: str, parameters: dict[str, Any], requested_by: Any) -> str:
    payload = json.dumps(
        {"kind": kind, "parameters": parameters, "by": getattr(requested_by, "pk", None)},
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _territory(scope: Scope) -> dict[str, int | None]:
    if scope.level == Level.REGION:
        return {"region_id": scope.pk}
    if scope.level == Level.DEPARTEMENT:
        return {"region_id": scope.region_pk, "departement_id": scope.pk}
    return {}


def request_job(
    *,
    kind: str,
    year: int,
    scope: Scope,
    requested_by: Any,
    options: dict[str, Any] | None = None,
) -> tuple[ReportJob, bool]:
    """Queue a job, or return the identical one already pending (or just done).

    ``requested_by`` is a user, or ``None`` for the service's own scheduled jobs.
    Returns ``(job, created)``. The task is sent once the transaction commits.
    """
    parameters = {
        "year": year,
        "scope": scope.to_dict(),
        "scope_title": scope.title,
        **(options or {}),
    }
    print_ = fingerprint(kind, parameters, requested_by)
    recent = Q(status=ReportJob.Status.DONE, finished_at__gte=timezone.now() - REUSE_DONE_FOR)
    existing = (
        ReportJob.objects.filter(Q(status__in=ReportJob.Status.PENDING) | recent)
        .filter(fingerprint=print_)
        .order_by("-created_at")
        .first()
    )
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            job = ReportJob.objects.create(
                kind=kind,
                year=year,
                parameters=parameters,
                requested_by=requested_by,
                fingerprint=print_,
                **_territory(scope),
            )
    except IntegrityError:
        # The same request arrived at the same moment: the unique constraint kept one.
        return ReportJob.objects.pending().get(fingerprint=print_), False
    enqueue(job)
    return job, True


def enqueue(job: ReportJob) -> None:
    from .tasks import render_report

    transaction.on_commit(lambda: render_report.delay(job.pk))


def claim(job_id: int, task_id: str) -> bool:
    """Take the job for this task: queued, or running under this very task (redelivery)."""
    now = timezone.now()
    return bool(
        ReportJob.objects.filter(
            Q(status=ReportJob.Status.QUEUED)
            | Q(status=ReportJob.Status.RUNNING, worker_task_id=task_id),
            pk=job_id,
        ).update(
            status=ReportJob.Status.RUNNING,
            worker_task_id=task_id,
            attempts=F("attempts") + 1,
            started_at=now,
            heartbeat_at=now,
            error="",
        )
    )


def _progress(job: ReportJob, task_id: str, percent: int) -> None:
    updated = ReportJob.objects.filter(
        pk=job.pk, status=ReportJob.Status.RUNNING, worker_task_id=task_id
    ).update(progress=percent, heartbeat_at=timezone.now())
    if not updated:
        raise JobLost(job.pk)


def _viewer(job: ReportJob) -> Any:
    return job.requested_by if job.requested_by_id else SYSTEM


def run(job_id: int, task_id: str) -> bool:
    """Render a claimed job. Returns False when the job was not ours to run."""
    if not claim(job_id, task_id):
        return False
    job = ReportJob.objects.select_related("requested_by__dla").get(pk=job_id)
    scope = Scope.from_dict(job.parameters["scope"])
    if job.data is None:
        # Computed once and frozen: a retry reuses the figures of the first attempt.
        data = produce_data(job, scope)
        ReportJob.objects.filter(pk=job.pk).update(data=data)
        job.data = data
    _progress(job, task_id, 40)
    content, name = produce_file(job)
    _progress(job, task_id, 90)
    # One folder per job: the file keeps its documented name, never a storage suffix.
    job.file.save(f"job-{job.pk}/{name}", ContentFile(content), save=False)
    now = timezone.now()
    finished = ReportJob.objects.filter(
        pk=job.pk, status=ReportJob.Status.RUNNING, worker_task_id=task_id
    ).update(
        status=ReportJob.Status.DONE,
        progress=100,
        file=job.file.name,
        finished_at=now,
        heartbeat_at=now,
        expires_at=now + EXPORT_LINK_VALIDITY if job.kind == ReportJob.Kind.EXPORT else None,
    )
    if not finished:
        job.file.delete(save=False)
        raise JobLost(job.pk)
    return True


def produce_data(job: ReportJob, scope: Scope) -> dict[str, Any]:
    query = Query(job.year, scope, _viewer(job))
    if job.kind == ReportJob.Kind.REPORT:
        # The national report carries the key figures of France year by year.
        return figures.build(query, public=True, series=scope.level == Level.NATIONAL)
    return {"year": job.year, "scope": job.parameters["scope"]}


def produce_file(job: ReportJob) -> tuple[bytes, str]:
    if job.kind == ReportJob.Kind.REPORT:
        from .report import render_pdf, report_filename

        if job.data is None:
            raise ValueError(f"report job {job.pk}: its figures are computed first (run())")
        accessible = bool(job.parameters.get("accessible"))
        name = report_filename(job.data, accessible=accessible)
        return render_pdf(job.data, accessible=accessible), name
    from .exports import named_export_file

    scope = Scope.from_dict(job.parameters["scope"])
    query = Query(job.year, scope, _viewer(job))
    fmt = job.parameters["format"]
    dataset = job.parameters["dataset"]
    # The documented name (docs/exports.md), as for the streamed CSV.
    content, name = named_export_file(query, dataset, fmt)
    return content, f"{name}.{fmt}"


def give_back(job_id: int, task_id: str, error: str, *, final: bool) -> None:
    """After a failed attempt: back in the queue for a retry, or failed for good."""
    status = ReportJob.Status.FAILED if final else ReportJob.Status.QUEUED
    ReportJob.objects.filter(pk=job_id, worker_task_id=task_id).exclude(
        status=ReportJob.Status.DONE
    ).update(
        status=status,
        error=error[:2000],
        worker_task_id="",
        finished_at=timezone.now() if final else None,
    )


def reap_stale_jobs(now: datetime.datetime | None = None) -> int:
    """Jobs whose worker vanished: retried while attempts remain, then failed."""
    now = now or timezone.now()
    stale = ReportJob.objects.filter(
        status=ReportJob.Status.RUNNING, heartbeat_at__lt=now - STALE_AFTER
    )
    failed = stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=ReportJob.Status.FAILED,
        error="Le traitement s'est interrompu à plusieurs reprises.",
        finished_at=now,
        worker_task_id="",
    )
    requeued = []
    for job in stale.filter(attempts__lt=MAX_ATTEMPTS).only("pk"):
        if ReportJob.objects.filter(
            pk=job.pk, status=ReportJob.Status.RUNNING, heartbeat_at__lt=now - STALE_AFTER
        ).update(status=ReportJob.Status.QUEUED, worker_task_id=""):
            requeued.append(job.pk)
    from .tasks import render_report

    for pk in requeued:
        render_report.delay(pk)
    if failed or requeued:
        logger.warning("report jobs: %s requeued, %s failed after a lost worker", requeued, failed)
    return failed + len(requeued)


def purge_expired_files(now: datetime.datetime | None = None) -> int:
    """Delete export files whose download link expired (the job row stays, for the record)."""
    now = now or timezone.now()
    count = 0
    for job in ReportJob.objects.filter(expires_at__lt=now).exclude(file=""):
        job.file.delete(save=False)
        ReportJob.objects.filter(pk=job.pk).update(file="")
        count += 1
    return count
