"""Sharing with a resource centre: the DLA records the structure's consent on the case;
the centre reads the diagnostic and the documents of the cases shared with it.

The consent covers the diagnostic and the documents, nothing else: these pages show
the case by its number, its DLA and the structure's sector, department and size,
never the structure's name, its contacts or the rest of the case (data minimisation).
Files are served here, through the consent, not through the case documents' pages.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accompagnements.models import Accompagnement, DiagnosticAxis
from dossiers.models import Document, DocumentVersion
from dossiers.services import open_version
from territoires import policy
from territoires.access import get_editable_or_403, get_visible_or_404

from .. import services
from ..forms import ConsentForm
from ..models import PartageCentre
from .common import refuse, render_form


def partages(request):
    """The resource centre's list: cases shared with it (structure, sector, diagnostic)."""
    user = request.user
    if not policy.reads_shared_diagnostics(user):
        raise PermissionDenied("Cette page est celle des centres de ressources.")
    shared = (
        PartageCentre.objects.visible_to(user)
        .select_related("accompagnement__structure", "accompagnement__dla", "centre")
        .order_by("-consent_on", "-pk")
    )
    return render(request, "pilotage/partages.html", {"partages": shared})


def partage_detail(request, pk):
    partage = get_visible_or_404(
        PartageCentre.objects.select_related(
            "accompagnement__structure", "accompagnement__dla", "centre"
        ),
        request.user,
        pk=pk,
    )
    case = partage.accompagnement
    diagnostic = getattr(case, "diagnostic", None)
    context = {
        "partage": partage,
        "case": case,
        "diagnostic": diagnostic,
        "axes": DiagnosticAxis.objects.filter(diagnostic=diagnostic) if diagnostic else [],
        "documents": Document.objects.alive()
        .filter(accompagnement=case)
        .prefetch_related("versions"),
        # The list of shared diagnostics is the resource centres' page: no link for others.
        "lists_shares": policy.reads_shared_diagnostics(request.user),
    }
    return render(request, "pilotage/partage.html", context)


@require_GET
def partage_download(request, pk, version_pk):
    """A file of a shared case: the consent decides, then the version must be of that case."""
    partage = get_visible_or_404(PartageCentre.objects.all(), request.user, pk=pk)
    version = get_object_or_404(
        DocumentVersion.objects.select_related("document"),
        pk=version_pk,
        document__accompagnement_id=partage.accompagnement_id,
        document__deleted_at__isnull=True,
    )
    try:
        handle = open_version(version)
    except FileNotFoundError:
        raise Http404("Ce fichier n'est plus disponible.") from None
    return FileResponse(handle, as_attachment=True, filename=version.original_name)


def partage_add(request, pk):
    case = get_editable_or_403(
        Accompagnement.objects.select_related("structure"), request.user, pk=pk
    )
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_consent(case, by=request.user, **form.cleaned_data)
        except services.ConsentRefused as refused:
            refuse(form, refused)
        else:
            messages.success(request, "Accord de partage enregistré.")
            return redirect(case.get_absolute_url())
    shared = PartageCentre.objects.filter(accompagnement=case).select_related("centre")
    return render_form(
        request,
        title=f"Partager avec un centre de ressources — {case.structure}",
        form=form,
        back_url=case.get_absolute_url(),
        partages=shared,
    )


@require_POST
def partage_withdraw(request, pk):
    partage = get_editable_or_403(
        PartageCentre.objects.select_related("accompagnement"), request.user, pk=pk
    )
    case_pk = partage.accompagnement_id
    services.withdraw_consent(partage, by=request.user)
    messages.success(request, "Partage retiré : le centre de ressources n'y a plus accès.")
    return redirect("pilotage:partage_add", pk=case_pk)
