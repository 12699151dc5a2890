"""The DLAs side by side for a convention year: fund, commitments, objectives."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from reporting.models import ReportJob
from territoires import policy
from territoires.collation import french_order

from .. import budget
from ..models import ConventionYear, DlaPilotage, Objective
from ..progress import progress
from .common import selected_year, years


def index(request):
    """Officer: their DLA; coordinator: the region's DLAs; national: all, and the funders'
    national shares; funder: the DLAs its body funds."""
    user = request.user
    if not policy.reads_pilotage(user):
        raise PermissionDenied("Le pilotage des DLA est réservé au réseau DLA et aux financeurs.")
    year = selected_year(request)
    dlas = list(
        DlaPilotage.objects.visible_to(user)
        .select_related("region", "departement")
        .order_by(*french_order("region__name", "level", "name"))
    )
    convention_years = ConventionYear.objects.visible_to(user).filter(
        year=year, dla__in=[d.pk for d in dlas]
    )
    balances = budget.by_dla(convention_years)
    objectives = Objective.objects.visible_to(user).filter(year=year, dla__in=[d.pk for d in dlas])
    achieved = progress(objectives.select_related("dla"), year)
    met = {row["id"]: row["objectives"] for row in achieved["dlas"]}
    rows = [
        {
            "dla": dla,
            "balance": balances.get(dla.pk),
            "objectives": met.get(dla.pk, []),
            "met": sum(1 for o in met.get(dla.pk, []) if o["met"]),
        }
        for dla in dlas
    ]
    context = {
        "year": year,
        "years": years(),
        "rows": rows,
        "total": budget.totals(balances.values()),
        "progress": achieved,
        "reports": (
            ReportJob.objects.visible_to(user).select_related("region")[:20]
            if policy.reads_published_reports(user)
            else None
        ),
        "shares": (
            budget.shares(budget.national_shares(year))
            if policy.sees_funders_national_shares(user)
            else None
        ),
    }
    return render(request, "pilotage/index.html", context)
