"""Dashboards by level and the indicator dictionary."""

import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

import tabular
from territoires import policy
from territoires.actors import SYSTEM
from territoires.models import Departement, Region
from webinput.markup import escaped

from .. import extensions, figures, maps, summaries
from ..indicators import REGISTRY, SOURCES, THEMES, Level, Query, resolve_scope
from ..trends import years_with_data

DEFAULT_CACHE_SECONDS = 300


def selected_year(request, years: list[int]) -> int:
    """The year asked for among those with data, or the current one; never an error."""
    try:
        year = int(request.GET.get("annee", ""))
    except ValueError:
        return timezone.localdate().year
    return year if year in years else timezone.localdate().year


@dataclass
class Asked:
    """What a dashboard request asks for, checked: year, territory, and its figures."""

    user: Any
    years: list[int]
    year: int
    scope: Any
    departement: "AskedDepartement"
    public: bool
    live: bool
    names: Any
    data: dict


def asked_figures(request) -> Asked:
    """The dashboard's parameters and figures (the page and its comparison table's export).

    A territory outside the user's scope is a 404, whatever the parameters say.
    """
    user = request.user
    if not policy.reads_dashboards(user):
        raise PermissionDenied(
            "Les tableaux de bord portent sur un territoire : votre compte n'en a pas."
        )
    years = years_with_data()
    year = selected_year(request, years)
    region, departement = linked_territory(
        request.GET.get("region", "").strip(), request.GET.get("departement", "").strip()
    )
    scope = resolve_scope(user, region=region, departement=departement.code)
    # A funder reads published aggregates: its whole territory, small cells hidden.
    public = policy.reads_aggregates_only(user)
    query = Query(year, scope, SYSTEM if public else user)
    names = summaries.territory_names(query.using)
    # A frozen year shows its snapshot; national operators may recompute it (provisional).
    live = request.GET.get("calcul") == "provisoire" and policy.may_recompute_frozen_year(user)
    # National operators follow France year by year.
    series = scope.level == Level.NATIONAL and policy.sees_national_key_figures(user)
    data = cached_figures(query, names, public=public, live=live, years=years, series=series)
    return Asked(user, years, year, scope, departement, public, live, names, data)


def dashboard(request):
    """Officer: their department; coordinator: their region; national: regions compared."""
    asked = asked_figures(request)
    user, years, year, scope = asked.user, asked.years, asked.year, asked.scope
    departement, public, live, names, data = (
        asked.departement,
        asked.public,
        asked.live,
        asked.names,
        asked.data,
    )
    regions, departements = _selectable(user, names)
    # The department choices follow the region shown (the department's own, when zoomed in).
    shown_region = scope.code if scope.level == Level.REGION else ""
    if scope.level == Level.DEPARTEMENT:
        shown_region = names.departements.get(scope.code, ("", ""))[1]
    if shown_region:
        departements = [d for d in departements if d[2] == shown_region]
    else:
        # Grouped by region (optgroups), regions in the order of the region selector.
        rank = {code: i for i, (code, _) in enumerate(regions)}
        departements.sort(key=lambda d: (rank.get(d[2], len(rank)), d[0]))
    sections = figures.sections(data, public=public, skip=figures.chart_skips(scope.level))
    previous_year = (data.get("previous") or {}).get("year")
    for section in sections:
        section.figures_html = figure_items(with_units(section.figures), previous_year)
    context = {
        "data": data,
        "generated_at": datetime.datetime.fromisoformat(data["generated_at"]),
        "year": year,
        "scope": scope,
        "years": years,
        "series": figures.series_table(data),
        "previous_year": previous_year,
        "regions": regions,
        "departement_options": departement_options(regions, departements, scope, shown_region),
        "shown_region": shown_region,
        # The comparison table's export asks for exactly what the page shows.
        "export_query": _territory_query(year, scope, live),
        "territory_refused": departement.refused,
        "offers_national": policy.may_read_national(user),
        "offers_all_departements": policy.reads_several_departements(user),
        "key_figures": with_units(figures.key_figures(data, public=public)),
        "comparison": figures.comparison(data, public=public),
        "sections": sections,
        "map": figures.map_chart(data, public=public),
        "map_attribution": maps.ATTRIBUTION,
        "public": public,
        "snapshot": data.get("snapshot"),
        "live_requested": live,
        "offers_live": policy.may_recompute_frozen_year(user),
        "offers_campaigns": policy.reads_campaigns(user),
        # Figures of the apps above reporting (objectives, coverage: pilotage).
        "panels": extensions.render(data, public=public),
    }
    return render(request, "reporting/dashboard.html", context)


