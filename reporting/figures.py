"""The figures of one dashboard or report, computed once as plain JSON-able data.

Dashboards render this data directly; a report job stores it (frozen) and the
PDF renders from the stored copy; exports read the same indicators. Presentation
helpers turn the data into key figures, comparison tables and charts, applying
small-cell suppression when the output is public.
"""

import copy
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString

from . import charts, extensions, maps, trends
from .indicators import (
    REGISTRY,
    THEMES,
    Level,
    Query,
    SmallCells,
    TerritoryNames,
    Unit,
    category_label,
    compute,
    get,
)
from .tables import figure_rows

# 2: a public overlay (``data["public"]``) with the year's suppression plan applied.
# 3: the snapshot it was read from, the year before (``previous``), the national series.
DATA_VERSION = 3
BASE_INDICATOR = "ACT_STRUCTURES"
MAP_INDICATOR = "STR_DEPARTEMENT"
# ``build()`` looks the year's snapshot up unless its caller did.
LOOKUP = object()
# Breakdowns drawn as vertical bars (few, short categories); the others as horizontal bars.
VERTICAL = {"STR_SIZE_CLASS", "PAR_PHASE_MEDIAN_DAYS", "SUI_SITUATION"}


def chart_skips(level: str) -> set[str]:
    """Breakdowns not drawn: the map shows departments; a single region's bar says nothing."""
    skip = {"STR_DEPARTEMENT"}
    if level != Level.NATIONAL:
        skip.add("STR_REGION")
    return skip


def build(
    query: Query,
    names: TerritoryNames | None = None,
    *,
    public: bool = False,
    live: bool = False,
    snapshot: Any = LOOKUP,
    years: list[int] | None = None,
    series: bool = False,
    summary: Any = None,
) -> dict:
    """Every indicator for the query's scope, the scalars by compared territory, the map,
    and the year before (``previous``).

    ``public``: also the overlay a publication shows (``reporting.publication``), with
    the cells hidden by the year's disclosure control replaced by ``s``.
    A frozen year is read from its latest snapshot (``data["snapshot"]`` says which
    version), unless ``live`` asks for the provisional recomputation. ``snapshot``: the
    year's latest snapshot when the caller already looked it up (``None``: not frozen).
    ``years``: the years with data, when the caller has them; ``series``: the key figures
    of France year by year (national scope only). ``summary``: the maintained figures
    (``reporting.summaries.Loaded``) a dashboard reads instead of computing them; a
    cell it lacks is computed here.
    """
    names = names or TerritoryNames(query.using)
    if not live and snapshot is LOOKUP:
        from . import snapshots

        snapshot = snapshots.frozen(query.year, using=query.using)
    if not live and snapshot is not None:
        data = frozen(snapshot, query, names, public=public, summary=summary)
    else:
        data = _live(query, names, public=public, live=live, summary=None if live else summary)
    years = trends.years_with_data(query.using) if years is None else years
    data["previous"] = trends.previous(query, names, years, public=public, summary=summary)
    data["series"] = []
    if series and query.scope.level == Level.NATIONAL:
        known = {query.year: data}
        if data["previous"]:
            known[query.year - 1] = data["previous"]
        data["series"] = trends.series(query, names, years, known, summary=summary)
    return data


def _summarised(query: Query, names: TerritoryNames, level: str | None, summary: Any):
    """The scope's totals and its compared territories' scalars from maintained cells:
    ``(totals, by_territory, computed_at)``, each ``None`` where a cell is missing."""
    scope, year = query.scope, query.year
    own = (year, scope.level, scope.code)
    totals = summary.values_at(*own)
    keys = [own]
    by_territory = None
    if level:
        territories = list(names.within(level, query))
        cells = {t: summary.values_at(year, level, t) for t in territories}
        if all(values is not None for values in cells.values()):
            by_territory = {
                i.code: {t: cells[t].get(i.code) for t in territories}
                for i in REGISTRY.values()
                if not i.is_breakdown
            }
            keys += [(year, level, t) for t in territories]
    computed_at = summary.computed_at(keys) if totals is not None else None
    return totals, by_territory, computed_at


