"""What a year's publication may show: every figure at every level, and one suppression plan.

All published outputs of a year (the national and regional PDF reports, the indicator
export, the snapshot's public tables) are subsets of one *statistical table*:
scalars for France, each region and each department, breakdowns for France and each
region. The suppression plan is computed once on that whole table
(``reporting.disclosure``) and every output reads its cells through
``Publication.public``: a cell hidden in one output is hidden in all, so no
combination of a year's outputs recovers it by subtraction.

Public figures are the same for every reader: they are computed by the system
actor, never restricted to what the requester may see.

The plan costs seconds to minutes of linear algebra at national scale, so readers do not
compute it: a year's publication is stored (``models.StoredPublication``, in the form of
``Publication.to_json``: its values and its plan, not the table's lines) by the worker —
for an open year by the summaries' refresh (``reporting.summaries``), for a frozen year
once beside its snapshot — and ``for_year`` reads it; only a year never stored is
computed by its reader.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Case, F, JSONField, Value, When

from territoires.actors import SYSTEM

from . import disclosure
from .indicators import (
    REGISTRY,
    SECRET,
    Indicator,
    Level,
    Query,
    Scope,
    TerritoryNames,
    compute,
)
from .indicators.engine import UNKNOWN, contributors
from .indicators.sources import read_accompanied

RANK = {Level.DEPARTEMENT: 0, Level.REGION: 1, Level.NATIONAL: 2}
# Breakdowns by territory repeat the structures counted by ACT_STRUCTURES.
ALIASES = {"STR_REGION": Level.REGION, "STR_DEPARTEMENT": Level.DEPARTEMENT}
BASE = "ACT_STRUCTURES"


# A cell of the table: (indicator code, level, territory code, category).
CellKey = tuple[str, str, str, str]


def key(code: str, level: str, territory: str = "", category: str = "") -> CellKey:
    return (code, level, territory if level != Level.NATIONAL else "", category)


def _residual(code: str, level: str, territory: str, category: str = "") -> CellKey:
    return (code, f"{level}-hors-ventilation", territory, category)


# The stored form of a publication (``Publication.to_json``).
FORMAT = 1


def _number(value: object) -> float | None:
    """What the disclosure table holds for a value: a number, else nothing."""
    return value if isinstance(value, int | float) else None


@dataclass
class Publication:
    year: int
    # The table the plan was computed on; ``None`` when read back from storage
    # (``from_json``), which keeps the values and the plan only.
    table: disclosure.Table | None
    plan: disclosure.Plan
    values: dict[CellKey, Any] = field(default_factory=dict)

    def public(self, code: str, level: str, territory: str = "", category: str = "") -> Any:
        """The value an output may show for a cell, or ``SECRET``.

        Every cell of the table is a cell of ``values`` (its table value is
        ``_number(value)``) but the residuals, which are always hidden; so this needs
        the plan and the values, not the table.
        """
        if code in ALIASES:
            code, level, territory, category = BASE, ALIASES[code], category, ""
        if level == Level.NATIONAL:
            return self.values.get(key(code, level, "", category))
        cell = key(code, level, territory, category)
        if cell not in self.values or cell in self.plan.hidden:
            return SECRET
        return _number(self.values[cell])

    def to_json(self) -> dict[str, Any]:
        """The publication as JSON: its values and its plan (cell keys as lists), sorted."""

        def keys(cells: Iterable[Any]) -> list[list[str]]:
            return [list(cell) for cell in sorted(cells)]

        return {
            "format": FORMAT,
            "year": self.year,
            "values": [[*cell, self.values[cell]] for cell in sorted(self.values)],
            "hidden": keys(self.plan.hidden),
            "primary": keys(self.plan.primary),
            "unprotected": keys(self.plan.unprotected),
        }

    @classmethod
    def from_json(cls, content: dict[str, Any]) -> "Publication":
        if content.get("format") != FORMAT:
            raise ValueError(f"Publication stockée au format {content.get('format')!r}.")

        def keys(name: str) -> set[Any]:
            return {tuple(cell) for cell in content[name]}

        values = {
            (code, level, territory, category): value
            for code, level, territory, category, value in content["values"]
        }
        plan = disclosure.Plan(
            hidden=keys("hidden"), primary=keys("primary"), unprotected=keys("unprotected")
        )
        return cls(content["year"], None, plan, values)

    def scope_values(self, scope: Scope, data: dict[str, Any]) -> dict[str, Any]:
        """The public overlay of ``figures.build`` data: same shape, hidden cells as ``s``."""
        level, code = scope.level, scope.code
        totals: dict[str, Any] = {}
        for indicator in REGISTRY.values():
            value = data["totals"][indicator.code]
            if isinstance(value, dict):
                totals[indicator.code] = {
                    category: self.public(indicator.code, level, code, category)
                    for category in value
                }
            else:
                totals[indicator.code] = self.public(indicator.code, level, code)
        compare = data["compare_level"]
        by_territory = {
            code_: {t: self.public(code_, compare, t) for t in values}
            for code_, values in data["by_territory"].items()
        }
        departements = {d: self.public(BASE, Level.DEPARTEMENT, d) for d in data["departements"]}
        return {"totals": totals, "by_territory": by_territory, "departements": departements}


def _scalars_and_breakdowns() -> tuple[list[Indicator], list[Indicator]]:
    scalars = [i for i in REGISTRY.values() if not i.is_breakdown]
    breakdowns = [
        i
        for i in REGISTRY.values()
        if i.breakdown is not None and isinstance(i.breakdown.labels, dict)
    ]
    return scalars, breakdowns


def inputs(year: int, using: str = "") -> dict[str, list[dict[str, Any]]]:
    """What the year's table is made of, computed live: ``{level: [values, contributors]}``.

    JSON-able: a snapshot stores it, so that a frozen year's publication is rebuilt from
    the very figures that were frozen (``from_inputs``).
    """
    # The year's accompanied cases read once for the six computations below.
    query = read_accompanied(Query(year, Scope.national(), SYSTEM, using=using))
    names = TerritoryNames(query.using)
    scalars, breakdowns = _scalars_and_breakdowns()
    return {
        Level.NATIONAL: [compute(query, names=names), contributors(query, names=names)],
        Level.REGION: [
            compute(query, scalars + breakdowns, by=Level.REGION, names=names),
            contributors(query, scalars + breakdowns, by=Level.REGION, names=names),
        ],
        Level.DEPARTEMENT: [
            compute(query, scalars, by=Level.DEPARTEMENT, names=names),
            contributors(query, scalars, by=Level.DEPARTEMENT, names=names),
        ],
    }


# ``for_year`` looks the year's snapshot up unless its caller did.
LOOKUP = object()


def for_year(
    year: int,
    using: str = "",
    *,
    snapshot: Any = LOOKUP,
    stored: dict[int, Publication] | None = None,
) -> Publication:
    """The year's publication: its latest snapshot's once frozen, else the stored one
    (``maintained``), else computed live. ``snapshot``: the year's latest snapshot when
    the caller already looked it up (``None``: not frozen); ``stored``: the stored
    publications the caller already read (``maintained_years``)."""
    from . import snapshots

    if snapshot is LOOKUP:
        snapshot = snapshots.frozen(year, using=using)
    if snapshot is not None:
        return snapshots.publication_of(snapshot)
    if stored is not None and year in stored:
        return stored[year]
    return maintained(year, using=using) or build(year, using=using)


def maintained(year: int, using: str = "") -> Publication | None:
    """The stored publication of an open year, as the last refresh computed it (it may
    lag behind the latest writes by a refresh), or ``None`` when never stored."""
    return maintained_years([year], using=using).get(year)


def maintained_years(years: list[int], using: str = "") -> dict[int, Publication]:
    """The stored publications of these open years (those never stored are left out).

    One query: a stored content comes along only when this process has not parsed that
    version of it yet (``computed_at`` changes with every refresh that stores it).
    """
    from .models import StoredPublication

    using = using or settings.REPORTING_DB_ALIAS
    known = {year: _parsed[(using, year)] for year in years if (using, year) in _parsed}
    content: Any = F("content")
    if known:
        content = Case(
            *(
                When(year=year, computed_at=computed_at, then=Value(None, output_field=JSONField()))
                for year, (computed_at, _) in known.items()
            ),
            default=F("content"),
            output_field=JSONField(),
        )
    rows = (
        StoredPublication.objects.using(using)
        .filter(year__in=years, snapshot__isnull=True, computed_at__isnull=False)
        .annotate(body=content)
        .order_by("year", "pk")
        .values_list("year", "computed_at", "body")
    )
    found: dict[int, Publication] = {}
    for year, computed_at, body in rows:
        if year in found:
            continue
        if body is None and year in known:
            found[year] = known[year][1]
            continue
        found[year] = Publication.from_json(body)
        _parsed[(using, year)] = (computed_at, found[year])
    return found


# The stored publications this process has parsed: (database, year) → (computed_at, it).
_parsed: dict[tuple[str, int], tuple[datetime.datetime | None, Publication]] = {}


def build(year: int, using: str = "") -> Publication:
    """The publication computed live (a frozen year reads ``for_year``)."""
    using = using or settings.REPORTING_DB_ALIAS
    return from_inputs(year, inputs(year, using=using), TerritoryNames(using))


def from_inputs(
    year: int, levels: dict[str, list[dict[str, Any]]], names: TerritoryNames
) -> Publication:
    scalars, breakdowns = _scalars_and_breakdowns()
    table = disclosure.Table()
    values: dict[CellKey, Any] = {}
    regions = names.regions
    departements = names.departements
    territories = {
        Level.NATIONAL: [""],
        Level.REGION: list(regions),
        Level.DEPARTEMENT: list(departements),
    }

    def read(level: str, code: str, territory: str, category: str | None = None) -> tuple[Any, int]:
        found, counted = levels[level]
        value, count = found[code], counted[code]
        if level != Level.NATIONAL:
            value, count = value.get(territory), count.get(territory)
            if value is None and category is None:
                value = 0 if REGISTRY[code].additive else None
        if category is not None:
            value = (value or {}).get(category, 0 if REGISTRY[code].additive else None)
            count = (count or {}).get(category)
        return value, count or 0

    for indicator in scalars:
        for level, codes in territories.items():
            for territory in codes:
                value, count = read(level, indicator.code, territory)
                cell = key(indicator.code, level, territory)
                values[cell] = value
                table.add(_cell(cell, value, count, level))
        if indicator.additive:
            _hierarchy(table, indicator.code, "", regions, departements)
    for indicator in breakdowns:
        categories = set(indicator.breakdown.labels if indicator.breakdown else ())
        for level in (Level.NATIONAL, Level.REGION):
            found = levels[level][0][indicator.code]
            for value in found.values() if level == Level.REGION else [found]:
                categories |= set(value)
        for category in sorted(categories):
            for level in (Level.NATIONAL, Level.REGION):
                for territory in territories[level]:
                    value, count = read(level, indicator.code, territory, category)
                    cell = key(indicator.code, level, territory, category)
                    values[cell] = value
                    table.add(_cell(cell, value, count, level))
            if indicator.additive:
                _hierarchy(table, indicator.code, category, regions, departements, depth=1)
        if indicator.additive and indicator.total_of:
            for level in (Level.NATIONAL, Level.REGION):
                for territory in territories[level]:
                    table.relate(
                        key(indicator.total_of, level, territory),
                        [key(indicator.code, level, territory, c) for c in sorted(categories)],
                    )
    for indicator in scalars:
        if indicator.parts:
            for level, codes in territories.items():
                for territory in codes:
                    table.relate(
                        key(indicator.code, level, territory),
                        [key(part, level, territory) for part in indicator.parts],
                    )
    return Publication(year, table, disclosure.protect(table), values)


def _cell(cell: CellKey, value: object, count: int, level: str) -> disclosure.Cell:
    return disclosure.Cell(
        cell,
        _number(value),
        count,
        suppressible=level != Level.NATIONAL,
        rank=RANK[level],
    )


def _hierarchy(
    table: disclosure.Table,
    code: str,
    category: str,
    regions: Iterable[str],
    departements: dict[str, tuple[str, str]],
    depth: int = 2,
) -> None:
    """France = its regions (+ what no region holds); a region = its departments (+ rest)."""
    national = key(code, Level.NATIONAL, "", category)
    children = [key(code, Level.REGION, r, category) for r in regions]
    _line_with_residual(table, national, children, _residual(code, Level.NATIONAL, "", category))
    if depth < 2:
        return
    for region in regions:
        total = key(code, Level.REGION, region, category)
        parts = [
            key(code, Level.DEPARTEMENT, d, category)
            for d, (_, region_code) in departements.items()
            if region_code == region
        ]
        _line_with_residual(table, total, parts, _residual(code, Level.REGION, region, category))


def _line_with_residual(
    table: disclosure.Table, total: CellKey, parts: list[CellKey], residual: CellKey
) -> None:
    """The line ``total = parts + residual``; the residual (never shown) covers the rows
    of no sub-territory, e.g. ingénieries of a regional DLA, or unknown categories."""
    if total not in table.cells:
        return
    parts = [p for p in parts if p in table.cells]
    total_cell = table.cells[total]
    rest = (total_cell.value or 0) - sum(table.cells[p].value or 0 for p in parts)
    rest_count = total_cell.contributors - sum(table.cells[p].contributors for p in parts)
    if abs(rest) > 1e-9 or rest_count > 0:
        table.add(
            disclosure.Cell(
                residual,
                round(rest, 6),
                max(rest_count, 1),
                published=False,
                rank=total_cell.rank,
            )
        )
        parts.append(residual)
    table.relate(total, parts)


__all__ = ["UNKNOWN", "Publication", "build", "key"]
