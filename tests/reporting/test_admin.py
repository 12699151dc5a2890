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
