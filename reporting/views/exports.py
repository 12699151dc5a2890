"""National yearly exports, for the national operator."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render

from territoires import policy

from .. import exports, services
from ..forms import ExportForm
from ..indicators import Query, Scope
from ..models import ReportJob


def exports_view(request):
    """Indicator tables come back at once; the case-level CSV streams; XLSX/ODS go to a job."""
    user = request.user
    if not policy.may_export_national_statistics(user):
        raise PermissionDenied("Les exports nationaux sont réservés à l'opérateur national.")
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        year, dataset, fmt = (form.cleaned_data[k] for k in ("annee", "jeu", "format"))
        if dataset == "accompagnements" and fmt != "csv":
            job, _ = services.request_job(
                kind=ReportJob.Kind.EXPORT,
                year=year,
                scope=Scope.national(),
                requested_by=user,
                options={"dataset": dataset, "format": fmt},
            )
            return redirect("reporting:job", pk=job.pk)
        return exports.response(Query(year, Scope.national(), user), dataset, fmt)
    jobs = (
        ReportJob.objects.visible_to(user)
        .filter(kind=ReportJob.Kind.EXPORT, requested_by=user)
        .select_related("requested_by")[:20]
    )
    context = {"form": form, "jobs": jobs, "schema_version": exports.SCHEMA_VERSION}
    return render(request, "reporting/exports.html", context)
