"""The yearly campaign: DLAs check their data, coordinators follow them, the year is frozen."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from structures.models import Structure
from territoires import policy
from territoires.access import get_editable_or_403, get_visible_or_404

from .. import campaigns, checklist
from ..forms import CampaignOpenForm, FreezeForm
from ..models import Campaign, DataCheck, DlaCampagne, Snapshot
from ..trends import FIRST_YEAR

# Differences listed on the campaign page for each version (the rest are counted).
CHANGES_SHOWN = 200


def _reader(request):
    if not policy.reads_campaigns(request.user):
        raise PermissionDenied("La campagne annuelle concerne les DLA et l'opérateur national.")
    return request.user


def _year(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404("Année hors de la période suivie.")
    return year


def campaign_list(request):
    user = _reader(request)
    frozen: dict[int, list[Snapshot]] = {}
    for snapshot in Snapshot.objects.only("year", "version", "created_at", "author"):
        frozen.setdefault(snapshot.year, []).append(snapshot)
    campaigns_by_year = {c.year: c for c in Campaign.objects.select_related("opened_by")}
    years = sorted(set(frozen) | set(campaigns_by_year), reverse=True)
    rows = [(year, campaigns_by_year.get(year), frozen.get(year, [])) for year in years]
    context = {
        "rows": rows,
        "form": CampaignOpenForm() if policy.may_open_campaign(user) else None,
        "default_cutoff": campaigns.cutoff_for(timezone.localdate().year - 1),
    }
    return render(request, "reporting/campaigns.html", context)


@require_POST
def campaign_open(request):
    user = _reader(request)
    if not policy.may_open_campaign(user):
        raise PermissionDenied("L'opérateur national ouvre les campagnes.")
    form = CampaignOpenForm(request.POST)
    if form.is_valid():
        year = form.cleaned_data["annee"]
        try:
            campaigns.open_campaign(year, by=user, cutoff_on=form.cleaned_data["date_limite"])
        except campaigns.CampaignError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Campagne {year} ouverte.")
            return redirect("reporting:campaign", year=year)
    else:
        messages.error(request, "Année ou date limite invalide.")
    return redirect("reporting:campaigns")


def _versions(year: int, *, with_changes: bool) -> list[dict]:
    versions = []
    fields = ["year", "version", "created_at", "author", "reason", "checksum"]
    for snapshot in Snapshot.objects.filter(year=year).only(
        *fields, *(["changes"] if with_changes else [])
    ):
        changes = json.loads(snapshot.changes) if with_changes else []
        versions.append(
            {
                "snapshot": snapshot,
                "changes": changes[:CHANGES_SHOWN],
                "more": max(len(changes) - CHANGES_SHOWN, 0),
                "count": len(changes),
            }
        )
    return versions


def campaign_detail(request, year):
    """The DLAs the reader follows, their open points and marks; the year's versions."""
    user = _reader(request)
    year = _year(year)
    campaign = Campaign.objects.select_related("opened_by").filter(year=year).first()
    # Coordinators and national operators follow DLAs; an officer has their own checklist.
    sees_progress = policy.sees_campaign_progress(user)
    dlas = (
        list(DlaCampagne.objects.visible_to(user).select_related("departement"))
        if sees_progress
        else []
    )
    counts = checklist.progress(year, dlas, user)
    marks = (
        {
            m.dla_id: m
            for m in DataCheck.objects.filter(campaign=campaign).select_related("checked_by")
        }
        if campaign
        else {}
    )
    rows = [
        (
            dla,
            [counts[dla.pk][check.code] for check in checklist.CHECKS],
            sum(counts[dla.pk].values()),
            marks.get(dla.pk),
        )
        for dla in dlas
    ]
    may_freeze = policy.may_freeze_year(user)
    versions = _versions(year, with_changes=may_freeze)
    context = {
        "year": year,
        "campaign": campaign,
        "frozen": bool(versions),
        "cutoff": campaign.cutoff_on if campaign else campaigns.cutoff_for(year),
        "checks": checklist.CHECKS,
        "rows": rows,
        "checked": sum(1 for *_, mark in rows if mark),
        "own_dla": policy.member_dla_id(user),
        "sees_progress": sees_progress,
        "versions": versions,
        "freeze_form": FreezeForm() if may_freeze else None,
    }
    return render(request, "reporting/campaign.html", context)


