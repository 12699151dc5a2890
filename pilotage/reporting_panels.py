"""pilotage's panels on the statistics dashboards and in the PDF report (reporting.extensions):
objectives planned vs achieved, and territorial coverage with its map."""

from __future__ import annotations

from typing import Any

from reporting import maps
from reporting.indicators import Level, Query, TerritoryNames
from territoires.models import Dla

from . import coverage
from .models import Objective
from .progress import achieved, progress


def _dlas(query: Query):
    scope = query.scope
    if scope.level == Level.DEPARTEMENT:
        return Dla.objects.filter(departement_id=scope.pk)
    if scope.level == Level.REGION:
        return Dla.objects.filter(region_id=scope.pk)
    return Dla.objects.all()


def summarise(query: Query, names: TerritoryNames) -> dict[str, Any]:
    """What the panels read from the year's data: reporting keeps it with the territory's
    maintained figures (reporting.summaries), so a dashboard does not recompute it."""
    dlas = list(_dlas(query).values_list("pk", flat=True))
    return {
        # JSON keys are text: DLA ids back to numbers in ``build``.
        "achieved": {
            str(pk): values for pk, values in achieved(dlas, query.year, query.cases).items()
        },
        "couverture": coverage.summarise(query, names),
    }


def build(
    query: Query, names: TerritoryNames, summary: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The panels' figures; ``summary``: what ``summarise`` stored for the territory."""
    objectives = (
        Objective.objects.visible_to(query.viewer)
        .filter(dla__in=_dlas(query), year=query.year)
        .select_related("dla")
    )
    known = {int(pk): values for pk, values in summary["achieved"].items()} if summary else None
    return {
        # France's panel shows the totals alone (pilotage/panels/objectifs.html).
        "objectifs": progress(
            objectives, query.year, known=known, detail=query.scope.level != Level.NATIONAL
        ),
        "couverture": coverage.build(query, names, summary["couverture"] if summary else None),
    }


def render(panel: dict, data: dict, *, public: bool, pdf: bool) -> list[dict]:
    level = data["scope"]["level"]
    names = data["departement_names"]
    published = data["public"]["departements"] if public else None
    cover = coverage.table(panel["couverture"], names, published)
    values = {row["code"]: row["rate"] for row in cover["rows"] if row["rate"] is not None}
    territory = "de la région" if level == Level.REGION else "de la France"
    flag = f"couverture faible (moins de la moitié du taux {territory})"
    chart = (
        maps.department_map(
            f"Couverture {data['year']} : structures accompagnées pour 100 établissements "
            "employeurs de l'ESS",
            values,
            names,
            decimals=1,
            flagged={row["code"] for row in cover["rows"] if row["thin"]},
            flag_label=flag,
            value_header="Pour 100 établissements",
        )
        if level != Level.DEPARTEMENT and values
        else None
    )
    return [
        {
            "template": "pilotage/panels/objectifs.html"
            if not pdf
            else "pilotage/pdf/objectifs.html",
            "progress": panel["objectifs"],
            "level": level,
        },
        {
            "template": "pilotage/panels/couverture.html"
            if not pdf
            else "pilotage/pdf/couverture.html",
            "coverage": cover,
            "chart": chart,
            "public": public,
            "flag": flag,
            "attribution": maps.ATTRIBUTION,
            "year": data["year"],
        },
    ]
