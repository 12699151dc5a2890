"""Computes indicators: one query per source for the scalars, one per breakdown.

The query count depends on the indicators asked for, never on the number of rows.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Expression, F, Q

from territoires.models import Departement, Region

from .base import REGISTRY, Breakdown, Indicator, SmallCells
from .scope import Level
from .sources import SOURCES, Query

# Shown instead of a cell that disclosure control hides (reporting.disclosure).
SECRET = "s"
SMALL_CELL_THRESHOLD = 5
UNKNOWN = ""

# A figure: a number (or None: nothing to compute), or category → number for a breakdown.
Number = int | float | None
# compute()'s results: code → figure, or code → territory → figure with ``by``.
Results = dict[str, Any]


def normalise(indicator: Indicator, value: object) -> int | float | None:
    """JSON-friendly numbers: counts as int, the rest rounded to the indicator's decimals."""
    if value is None:
        return None
    # Half up, as people round by hand (Python's round() rounds half to even).
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-indicator.decimals), ROUND_HALF_UP)
    return int(rounded) if indicator.decimals == 0 else float(rounded)


class TerritoryNames:
    """Names of regions and departments, loaded once (two queries) when first needed."""

    def __init__(self, using: str) -> None:
        self.using = using
        self._regions: dict[str, str] | None = None
        self._departements: dict[str, tuple[str, str]] | None = None
        # Primary key → code, for what names a territory by its key (the policy's ids).
        self._region_codes: dict[int, str] | None = None
        self._departement_codes: dict[int, str] | None = None

    @property
    def regions(self) -> dict[str, str]:
        if self._regions is None:
            self._regions = dict(
                Region.objects.using(self.using).order_by("code").values_list("code", "name")
            )
        return self._regions

    @property
    def departements(self) -> dict[str, tuple[str, str]]:
        if self._departements is None:
            self._departements = {
                code: (name, region_code)
                for code, name, region_code in Departement.objects.using(self.using)
                .order_by("code")
                .values_list("code", "name", "region__code")
            }
        return self._departements

    def region_code(self, pk: int) -> str:
        if self._region_codes is None:
            self._region_codes = dict(
                Region.objects.using(self.using).order_by().values_list("pk", "code")
            )
        return self._region_codes[pk]

    def departement_code(self, pk: int) -> str:
        if self._departement_codes is None:
            self._departement_codes = dict(
                Departement.objects.using(self.using).order_by().values_list("pk", "code")
            )
        return self._departement_codes[pk]

    def within(self, level: str, query: Query) -> dict[str, str]:
        """The territories of ``level`` inside the query's scope, code → name."""
        scope = query.scope
        if scope.level == Level.DLA:
            # A DLA's cases may lie anywhere: only the territories they are in appear.
            return {}
        if level == Level.REGION:
            if scope.level == Level.NATIONAL:
                return dict(self.regions)
            return {scope.code: self.regions[scope.code]} if scope.level == Level.REGION else {}
        if scope.level == Level.DEPARTEMENT:
            return {scope.code: self.departements[scope.code][0]}
        region_code = scope.code if scope.level == Level.REGION else None
        return {
            code: name
            for code, (name, region) in self.departements.items()
            if region_code is None or region == region_code
        }

    def labels(self, indicator: Indicator, query: Query) -> dict[str, str]:
        labels = _breakdown(indicator).labels
        if isinstance(labels, str):
            return self.within(labels, query)
        return labels


def batched(indicator: Indicator) -> bool:
    """Computed in its source's single aggregate query (one filtered aggregate per category)."""
    if indicator.breakdown is None:
        return True
    return isinstance(indicator.breakdown.labels, dict) and indicator.prepare is None


def _breakdown(indicator: Indicator) -> Breakdown:
    """The breakdown of an indicator known to be one."""
    if indicator.breakdown is None:
        raise ValueError(f"{indicator.code} is not a breakdown")
    return indicator.breakdown