def cached_figures(
    query, names, *, public: bool = False, live: bool = False, years=None, series=False
) -> dict:
    """The dashboard's figures, shared for a few minutes by people who see the same data.

    Read from the maintained summaries (``reporting.summaries``: a few indexed reads)
    and, for a frozen year, its snapshot; only a cell never computed is computed here.
    What a user may read depends only on their role and DLA, hence the key. Reports
    never read this cache nor the summaries: their figures are computed when the job runs.
    """
    seconds = getattr(settings, "REPORTING_DASHBOARD_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)
    user, scope = query.viewer, query.scope
    # A new version of a year's snapshot changes the key: no stale frozen figures.
    frozen_years = summaries.latest_snapshots(query.using)
    snapshot = None if live else frozen_years.get(query.year)
    edition = f"v{snapshot.version}" if snapshot else "live"
    key = (
        f"reporting:dashboard:v{figures.DATA_VERSION}:{policy.reach_key(user)}:"
        f"{query.year}:{scope.level}:{scope.code or '-'}:{'public' if public else 'raw'}:"
        f"{edition}:{'series' if series else '-'}"
    )
    data = cache.get(key) if seconds else None
    if data is None:
        summary = None
        if not live:
            summary = summaries.load(
                query.year,
                scope,
                names,
                using=query.using,
                series=series,
                public=public,
                snapshots=frozen_years,
            )
        data = figures.build(
            query,
            names=names,
            public=public,
            live=live,
            snapshot=snapshot,
            years=years,
            series=series,
            summary=summary,
        )
        if seconds:
            cache.set(key, data, seconds)
    return data


@dataclass(frozen=True)
class AskedDepartement:
    code: str = ""
    # Why the department asked for was not shown (French, for the page), or "".
    refused: str = ""


def linked_territory(region: str, departement: str) -> tuple[str, AskedDepartement]:
    """Region and department as the filters send them, checked against each other.

    A department outside the chosen region is refused, with a French message, and the
    region is shown: never one of the two silently ignored. Codes that are not
    territories are left to ``resolve_scope`` (a 404).
    """
    if not (region and departement) or not all(
        len(code) <= 3 and code.isascii() and code.isalnum() for code in (region, departement)
    ):
        # Nothing to check, or not codes: resolve_scope answers (a 404), unqueried.
        return region, AskedDepartement(departement)
    found = (
        Departement.objects.filter(code=departement)
        .values_list("name", "region__code", "region__name")
        .first()
    )
    if found is None or found[1] == region:
        return region, AskedDepartement(departement)
    region_name = Region.objects.filter(code=region).values_list("name", flat=True).first()
    if region_name is None:
        return region, AskedDepartement(departement)
    return region, AskedDepartement(
        "",
        f"Le département {found[0]} ({departement}) n'est pas dans la région {region_name} "
        f"(il est en {found[2]}) : voici les chiffres de la région {region_name}. "
        "Choisissez un de ses départements, ou la région du département.",
    )


# Units as a figure says them: 0 and 1 take the singular in French (« 1 structure »).
SINGULAR_UNITS = {
    "structures": "structure",
    "accompagnements": "accompagnement",
    "diagnostics": "diagnostic",
    "ingénieries": "ingénierie",
    "points de suivi": "point de suivi",
    "prestataires": "prestataire",
    "salarié·es": "salarié·e",
    "jours": "jour",
}


def unit_text(value, unit: str) -> str:
    """The unit written after a figure, "" when its text already carries it (%, €)."""
    if not unit or unit in {"%", "€", "€ / jour"} or not isinstance(value, int | float):
        return ""
    return SINGULAR_UNITS.get(unit, unit) if abs(value) < 2 else unit


def with_units(shown):
    """Every figure with its unit (issue 17): a count reads « 12 structures », not « 12 »."""
    for figure in shown:
        figure.unit_text = unit_text(figure.value, figure.unit)
    return shown


def figure_items(shown, previous_year) -> SafeString:
    """A section's figures as list items, each with its unit and last year's value:
    written here, not by the template's loop (a test and six variables a figure)."""
    items = []
    for figure in shown:
        unit = (
            f' <span class="card__unit">{escaped(figure.unit_text)}</span>'
            if figure.unit_text
            else ""
        )
        before = ""
        if previous_year:
            change = f", {escaped(figure.change_text)}" if figure.change_text else ""
            before = (
                f' <span class="help">({escaped(previous_year)} : '
                f"{escaped(figure.previous_text)}{change})</span>"
            )
        items.append(
            f'<li><span>{escaped(figure.label)}</span><span class="value">'
            f"{escaped(figure.text)}{unit}{before}</span></li>"
        )
    return mark_safe("\n".join(items))  # every value escaped above


def _selectable(user, names):
    """The territories the filters offer: exactly ``policy.readable_regions`` and
    ``policy.readable_departements`` (tests/reporting/test_dashboard_selectors.py checks it
    for every persona), read from the names already loaded rather than queried again."""
    if policy.may_read_national(user):
        regions = dict(names.regions)
        departements = dict(names.departements)
    elif (region_id := policy.figures_region_id(user)) is not None:
        code = names.region_code(region_id)
        regions = {code: names.regions[code]}
        departements = {c: d for c, d in names.departements.items() if d[1] == code}
    elif (departement_id := policy.figures_departement_id(user)) is not None:
        code = names.departement_code(departement_id)
        regions, departements = {}, {code: names.departements[code]}
    else:
        regions, departements = {}, {}
    # (code, name, region code): the template groups departments by region.
    return list(regions.items()), [(c, n, r) for c, (n, r) in departements.items()]


def departement_options(regions, departements, scope, shown_region: str) -> SafeString:
    """The department selector's options: a region's own, or France's grouped by region.

    Written here rather than by the template, whose loops (a region's name looked up
    among 18 for each of 18 groups, a test per option) were a fifth of the national
    dashboard's CPU."""
    chosen = scope.code if scope.level == Level.DEPARTEMENT else None

    def option(code: str, name: str) -> str:
        selected = " selected" if code == chosen else ""
        return f'<option value="{escape(code)}"{selected}>{escape(code)} – {escape(name)}</option>'

    if shown_region or not regions:
        return mark_safe("".join(option(code, name) for code, name, _ in departements))
    region_names = dict(regions)
    groups: dict[str, list[str]] = {}
    for code, name, region in departements:  # already in the regions' order
        groups.setdefault(region, []).append(option(code, name))
    return mark_safe(  # every value escaped above
        "\n".join(
            f'<optgroup label="{escape(region_names.get(region, ""))}">{"".join(options)}'
            "</optgroup>"
            for region, options in groups.items()
        )
    )


COMPARISON_FORMATS = ("csv", "xlsx")


def _territory_query(year, scope, live) -> str:
    params = {"annee": year}
    if scope.level in (Level.REGION, Level.DEPARTEMENT):
        params[scope.level] = scope.code
    if live:
        params["calcul"] = "provisoire"
    return urlencode(params)


def comparison_export(request):
    """The dashboard's comparison table as a spreadsheet: the same figures as the page
    (the same parameters, scope and disclosure control), a row per indicator with its unit."""
    asked = asked_figures(request)
    table = figures.comparison(asked.data, public=asked.public)
    if table is None:
        messages.info(
            request,
            "Ce territoire n'a pas de tableau comparatif : choisissez la France entière ou une "
            "région pour comparer ses territoires.",
        )
        return redirect(f"{reverse('reporting:dashboard')}?{request.GET.urlencode()}")
    fmt = request.GET.get("format", "")
    fmt = fmt if fmt in COMPARISON_FORMATS else "csv"
    by_territory = figures.view(asked.data, asked.public)["by_territory"]
    codes = [code for code, _ in table.territories]
    headers = ["Indicateur", "Code", "Unité", *(name for _, name in table.territories)]
    rows = [
        [
            indicator.label,
            indicator.code,
            indicator.unit,
            *(by_territory[indicator.code].get(code, "") for code in codes),
        ]
        for indicator, _ in table.rows
    ]
    territory = asked.scope.code or "france"
    return tabular.export_response(fmt, f"comparaison-{territory}-{asked.year}", headers, rows)


def dictionary(request):
    """Every indicator with its code, label, definition and unit: the same registry as the PDF."""
    themes = [
        (label, [i for i in REGISTRY.values() if i.theme == theme])
        for theme, label in THEMES.items()
    ]
    return render(request, "reporting/dictionary.html", {"themes": themes, "sources": SOURCES})
