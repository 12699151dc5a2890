from django.core.files.base import ContentFile
from django.urls import reverse

from reporting import services
from reporting.indicators import Scope


def test_admin_lists_report_jobs_read_only(personas, client_for):
    job, _ = services.request_job(
        kind="report", year=2025, scope=Scope.national(), requested_by=personas.national
    )
    client = client_for(personas.admin)
    assert client.get(reverse("admin:reporting_reportjob_changelist")).status_code == 200
    page = client.get(reverse("admin:reporting_reportjob_change", args=[job.pk]))
    assert page.status_code == 200
    assert client.get(reverse("admin:reporting_reportjob_add")).status_code == 403


def test_a_finished_job_shows_its_file_as_a_link_to_the_download_page(personas, client_for):
    # The admin's own display of a file asked the storage for a URL, which generated
    # files do not have (MEDIA_URL unset): the page was a 500.
    job, _ = services.request_job(
        kind="report", year=2025, scope=Scope.national(), requested_by=personas.national
    )
    job.file.save(f"job-{job.pk}/bilan-2025.pdf", ContentFile(b"%PDF-1.7"), save=False)
    job.status = job.Status.DONE
    job.save()
    page = client_for(personas.admin).get(
        reverse("admin:reporting_reportjob_change", args=[job.pk])
    )
    assert page.status_code == 200
    download = reverse("reporting:job_download", args=[job.pk])
    assert f'<a href="{download}">bilan-2025.pdf</a>' in page.content.decode()