@require_POST
def campaign_freeze(request, year):
    user = _reader(request)
    if not policy.may_freeze_year(user):
        raise PermissionDenied("L'opérateur national fige les chiffres de l'année.")
    year = _year(year)
    form = FreezeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Motif : 2 000 caractères au plus.")
        return redirect("reporting:campaign", year=year)
    try:
        result = campaigns.freeze_year(year, by=user, reason=form.cleaned_data["motif"])
    except campaigns.CampaignError as error:
        messages.error(request, str(error))
    else:
        changed = f", {len(result.changes)} écarts avec la précédente" if result.changes else ""
        messages.success(request, f"Chiffres {year} figés : version {result.version}{changed}.")
    return redirect("reporting:campaign", year=year)


def campaign_dla(request, year, pk):
    """A DLA's checklist for the year: what to fix before the freeze, and its mark."""
    user = request.user
    year = _year(year)
    dla = get_visible_or_404(
        DlaCampagne.objects.select_related("region", "departement"), user, pk=pk
    )
    campaign = Campaign.objects.filter(year=year).first()
    mark = (
        DataCheck.objects.select_related("checked_by").filter(campaign=campaign, dla=dla).first()
        if campaign
        else None
    )
    frozen = campaigns.is_frozen(year)
    context = {
        "year": year,
        "dla": dla,
        "campaign": campaign,
        "frozen": frozen,
        "mark": mark,
        "writable": policy.marks_data_checked(user)
        and DlaCampagne.objects.editable_by(user).filter(pk=dla.pk).exists(),
        "checklist": checklist.for_dla(year, dla, user),
        "year_closed": year < timezone.localdate().year,
    }
    return render(request, "reporting/campaign_dla.html", context)


@require_POST
def campaign_check(request, year, pk):
    """Mark the DLA's data as checked, or withdraw the mark (``action=retirer``)."""
    user = request.user
    year = _year(year)
    dla = get_editable_or_403(DlaCampagne.objects, user, pk=pk)
    if not policy.marks_data_checked(user):
        raise PermissionDenied("La marque « données vérifiées » revient au DLA.")
    back = reverse("reporting:campaign_dla", kwargs={"year": year, "pk": dla.pk})
    campaign = Campaign.objects.filter(year=year).first()
    if campaign is None:
        messages.error(request, f"La campagne {year} n'est pas ouverte.")
        return redirect(back)
    try:
        if request.POST.get("action") == "retirer":
            campaigns.withdraw_check(campaign, dla, by=user)
            messages.success(request, "Marque « données vérifiées » retirée.")
        else:
            check = campaigns.mark_checked(campaign, dla, by=user)
            left = f" ({check.open_issues} points restent listés)" if check.open_issues else ""
            messages.success(request, f"Données {year} marquées comme vérifiées{left}.")
    except campaigns.CampaignError as error:
        messages.error(request, str(error))
    return redirect(back)


@require_POST
def campaign_year_end(request, year, pk):
    """Apply a structure's corrected record to 31 December of the year (its figures' date)."""
    user = request.user
    year = _year(year)
    structure = get_editable_or_403(Structure.objects, user, pk=pk)
    try:
        campaigns.apply_record_to_year_end(structure, year, by=user)
    except campaigns.CampaignError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"La fiche actuelle de {structure} vaut désormais au 31 décembre {year}."
        )
    back = request.POST.get("retour", "")
    # A path of this site only: redirect() would read any other text as a view name.
    if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}
    ):
        return redirect(back)
    return redirect("reporting:campaign", year=year)