def _live(
    query: Query, names: TerritoryNames, *, public: bool = False, live: bool = False, summary=None
) -> dict:
    scope = query.scope
    level = scope.compare_level
    totals = by_territory = computed_at = None
    if summary is not None:
        totals, by_territory, computed_at = _summarised(query, names, level, summary)
    if totals is None:
        totals = compute(query, names=names)
    scalars = [i for i in REGISTRY.values() if not i.is_breakdown]
    if by_territory is None:
        by_territory = compute(query, scalars, by=level, names=names) if level else {}
    territories = names.within(level, query) if level else {}
    # Structures accompanied by department: the breakdown already computed for the totals.
    departements = totals[MAP_INDICATOR]
    departement_names = names.within(Level.DEPARTEMENT, query)
    data = {
        "version": DATA_VERSION,
        "year": query.year,
        "scope": {**scope.to_dict(), "name": scope.name, "title": scope.title},
        "compare_level": level,
        "territories": [[code, name] for code, name in territories.items()],
        "totals": totals,
        "by_territory": {
            code: {t: values.get(t, 0 if _is_count(code) else None) for t in territories}
            for code, values in by_territory.items()
        },
        "departements": {code: departements.get(code, 0) for code in departement_names},
        "departement_names": departement_names,
        "region_names": names.regions if level == Level.REGION else {},
        "generated_at": (computed_at or timezone.now()).isoformat(),
        # Computed live: provisional (a frozen year's data names its snapshot).
        "snapshot": None,
        # Figures of the apps above reporting (pilotage: objectives, coverage), frozen too.
        "panels": extensions.build(query, names, _panels(query, summary)),
    }
    if public:
        from . import publication

        # The year's stored publication, the one its other outputs read (computed here
        # only if never stored); ``live`` asks for the provisional recomputation.
        if live:
            published = publication.build(query.year, using=query.using)
        else:
            published = publication.for_year(
                query.year,
                using=query.using,
                snapshot=None,
                stored=summary.publications if summary is not None else None,
            )
        data["public"] = published.scope_values(scope, data)
    return data


def _panels(query: Query, summary: Any) -> dict | None:
    """What the extensions summarised for the query's territory, if maintained."""
    if summary is None:
        return None
    return summary.panels_at(query.year, query.scope.level, query.scope.code)


def frozen(
    snapshot, query: Query, names: TerritoryNames, *, public: bool = False, summary=None
) -> dict:
    """``build()``'s data for a frozen year, read from ``snapshot`` (same shape)."""
    from . import snapshots

    scope = query.scope
    level = scope.compare_level
    levels = snapshots.figures_of(snapshot)["levels"]
    # A copy: the parsed snapshot is shared by every reader of this process.
    totals = copy.deepcopy(snapshots.scope_totals(snapshot, scope))
    territories = names.within(level, query) if level else {}
    departements = totals[MAP_INDICATOR]
    departement_names = names.within(Level.DEPARTEMENT, query)
    data = {
        "version": DATA_VERSION,
        "year": query.year,
        "scope": {**scope.to_dict(), "name": scope.name, "title": scope.title},
        "compare_level": level,
        "territories": [[code, name] for code, name in territories.items()],
        "totals": totals,
        "by_territory": {
            i.code: {t: levels[level].get(t, {}).get(i.code) for t in territories}
            for i in REGISTRY.values()
            if level and not i.is_breakdown
        },
        "departements": {code: departements.get(code, 0) for code in departement_names},
        "departement_names": departement_names,
        "region_names": names.regions if level == Level.REGION else {},
        "generated_at": snapshot.created_at.isoformat(),
        "snapshot": snapshots.describe(snapshot),
        # Figures of the apps above reporting (pilotage) are not part of the snapshot.
        "panels": extensions.build(query, names, _panels(query, summary)),
    }
    if public:
        data["public"] = snapshots.publication_of(snapshot).scope_values(scope, data)
    return data


def view(data, public: bool) -> dict:
    """The values an output shows: the raw figures (internal) or the public overlay."""
    if not public:
        return data
    if "public" not in data:
        raise ValueError("Ces chiffres n'ont pas été figés avec leur version publiable.")
    return data["public"]


def _is_count(code):
    return get(code).small_cells == SmallCells.COUNT


@dataclass
class Figure:
    code: str
    label: str
    unit: str
    value: object
    text: str
    # The same figure the year before, when it has data; the change from it.
    previous_text: str = ""
    change_text: str = ""


def text(indicator, value):
    return charts.fmt(value, indicator.decimals, indicator.unit)


def change_text(indicator, value, before) -> str:
    """« +12 % » (counts, sums, medians), « +3,5 pts » for a percentage; "" if none."""
    if indicator.unit == Unit.PERCENT:
        if not isinstance(value, int | float) or not isinstance(before, int | float):
            return ""
        points = charts.fmt(abs(value - before), 1, "")
        sign = "+" if value >= before else "−"
        return f"{sign}{points} pts"
    return trends.change(value, before)


def previous_values(data, public: bool) -> dict | None:
    previous = data.get("previous")
    if not previous:
        return None
    return previous.get("public", {}) if public else previous["totals"]


def key_figures(data, *, public=False) -> list[Figure]:
    return [f for f in scalar_figures(data, public=public) if get(f.code).key]


def scalar_figures(data, *, public=False, theme=None) -> list[Figure]:
    totals = view(data, public)["totals"]
    before = previous_values(data, public)
    figures = []
    for indicator in REGISTRY.values():
        if indicator.is_breakdown or (theme and indicator.theme != theme):
            continue
        value = totals[indicator.code]
        figure = Figure(
            indicator.code, indicator.label, indicator.unit, value, text(indicator, value)
        )
        if before is not None:
            old = before.get(indicator.code)
            figure.previous_text = text(indicator, old)
            figure.change_text = change_text(indicator, value, old)
        figures.append(figure)
    return figures


