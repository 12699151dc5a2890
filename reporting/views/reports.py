"""Report jobs: request a PDF report, follow its progress, download it."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from territoires import policy
from territoires.access import get_visible_or_404

from .. import services
from ..forms import ReportRequestForm
from ..models import ReportJob


def reports(request):
    """Coordinators produce their region's report; national operators any report."""
    user = request.user
    if not policy.may_request_reports(user):
        raise PermissionDenied(
            "Les rapports sont produits par les coordinations et l'opérateur national."
        )
    form = ReportRequestForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        job, _ = services.request_job(
            kind=ReportJob.Kind.REPORT,
            year=form.cleaned_data["annee"],
            scope=form.scope(),
            requested_by=user,
            options={"accessible": form.cleaned_data["accessible"]},
        )
        return redirect("reporting:job", pk=job.pk)
    jobs = ReportJob.objects.visible_to(user).select_related("requested_by")[:30]
    return render(request, "reporting/reports.html", {"form": form, "jobs": jobs})


def _job(request, pk):
    return get_visible_or_404(ReportJob.objects.select_related("requested_by"), request.user, pk=pk)


def job_detail(request, pk):
    job = _job(request, pk)
    # Back to the page that requests such jobs, when its reader may open it.
    if job.kind == ReportJob.Kind.EXPORT:
        back = "reporting:exports" if policy.may_export_national_statistics(request.user) else ""
    else:
        back = "reporting:reports" if policy.may_request_reports(request.user) else ""
    return render(request, "reporting/job.html", {"job": job, "back": back})


@require_GET
def job_progress(request, pk):
    """The status fragment htmx polls every 2 seconds while the job is pending."""
    return render(request, "reporting/_job_status.html", {"job": _job(request, pk)})


@require_GET
def job_download(request, pk):
    job = _job(request, pk)
    if not job.is_downloadable:
        raise Http404("Ce fichier n'est pas ou plus disponible.")
    name = job.file.name.rsplit("/", 1)[-1]
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=name)