def _source_groups(indicators: Iterable[Indicator]) -> dict[str, list[Indicator]]:
    groups: dict[str, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        if batched(indicator):
            groups[indicator.source].append(indicator)
    return groups


def compute(
    query: Query,
    indicators: Iterable[Indicator] | None = None,
    *,
    by: str | None = None,
    names: TerritoryNames | None = None,
) -> Results:
    """Values of ``indicators`` (default: all) for ``query``.

    Without ``by``: ``{code: value}``, a breakdown's value being ``{category: value}``.
    With ``by`` ("region" or "departement"): ``{code: {territory code: value}}``.
    Scalars and category breakdowns of one source share one query; breakdowns by
    territory, and those needing extra columns, take one query each.
    """
    indicators = list(REGISTRY.values()) if indicators is None else list(indicators)
    names = names or TerritoryNames(query.using)
    results: Results = {}
    for source_name, group in _source_groups(indicators).items():
        results.update(_compute_batch(query, source_name, group, by))
    for indicator in indicators:
        if not batched(indicator):
            results[indicator.code] = _compute_breakdown(query, indicator, by, names)
    return {i.code: results[i.code] for i in indicators}


def contributors(
    query: Query,
    indicators: Iterable[Indicator] | None = None,
    *,
    by: str | None = None,
    names: TerritoryNames | None = None,
) -> Results:
    """How many distinct structures each figure rests on, in ``compute()``'s shape.

    Disclosure control judges every published cell by this number: the same rows as
    the figure (its ``base``, its category), counted by structure.
    """
    indicators = list(REGISTRY.values()) if indicators is None else list(indicators)
    counting = [
        replace(i, expression=_structure_counter(i), decimals=0, small_cells=SmallCells.COUNT)
        for i in indicators
    ]
    return compute(query, counting, by=by, names=names)


def _structure_counter(indicator: Indicator) -> Callable[..., Expression]:
    path = SOURCES[indicator.source].structure

    def expression(query: Query, within: Q | None = None) -> Expression:
        condition = indicator.base(query) if indicator.base else None
        if within is not None:
            condition = within if condition is None else condition & within
        return Count(path, distinct=True, filter=condition)

    return expression


def _category_column(indicator: Indicator) -> str:
    category = _breakdown(indicator).category
    return category if isinstance(category, str) else f"_category_{indicator.code}"


# Where a batched indicator's value is read: its column, or category → column.
Columns = dict[str, str | dict[str, str]]


def _batch_expressions(
    query: Query, indicators: Iterable[Indicator]
) -> tuple[dict[str, Expression], dict[str, Expression], Columns]:
    """Aliases the queryset needs, and the aggregates: ``column → expression``."""
    aliases: dict[str, Expression] = {}
    expressions: dict[str, Expression] = {}
    columns: Columns = {}
    for indicator in indicators:
        if indicator.breakdown is None:
            expressions[indicator.code] = indicator.expression(query)
            columns[indicator.code] = indicator.code
            continue
        if not isinstance(indicator.breakdown.category, str):
            aliases[_category_column(indicator)] = indicator.breakdown.category
        lookup = _category_column(indicator)
        where = indicator.where(query) if indicator.where else Q()
        keys = list(indicator.breakdown.labels)
        buckets = {key: Q(**{lookup: key}) for key in keys}
        buckets[UNKNOWN] = Q(**{f"{lookup}__isnull": True}) | ~Q(**{f"{lookup}__in": keys})
        category_columns: dict[str, str] = {}
        for index, (key, condition) in enumerate(buckets.items()):
            column = f"{indicator.code}__{index}"
            expressions[column] = indicator.expression(query, where & condition)
            category_columns[key] = column
        columns[indicator.code] = category_columns
    return aliases, expressions, columns


def _read_batch(
    indicators: Iterable[Indicator], columns: Columns, row: Mapping[str, Any]
) -> Results:
    values: Results = {}
    for indicator in indicators:
        column = columns[indicator.code]
        if isinstance(column, str):
            values[indicator.code] = normalise(indicator, row[column])
            continue
        zero = 0 if _breakdown(indicator).zero_fill else None
        breakdown: dict[str, Number] = {}
        for key, name in column.items():
            value = normalise(indicator, row[name])
            if key == UNKNOWN and not value:
                continue
            breakdown[key] = zero if value is None else value
        values[indicator.code] = breakdown
    return values


def _compute_batch(
    query: Query, source_name: str, indicators: list[Indicator], by: str | None
) -> Results:
    source = SOURCES[source_name]
    aliases, expressions, columns = _batch_expressions(query, indicators)
    queryset = source.queryset(query).alias(**aliases)
    if by is None:
        values = _read_batch(indicators, columns, queryset.aggregate(**expressions))
        return values
    rows = queryset.values(territory=F(source.territory_lookup(by))).annotate(**expressions)
    results: Results = {i.code: {} for i in indicators}
    for row in rows:
        for code, value in _read_batch(indicators, columns, row).items():
            results[code][row["territory"] or UNKNOWN] = value
    return results


def _category(breakdown: Breakdown) -> F | Expression:
    return F(breakdown.category) if isinstance(breakdown.category, str) else breakdown.category


def _compute_breakdown(
    query: Query, indicator: Indicator, by: str | None, names: TerritoryNames
) -> dict[str, Any]:
    source = SOURCES[indicator.source]
    queryset = source.queryset(query)
    if indicator.where:
        queryset = queryset.filter(indicator.where(query))
    if indicator.prepare:
        queryset = indicator.prepare(queryset, query)
    breakdown = _breakdown(indicator)
    group: dict[str, F | Expression] = {"category": _category(breakdown)}
    if by is not None:
        group["territory"] = F(source.territory_lookup(by))
    rows = queryset.values(**group).annotate(value=indicator.expression(query, None))
    labels = names.labels(indicator, query)
    zero = 0 if breakdown.zero_fill else None

    def empty() -> dict[str, Number]:
        return dict.fromkeys(labels, zero)

    if by is None:
        values = empty()
        for row in rows:
            values[row["category"] or UNKNOWN] = normalise(indicator, row["value"])
        return values
    by_territory: defaultdict[str, dict[str, Number]] = defaultdict(empty)
    for row in rows:
        by_territory[row["territory"] or UNKNOWN][row["category"] or UNKNOWN] = normalise(
            indicator, row["value"]
        )
    return dict(by_territory)


def category_label(indicator: Indicator, key: str, labels: dict[str, str]) -> str:
    if key == UNKNOWN:
        return "non renseigné"
    return labels.get(key, key)
