"""Year over year: the year before beside a year's figures, and the national series.

A year's figures come from its snapshot once it is frozen, else they are computed live
(« provisoire »), the same rule as ``figures.build``. Only the scalar indicators are
compared; the years offered are those with data (``years_with_data``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Min
from django.utils import timezone

from accompagnements.models import TransitionLog

from .indicators import REGISTRY, Level, Query, Scope, TerritoryNames, compute

# The first year the product follows (earlier journal rows are imports of old cases).
FIRST_YEAR = 2015


def years_with_data(using: str = "") -> list[int]:
    """Newest first: the current year back to the year of the first journal event.

    A case is in the figures of every year it is open, so the years in between have data
    once one has; a year before the first case has none and is not offered.
    """
    journal = TransitionLog.objects.using(using) if using else TransitionLog.objects
    first = journal.aggregate(first=Min("on_date"))["first"]
    this_year = timezone.localdate().year
    start = max(first.year, FIRST_YEAR) if first else this_year
    return list(range(this_year, min(start, this_year) - 1, -1))


def _scalars() -> list:
    return [i for i in REGISTRY.values() if not i.is_breakdown]


def _year_totals(
    year: int, query: Query, names: TerritoryNames, indicators: list, summary: Any = None
) -> dict:
    """The scalars of ``year`` for the query's scope: frozen if the year is, else from the
    maintained cells (``summary``, a ``reporting.summaries.Loaded``) or live."""
    from . import snapshots

    if summary is not None:
        snapshot = summary.snapshot(year)
    else:
        snapshot = snapshots.frozen(year, using=query.using)
    if snapshot is not None:
        totals = snapshots.scope_totals(snapshot, query.scope)
        return {
            "year": year,
            "totals": {i.code: totals.get(i.code) for i in indicators},
            "snapshot": snapshots.describe(snapshot),
        }
    scope = query.scope
    stored = summary.values_at(year, scope.level, scope.code) if summary is not None else None
    if stored is not None:
        return {
            "year": year,
            "totals": {i.code: stored.get(i.code) for i in indicators},
            "snapshot": None,
        }
    live = Query(year, query.scope, query.viewer, using=query.using)
    return {
        "year": year,
        "totals": compute(live, indicators, names=names),
        "snapshot": None,
    }


def previous(
    query: Query,
    names: TerritoryNames,
    years: list[int],
    *,
    public: bool = False,
    summary: Any = None,
) -> dict | None:
    """Year Y−1 of the query's scope (scalars), or ``None`` when it has no data."""
    year = query.year - 1
    if year not in years:
        return None
    data = _year_totals(year, query, names, _scalars(), summary)
    if public:
        from . import publication

        snapshot = summary.snapshot(year) if summary is not None else publication.LOOKUP
        published = publication.for_year(
            year,
            using=query.using,
            snapshot=snapshot,
            stored=summary.publications if summary is not None else None,
        )
        scope = query.scope
        territory = scope.code if scope.level != Level.NATIONAL else ""
        data["public"] = {
            i.code: published.public(i.code, scope.level, territory) for i in _scalars()
        }
    return data


def series(
    query: Query,
    names: TerritoryNames,
    years: list[int],
    known: dict[int, dict] | None = None,
    *,
    summary: Any = None,
) -> list[dict]:
    """The key figures of France for every year with data up to the query's year.

    ``known``: years already computed for France (the year shown and the one before),
    ``{year: {"totals", "snapshot"}}``, reused rather than computed again.
    """
    keys = [i for i in _scalars() if i.key]
    national = Query(query.year, Scope.national(), query.viewer, using=query.using)
    known = known or {}
    entries = []
    for year in sorted(y for y in years if y <= query.year):
        if year in known:
            totals = known[year]["totals"]
            entry = {"year": year, "totals": {i.code: totals.get(i.code) for i in keys}}
            entries.append({**entry, "snapshot": known[year]["snapshot"]})
        else:
            entries.append(_year_totals(year, national, names, keys, summary))
    return entries


def change(current: Any, before: Any) -> str:
    """The change from ``before`` to ``current`` in French (« +12 % »), or "" if none."""
    if not isinstance(current, int | float) or not isinstance(before, int | float) or not before:
        return ""
    percent = round((current - before) * 100 / before)
    return f"{percent:+d} %".replace("-", "−")
