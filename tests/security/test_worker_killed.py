"""A report job survives its worker process being killed in the middle of the task.

A real Celery worker (prefork, one child) runs against the test database and
Redis. The test holds a row lock on the job so the task is provably inside its
first database write when the child is killed with SIGKILL; the task message is
redelivered (acks_late + reject_on_worker_lost) and the job ends done, rendered
once, never left "running".
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import psycopg
import pytest
from celery.exceptions import AlwaysEagerIgnored
from django.conf import settings
from django.db import connection

from reporting import services
from reporting.indicators import Scope
from reporting.models import ReportJob
from reporting.tasks import render_report

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (set REDIS_URL=redis://…)"),
]


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def lock_waiters(cursor):
    cursor.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND query LIKE 'UPDATE \"reporting_reportjob\"%%'"
    )
    return cursor.fetchone()[0]


@pytest.fixture
def worker(tmp_path):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dla_suivi.settings.test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            str(CELERY),
            "-A",
            "dla_suivi",
            "worker",
            "--queues",
            "reports",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--without-mingle",
            "--without-gossip",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: "ready" in (tmp_path / "worker.log").read_text(), 60, "worker ready")
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_job_is_redelivered_and_finished_after_its_worker_is_killed(personas, worker, tmp_path):
    render_report.app.control.purge()
    with mock.patch.object(services, "enqueue"):
        job, _ = services.request_job(
            kind=ReportJob.Kind.REPORT,
            year=2026,
            scope=Scope.national(),
            requested_by=personas.national,
        )
    db = connection.settings_dict
    with (
        psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"],
            dbname=db["NAME"],
            autocommit=False,
        ) as locker,
        locker.cursor() as cursor,
    ):
        cursor.execute("SELECT id FROM reporting_reportjob WHERE id = %s FOR UPDATE", [job.pk])
        # send_task goes to the broker even where tests run tasks eagerly (and says so).
        with pytest.warns(AlwaysEagerIgnored):
            render_report.app.send_task(render_report.name, args=[job.pk], queue="reports")
        with (
            psycopg.connect(
                host=db["HOST"] or "127.0.0.1",
                port=db["PORT"] or 5432,
                user=db["USER"],
                dbname=db["NAME"],
                autocommit=True,
            ) as observer,
            observer.cursor() as watch,
        ):
            wait_for(lambda: lock_waiters(watch), 60, "the task to start its first write")
        children = subprocess.run(
            ["pgrep", "-P", str(worker.pid)], capture_output=True, text=True, check=True
        ).stdout.split()
        assert len(children) == 1
        os.kill(int(children[0]), signal.SIGKILL)
        locker.rollback()

    def finished():
        job.refresh_from_db()
        return job.status in {ReportJob.Status.DONE, ReportJob.Status.FAILED}

    wait_for(finished, 180, "the redelivered job to finish")
    assert job.status == ReportJob.Status.DONE, job.error
    log = (tmp_path / "worker.log").read_text()
    assert "signal 9 (SIGKILL)" in log  # the child really died mid-task
    assert job.progress == 100
    assert job.file.name.endswith(".pdf")
    with job.file.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
