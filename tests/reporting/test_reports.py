import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reporting import services
from reporting.indicators import Scope
from reporting.models import ReportJob
from reporting.report import render_html, title_for
from reporting.tasks import render_report, schedule_national_report

from .factories import YEAR, build_dataset
from .pdf import has_text_string, is_pdf, objects, page_count


@pytest.fixture
def dataset(personas):
    return build_dataset(personas)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def request_region_report(client, capture, **extra):
    with capture(execute=True):
        return client.post(
            reverse("reporting:reports"), {"annee": YEAR, "territoire": "53", **extra}
        )


def test_coordinator_produces_their_region_report_as_a_real_pdf(
    dataset, personas, client_for, django_capture_on_commit_callbacks
):
    client = client_for(personas.coordinator)
    response = request_region_report(client, django_capture_on_commit_callbacks)
    job = ReportJob.objects.get()
    assert response.url == reverse("reporting:job", args=[job.pk])
    assert job.status == ReportJob.Status.DONE
    assert job.progress == 100
    assert job.attempts == 1
    assert job.requested_by == personas.coordinator
    assert job.region == personas.region
    download = client.get(reverse("reporting:job_download", args=[job.pk]))
    content = b"".join(download.streaming_content)
    assert is_pdf(content)
    assert has_text_string(content, title_for(job.data))
    assert page_count(content) >= 5


def test_the_figures_are_frozen_with_the_job(
    dataset, personas, client_for, django_capture_on_commit_callbacks
):
    request_region_report(client_for(personas.coordinator), django_capture_on_commit_callbacks)
    job = ReportJob.objects.get()
    assert job.data["totals"]["ACT_STRUCTURES"] == 3
    assert job.data["by_territory"]["ACT_STRUCTURES"]["35"] == 2
    assert job.data["totals"]["ACT_CASES"] == 4  # c1, c2, c4, c7
    # Later work (a new case in Ille-et-Vilaine) does not move the frozen figures.
    from tests.accompagnements.factories import AccompagnementFactory

    from .factories import at, day, journal

    late = AccompagnementFactory(officer=personas.officer_a, opened_on=day(11, 2))
    journal(late, personas.officer_a, [("", "accueil", at(11, 2))])
    job.refresh_from_db()
    assert job.data["totals"]["ACT_CASES"] == 4


def test_coordinator_cannot_request_another_regions_report(
    dataset, personas, client_for, django_capture_on_commit_callbacks
):
    response = request_region_report(
        client_for(personas.other_coordinator), django_capture_on_commit_callbacks
    )
    assert response.status_code == 200
    assert "territoire" in response.context["form"].errors
    assert not ReportJob.objects.exists()


def test_officer_cannot_produce_reports(personas, client_for):
    response = client_for(personas.officer_a).get(reverse("reporting:reports"))
    assert response.status_code == 403


def test_two_identical_requests_in_a_row_render_once(dataset, personas):
    first, created = services.request_job(
        kind=ReportJob.Kind.REPORT,
        year=YEAR,
        scope=Scope.national(),
        requested_by=personas.national,
    )
    second, created_again = services.request_job(
        kind=ReportJob.Kind.REPORT,
        year=YEAR,
        scope=Scope.national(),
        requested_by=personas.national,
    )
    assert created
    assert not created_again
    assert first.pk == second.pk
    render_report.apply(args=[first.pk], task_id="t1")
    render_report.apply(args=[first.pk], task_id="t2")
    first.refresh_from_db()
    assert first.status == ReportJob.Status.DONE
    assert first.attempts == 1


def test_a_different_variant_is_a_different_job(dataset, personas):
    common = {"kind": "report", "year": YEAR, "scope": Scope.national()}
    plain, _ = services.request_job(**common, requested_by=personas.national)
    accessible, _ = services.request_job(
        **common, requested_by=personas.national, options={"accessible": True}
    )
    assert plain.pk != accessible.pk


def test_accessible_variant_is_tagged_pdf_ua(dataset, personas):
    job, _ = services.request_job(
        kind="report",
        year=YEAR,
        scope=Scope.national(),
        requested_by=personas.national,
        options={"accessible": True},
    )
    render_report.apply(args=[job.pk], task_id="t1")
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        content = handle.read()
    assert is_pdf(content)
    blob = objects(content)
    assert b"pdfuaid" in blob
    assert b"/StructTreeRoot" in blob


def test_a_redelivered_task_takes_back_the_job_its_killed_worker_left_running(dataset, personas):
    job, _ = services.request_job(
        kind="report", year=YEAR, scope=Scope.national(), requested_by=personas.national
    )
    assert services.claim(job.pk, "t1")  # the worker then dies: the job is left running
    assert not services.claim(job.pk, "another-task")
    render_report.apply(args=[job.pk], task_id="t1")  # the same message, redelivered
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE
    assert job.attempts == 2