@dataclass
class Series:
    years: list[int]
    # Years computed live (not frozen yet): marked « provisoire ».
    provisional: set[int]
    # (indicator, [formatted value per year]) rows.
    rows: list

    @property
    def html_rows(self) -> SafeString:
        return figure_rows((indicator.label, cells) for indicator, cells in self.rows)


def series_table(data) -> Series | None:
    """The key figures of France year by year (national operators' dashboard, national PDF)."""
    entries = data.get("series") or []
    if not entries:
        return None
    keys = [i for i in REGISTRY.values() if i.key and not i.is_breakdown]
    rows = [(i, [text(i, entry["totals"].get(i.code)) for entry in entries]) for i in keys]
    provisional = {entry["year"] for entry in entries if entry["snapshot"] is None}
    return Series([entry["year"] for entry in entries], provisional, rows)


@dataclass
class Comparison:
    level_label: str
    territories: list
    # (indicator, [formatted value per territory]) rows.
    rows: list

    @property
    def html_rows(self) -> SafeString:
        return figure_rows(
            (f"{i.label} ({i.unit})" if i.unit else i.label, cells) for i, cells in self.rows
        )


def comparison(data, *, public=False) -> Comparison | None:
    """Scalars side by side for the territories the scope compares (regions or departments)."""
    level = data["compare_level"]
    if not level:
        return None
    territories = data["territories"]
    by_territory = view(data, public)["by_territory"]
    rows = []
    for indicator in REGISTRY.values():
        if indicator.is_breakdown:
            continue
        values = by_territory[indicator.code]
        cells = [text(indicator, values.get(code)) for code, _ in territories]
        rows.append((indicator, cells))
    label = "Région" if level == Level.REGION else "Département"
    return Comparison(label, territories, rows)


def _breakdown_items(indicator, data, public):
    values = view(data, public)["totals"][indicator.code]
    labels = indicator.breakdown.labels
    if labels == Level.REGION:
        labels = data.get("region_names") or dict(data["territories"])
    elif labels == Level.DEPARTEMENT:
        labels = data["departement_names"]
    return [(category_label(indicator, key, labels), value) for key, value in values.items()]


def breakdown_chart(indicator, data, *, public=False) -> charts.Chart:
    items = _breakdown_items(indicator, data, public)
    draw = charts.bar_chart if indicator.code in VERTICAL else charts.horizontal_bars
    return draw(
        f"{indicator.label} ({data['year']})",
        items,
        unit=indicator.unit,
        decimals=indicator.decimals,
        category_header=indicator.breakdown.label.capitalize(),
        value_header=indicator.unit.capitalize(),
    )


def map_chart(data, *, public=False) -> charts.Chart:
    indicator = get(MAP_INDICATOR)
    values = view(data, public)["departements"]
    return maps.department_map(
        f"{indicator.label} ({data['year']})",
        values,
        data["departement_names"],
        unit=indicator.unit,
        value_header=indicator.unit.capitalize(),
    )


@dataclass
class Section:
    theme: str
    label: str
    figures: list
    charts: list


def sections(data, *, public=False, skip=()) -> list[Section]:
    result = []
    for theme, label in THEMES.items():
        figures = scalar_figures(data, public=public, theme=theme)
        drawn = [
            breakdown_chart(indicator, data, public=public)
            for indicator in REGISTRY.values()
            if indicator.is_breakdown and indicator.theme == theme and indicator.code not in skip
        ]
        result.append(Section(theme, label, figures, drawn))
    return result


def flat_values(data) -> dict[str, object]:
    """Every figure of the scope as ``code`` or ``code/category`` → value (for comparisons)."""
    flat = {}
    for code, value in data["totals"].items():
        if isinstance(value, dict):
            for key, item in value.items():
                flat[f"{code}/{key}"] = item
        else:
            flat[code] = value
    return flat


@dataclass
class ThemeTable:
    theme: str
    label: str
    indicators: list
    # (territory name, [formatted values]) rows.
    rows: list


def comparison_by_theme(data, *, public=False) -> list[ThemeTable]:
    """One table per theme: a row per compared territory, a column per indicator (the PDF)."""
    level = data["compare_level"]
    if not level:
        return []
    by_territory = view(data, public)["by_territory"]
    tables = []
    for theme, label in THEMES.items():
        indicators = [i for i in REGISTRY.values() if i.theme == theme and not i.is_breakdown]
        rows = []
        for code, name in data["territories"]:
            cells = [text(i, by_territory[i.code].get(code)) for i in indicators]
            rows.append((f"{name}", cells))
        tables.append(ThemeTable(theme, label, indicators, rows))
    return tables
