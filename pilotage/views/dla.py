"""A DLA's steering: conventions and their years, the fund, objectives, comités, documents."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accompagnements.models import Funding, Ingenierie
from territoires.access import get_editable_or_403, get_visible_or_404
from uploads import UploadRefused

from .. import budget, services
from ..forms import (
    ComitePilotageForm,
    ContributionForm,
    ConventionForm,
    ConventionYearForm,
    ObjectivesForm,
    PilotageDocumentForm,
    objectives_initial,
)
from ..models import (
    ComitePilotage,
    Contribution,
    Convention,
    ConventionYear,
    Depassement,
    DlaPilotage,
    Objective,
    PilotageDocument,
)
from ..progress import progress
from .common import refuse, render_form, selected_year, years


def dla_url(dla, year=None) -> str:
    url = reverse("pilotage:dla", args=[dla.pk])
    return f"{url}?annee={year}" if year else url


def _writable(model_qs, user, pk) -> bool:
    return model_qs.editable_by(user).filter(pk=pk).exists()


def dla_detail(request, pk):
    user = request.user
    dla = get_visible_or_404(
        DlaPilotage.objects.select_related("region", "departement"), user, pk=pk
    )
    year = selected_year(request)
    convention_years = ConventionYear.objects.visible_to(user).filter(dla=dla)
    current = convention_years.filter(year=year).select_related("convention").first()
    balance = budget.balance(current) if current else None
    objectives = Objective.objects.visible_to(user).filter(dla=dla, year=year).select_related("dla")
    # Lines are shown to those who may read the ingénieries (never to a funder).
    lines = (
        Funding.objects.filter(
            ingenierie__in=Ingenierie.objects.visible_to(user).filter(dla=dla).values("pk")
        )
        .alias(counted_on=budget.root_date())
        .filter(counted_on__gte=current.starts_on, counted_on__lte=current.ends_on)
        .select_related("ingenierie", "corrects")
        .order_by("committed_on", "pk")
        if current
        else Funding.objects.none()
    )
    context = {
        "dla": dla,
        "year": year,
        "years": years(),
        "writable": _writable(DlaPilotage.objects, user, dla.pk),
        "conventions": Convention.objects.visible_to(user)
        .filter(dla=dla)
        .prefetch_related(Prefetch("years", queryset=ConventionYear.objects.order_by("year"))),
        "current": current,
        "balance": balance,
        "lines": lines,
        "progress": progress(objectives, year)["dlas"],
        "comites": ComitePilotage.objects.visible_to(user).filter(dla=dla)[:20],
        "depassements": Depassement.objects.visible_to(user)
        .filter(dla=dla, convention_year=current)
        .select_related("confirmed_by", "funding__ingenierie")
        if current
        else [],
    }
    return render(request, "pilotage/dla.html", context)


def convention_add(request, pk):
    dla = get_editable_or_403(DlaPilotage.objects.all(), request.user, pk=pk)
    form = ConventionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            convention = services.add_convention(dla, by=request.user, **form.cleaned_data)
        except services.ConventionRefused as refused:
            refuse(form, refused)
        else:
            messages.success(request, "Convention enregistrée, avec une année par année civile.")
            return redirect("pilotage:convention", pk=convention.pk)
    return render_form(
        request, title=f"Nouvelle convention — {dla}", form=form, back_url=dla_url(dla)
    )


def convention_detail(request, pk):
    user = request.user
    convention = get_visible_or_404(Convention.objects.select_related("dla"), user, pk=pk)
    writable = _writable(Convention.objects, user, pk)
    years_ = list(
        convention.years.prefetch_related(
            Prefetch(
                "contributions",
                queryset=Contribution.objects.select_related("financeur").order_by(
                    "financeur__name"
                ),
            )
        ).order_by("year")
    )
    balances = budget.balances(years_)
    context = {
        "convention": convention,
        "writable": writable,
        "years": [(y, balances[y.pk]) for y in years_],
        "documents": convention.documents.select_related("uploaded_by"),
        "contribution_form": ContributionForm() if writable else None,
        "document_form": PilotageDocumentForm() if writable else None,
    }
    return render(request, "pilotage/convention.html", context)


def year_edit(request, pk):
    year = get_editable_or_403(
        ConventionYear.objects.select_related("convention"), request.user, pk=pk
    )
    form = ConventionYearForm(request.POST or None, instance=year)
    back = reverse("pilotage:convention", args=[year.convention_id])
    if request.method == "POST" and form.is_valid():
        try:
            services.save_convention_year(form.save(commit=False), by=request.user)
        except services.ConventionRefused as refused:
            refuse(form, refused)
        else:
            messages.success(request, f"Avenant {year.year} enregistré.")
            return redirect(back)
    return render_form(request, title=f"Année de convention {year.year}", form=form, back_url=back)


@require_POST
def contribution_add(request, pk):
    year = get_editable_or_403(
        ConventionYear.objects.select_related("convention"), request.user, pk=pk
    )
    form = ContributionForm(request.POST)
    back = reverse("pilotage:convention", args=[year.convention_id])
    if form.is_valid():
        services.save_contribution(year, by=request.user, **form.cleaned_data)
        messages.success(request, f"Contribution {year.year} enregistrée.")
        return redirect(back)
    return render_form(request, title=f"Contribution {year.year}", form=form, back_url=back)


def _document_add(request, *, convention=None, comite=None, back):
    form = PilotageDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_document(
                upload=data["file"],
                kind=data["kind"],
                title=data["title"],
                by=request.user,
                convention=convention,
                comite=comite,
            )
        except (UploadRefused, services.ConventionRefused) as refused:
            form.add_error("file" if isinstance(refused, UploadRefused) else "kind", str(refused))
        else:
            messages.success(request, "Document ajouté.")
            return redirect(back)
    return render_form(request, title="Ajouter un document", form=form, back_url=back, upload=True)


@require_POST
def convention_document_add(request, pk):
    convention = get_editable_or_403(Convention.objects.select_related("dla"), request.user, pk=pk)
    back = reverse("pilotage:convention", args=[pk])
    return _document_add(request, convention=convention, back=back)


@require_POST
def comite_document_add(request, pk):
    comite = get_editable_or_403(ComitePilotage.objects.select_related("dla"), request.user, pk=pk)
    return _document_add(request, comite=comite, back=reverse("pilotage:comite", args=[pk]))


def document_download(request, pk):
    document = get_visible_or_404(PilotageDocument.objects.all(), request.user, pk=pk)
    try:
        handle = services.open_document(document)
    except FileNotFoundError:
        raise Http404("Ce fichier n'est plus disponible.") from None
    return FileResponse(handle, as_attachment=True, filename=document.original_name)


def comite_add(request, pk):
    dla = get_editable_or_403(DlaPilotage.objects.all(), request.user, pk=pk)
    form = ComitePilotageForm(request.POST or None, instance=ComitePilotage(dla=dla))
    if request.method == "POST" and form.is_valid():
        comite = services.record_comite(form.save(commit=False), by=request.user)
        messages.success(request, "Comité de pilotage enregistré.")
        return redirect("pilotage:comite", pk=comite.pk)
    return render_form(
        request, title=f"Comité de pilotage — {dla}", form=form, back_url=dla_url(dla)
    )


def comite_detail(request, pk):
    user = request.user
    comite = get_visible_or_404(ComitePilotage.objects.select_related("dla"), user, pk=pk)
    writable = _writable(ComitePilotage.objects, user, pk)
    context = {
        "comite": comite,
        "writable": writable,
        "objectives": comite.objectives.select_related("dla"),
        "documents": comite.documents.select_related("uploaded_by"),
        "document_form": PilotageDocumentForm() if writable else None,
    }
    return render(request, "pilotage/comite.html", context)


def objectives_edit(request, pk, year):
    dla = get_editable_or_403(DlaPilotage.objects.all(), request.user, pk=pk)
    if year not in years():
        raise Http404("Année hors de la période suivie.")
    comites = ComitePilotage.objects.filter(dla=dla).order_by("-held_on")
    existing = Objective.objects.filter(dla=dla, year=year)
    form = ObjectivesForm(
        request.POST or None, comites=comites, initial=objectives_initial(existing)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_objectives(
                dla, year, form.targets(), by=request.user, comite=form.cleaned_data["comite"]
            )
        except (ValueError, PermissionDenied) as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Objectifs {year} enregistrés.")
            return redirect(dla_url(dla, year))
    return render_form(
        request, title=f"Objectifs {year} — {dla}", form=form, back_url=dla_url(dla, year)
    )