def test_reaper_requeues_a_job_whose_worker_vanished_then_fails_it_after_the_last_attempt(
    dataset, personas
):
    job, _ = services.request_job(
        kind="report", year=YEAR, scope=Scope.national(), requested_by=personas.national
    )
    services.claim(job.pk, "lost-task")
    later = timezone.now() + services.STALE_AFTER + datetime.timedelta(minutes=1)
    assert services.reap_stale_jobs(now=later) == 1
    job.refresh_from_db()
    # Re-queued and, tasks running eagerly in tests, rendered again.
    assert job.status == ReportJob.Status.DONE
    assert job.attempts == 2

    stuck, _ = services.request_job(
        kind="report", year=YEAR - 1, scope=Scope.national(), requested_by=personas.national
    )
    ReportJob.objects.filter(pk=stuck.pk).update(
        status="running", attempts=services.MAX_ATTEMPTS, heartbeat_at=timezone.now()
    )
    assert services.reap_stale_jobs(now=later) == 1
    stuck.refresh_from_db()
    assert stuck.status == ReportJob.Status.FAILED


def test_a_failing_render_goes_back_to_the_queue_then_fails_with_the_error(
    dataset, personas, monkeypatch
):
    def broken(job):
        raise RuntimeError("police introuvable")

    monkeypatch.setattr(services, "produce_file", broken)
    job, _ = services.request_job(
        kind="report", year=YEAR, scope=Scope.national(), requested_by=personas.national
    )
    render_report.apply(args=[job.pk], task_id="t1")
    job.refresh_from_db()
    assert job.status == ReportJob.Status.QUEUED
    assert "police introuvable" in job.error
    assert job.data is not None  # the figures are kept for the retry
    for attempt in range(2, services.MAX_ATTEMPTS + 1):
        render_report.apply(args=[job.pk], task_id=f"t{attempt}")
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED
    assert job.attempts == services.MAX_ATTEMPTS


def test_progress_fragment_polls_while_pending_and_offers_a_refresh_link(personas, client_for):
    job, _ = services.request_job(
        kind="report", year=YEAR, scope=Scope.national(), requested_by=personas.national
    )
    client = client_for(personas.national)
    fragment = client.get(reverse("reporting:job_progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in fragment
    assert reverse("reporting:job", args=[job.pk]) in fragment
    page = client.get(reverse("reporting:job", args=[job.pk])).content.decode()
    assert "Actualiser la page" in page


def test_download_is_scoped_to_who_may_read_the_job(dataset, personas, client_for):
    job, _ = services.request_job(
        kind="report",
        year=YEAR,
        scope=Scope.for_region(personas.region),
        requested_by=personas.coordinator,
    )
    render_report.apply(args=[job.pk], task_id="t1")
    url = reverse("reporting:job_download", args=[job.pk])
    assert client_for(personas.other_coordinator).get(url).status_code == 404
    assert client_for(personas.officer_a).get(url).status_code == 404
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE, job.error
    response = client_for(personas.national).get(url)
    assert response.status_code == 200
    response.close()


def test_beat_schedules_the_national_report_of_the_past_year(dataset):
    job_ids = schedule_national_report(year=YEAR)
    jobs = ReportJob.objects.filter(pk__in=job_ids)
    assert {j.requested_by for j in jobs} == {None}
    assert {j.parameters["accessible"] for j in jobs} == {False, True}


def test_beat_entry_runs_on_15_january():
    from reporting.schedule import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["reporting-national-report"]
    assert entry["task"] == "reporting.tasks.schedule_national_report"
    assert entry["schedule"].day_of_month == {15}
    assert entry["schedule"].month_of_year == {1}


def test_generate_national_report_command_writes_the_same_pdf(dataset, tmp_path):
    output = tmp_path / "rapport.pdf"
    call_command("generate_national_report", year=YEAR, output=str(output))
    content = output.read_bytes()
    assert is_pdf(content)
    assert has_text_string(content, f"Rapport d'activité national {YEAR} du DLA")


def test_public_report_tables_hide_small_department_cells(dataset, personas):
    from reporting import figures
    from reporting.indicators import Query

    data = figures.build(
        Query(YEAR, Scope.for_region(personas.region), personas.coordinator), public=True
    )
    html = render_html(data)
    # Departments 35 (2 structures) and 29 (1) are under 5: their cells show "s".
    assert ">s<" in html
    assert "Méthodologie" in html
    assert "Annexe — dictionnaire des indicateurs" in html
