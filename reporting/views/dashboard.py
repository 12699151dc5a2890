"""Dashboards by level and the indicator dictionary."""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from territoires import policy
from territoires.actors import SYSTEM

from .. import extensions, figures, maps
from .. import snapshots as frozen_figures
from ..indicators import REGISTRY, SOURCES, THEMES, Level, Query, TerritoryNames, resolve_scope
from ..trends import years_with_data

DEFAULT_CACHE_SECONDS = 300


def selected_year(request, years: list[int]) -> int:
    """The year asked for among those with data, or the current one; never an error."""
    try:
        year = int(request.GET.get("annee", ""))
    except ValueError:
        return timezone.localdate().year
    return year if year in years else timezone.localdate().year


def dashboard(request):
    """Officer: their department; coordinator: their region; national: regions compared.

    A territory outside the user's scope is a 404, whatever the parameters say.
    """
    user = request.user
    if not policy.reads_dashboards(user):
        raise PermissionDenied(
            "Les tableaux de bord portent sur un territoire : votre compte n'en a pas."
        )
    years = years_with_data()
    year = selected_year(request, years)
    scope = resolve_scope(
        user,
        region=request.GET.get("region", "").strip(),
        departement=request.GET.get("departement", "").strip(),
    )
    # A funder reads published aggregates: its whole territory, small cells hidden.
    public = policy.reads_aggregates_only(user)
    query = Query(year, scope, SYSTEM if public else user)
    names = TerritoryNames(query.using)
    # A frozen year shows its snapshot; national operators may recompute it (provisional).
    live = request.GET.get("calcul") == "provisoire" and policy.may_recompute_frozen_year(user)
    # National operators follow France year by year.
    series = scope.level == Level.NATIONAL and policy.sees_national_key_figures(user)
    data = cached_figures(query, names, public=public, live=live, years=years, series=series)
    regions, departements = _selectable(user, names)
    context = {
        "data": data,
        "generated_at": datetime.datetime.fromisoformat(data["generated_at"]),
        "year": year,
        "scope": scope,
        "years": years,
        "series": figures.series_table(data),
        "previous_year": (data.get("previous") or {}).get("year"),
        "regions": regions,
        "departements": departements,
        "offers_national": policy.may_read_national(user),
        "offers_all_departements": policy.reads_several_departements(user),
        "key_figures": figures.key_figures(data, public=public),
        "comparison": figures.comparison(data, public=public),
        "sections": figures.sections(data, public=public, skip=figures.chart_skips(scope.level)),
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

    What a user may read depends only on their role and DLA, hence the key. Reports
    never read this cache: their figures are computed when the job runs.
    """
    seconds = getattr(settings, "REPORTING_DASHBOARD_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)
    user, scope = query.viewer, query.scope
    # A new version of a year's snapshot changes the key: no stale frozen figures.
    snapshot = None if live else frozen_figures.frozen(query.year, using=query.using)
    edition = f"v{snapshot.version}" if snapshot else "live"
    key = (
        f"reporting:dashboard:v{figures.DATA_VERSION}:{policy.reach_key(user)}:"
        f"{query.year}:{scope.level}:{scope.code or '-'}:{'public' if public else 'raw'}:"
        f"{edition}:{'series' if series else '-'}"
    )
    data = cache.get(key) if seconds else None
    if data is None:
        data = figures.build(
            query,
            names=names,
            public=public,
            live=live,
            snapshot=snapshot,
            years=years,
            series=series,
        )
        if seconds:
            cache.set(key, data, seconds)
    return data


def _selectable(user, names):
    """The territories the filters offer: exactly those ``resolve_scope`` accepts."""
    dla = user.dla if user.dla_id else None
    if policy.may_read_national(user):
        regions = names.regions
        departements = {code: name for code, (name, _) in names.departements.items()}
    elif policy.read_region_id(user) is not None and dla:
        regions = {dla.region.code: dla.region.name}
        departements = {
            code: name
            for code, (name, region) in names.departements.items()
            if region == dla.region.code
        }
    elif policy.read_departement_id(user) is not None and dla:
        regions = {}
        departements = {dla.departement.code: dla.departement.name}
    elif policy.reads_aggregates_only(user):
        regions = dict(policy.readable_regions(user).values_list("code", "name"))
        departements = dict(policy.readable_departements(user).values_list("code", "name"))
    else:
        regions, departements = {}, {}
    return list(regions.items()), list(departements.items())


def dictionary(request):
    """Every indicator with its code, label, definition and unit: the same registry as the PDF."""
    themes = [
        (label, [i for i in REGISTRY.values() if i.theme == theme])
        for theme, label in THEMES.items()
    ]
    return render(request, "reporting/dictionary.html", {"themes": themes, "sources": SOURCES})
