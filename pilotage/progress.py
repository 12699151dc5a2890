"""Progress against objectives: planned vs achieved, by DLA, for one year.

"Achieved" uses the statistics' own rules (reporting.indicators.sources), attributed
to the DLA that owns the case or commissions the ingénierie rather than to the
structure's territory: a comité de pilotage sets its DLA's objectives.

- structures accompagnées: distinct structures of the DLA's cases accompanied in
  the year (reporting's rule: an accompanying phase or an ingénierie under way);
- structures accueillies: openings of cases dated in the year (journal);
- diagnostics: diagnostics validated in the year (who and when recorded);
- structures ayant bénéficié d'une ingénierie: distinct structures of an ingénierie
  the DLA commissioned, started in the year (not cancelled);
- ingénieries collectives: collective ingénieries the DLA started in the year;
- shares (QPV, ZRR, a sector): of the structures accompanied, as they stood on
  31 December (their history), in percent with one decimal.

The query count does not depend on the number of DLAs (six queries).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, QuerySet

from accompagnements.models import (
    Accompagnement,
    Ingenierie,
    IngenierieKind,
    PlanAction,
    TransitionLog,
    validated_q,
)
from reporting.indicators import Query, Scope
from reporting.indicators.sources import (
    ReadCases,
    accompanied_in_year,
    ingenierie_started,
    structures_as_of_year_end,
)
from structures.models import Sector, Structure
from territoires.actors import SYSTEM

from .models import SHARE_KINDS, Objective, ObjectiveKind, objective_label

K = ObjectiveKind


def _query(year: int) -> Query:
    return Query(year, Scope.national(), SYSTEM)


def _percent(part: int, whole: int) -> float | None:
    if not whole:
        return None
    value = Decimal(part * 100) / Decimal(whole)
    return float(value.quantize(Decimal("0.1"), ROUND_HALF_UP))


def achieved(
    dla_ids: Iterable[int], year: int, cases: ReadCases | None = None
) -> dict[int, dict[str, Any]]:
    """``{dla_id: {kind or "part_secteur:<sector>": value}}`` for ``year``; ``cases``: the
    year's accompanied cases already read (a summary refresh), used if read for it."""
    ids = list(dla_ids)
    q = replace(_query(year), cases=cases)
    result: dict[int, dict[str, Any]] = {pk: defaultdict(int) for pk in ids}
    if not ids:
        return result
    accompanied = Accompagnement.objects.filter(accompanied_in_year(q), dla__in=ids)
    pairs = list(accompanied.values_list("dla", "structure").distinct().order_by())
    structures_of: dict[int, set[int]] = defaultdict(set)
    for dla_id, structure_id in pairs:
        structures_of[dla_id].add(structure_id)
    records = {
        r["id"]: r
        for r in structures_as_of_year_end(
            q, Structure.objects.filter(pk__in={s for _, s in pairs}).values("pk")
        ).values("id", "in_qpv", "in_zrr", "sector")
    }
    rows: list[tuple[Any, str, str]] = [
        (
            TransitionLog.objects.filter(q.in_year("on_date"), from_state="")
            .filter(accompagnement__dla__in=ids)
            .values("accompagnement__dla")
            .annotate(n=Count("pk")),
            "accompagnement__dla",
            K.NOUVEAUX_ACCOMPAGNEMENTS,
        ),
        (
            accompanied.filter(validated_q("diagnostic__") & q.in_year("diagnostic__validated_on"))
            .values("dla")
            .annotate(n=Count("pk")),
            "dla",
            K.DIAGNOSTICS,
        ),
        (
            PlanAction.objects.filter(ingenierie_started(q, "ingenierie__"))
            .filter(ingenierie__dla__in=ids)
            .values("ingenierie__dla")
            .annotate(n=Count("accompagnement__structure", distinct=True)),
            "ingenierie__dla",
            K.STRUCTURES_INGENIERIE,
        ),
        (
            Ingenierie.objects.filter(
                ingenierie_started(q), kind=IngenierieKind.COLLECTIVE, dla__in=ids
            )
            .values("dla")
            .annotate(n=Count("pk")),
            "dla",
            K.INGENIERIES_COLLECTIVES,
        ),
    ]
    for queryset, key, kind in rows:
        for row in queryset.order_by():
            result[row[key]][str(kind)] = row["n"]
    for dla_id in ids:
        values = result[dla_id]
        found = [records[s] for s in structures_of[dla_id] if s in records]
        total = len(found)
        values[K.STRUCTURES_ACCOMPAGNEES] = total
        values[K.PART_QPV] = _percent(sum(1 for r in found if r["in_qpv"]), total)
        values[K.PART_ZRR] = _percent(sum(1 for r in found if r["in_zrr"]), total)
        for sector in Sector.values:
            values[f"{K.PART_SECTEUR}:{sector}"] = _percent(
                sum(1 for r in found if r["sector"] == sector), total
            )
    return result


def _elapsed(year: int, today: datetime.date) -> float | None:
    """Share of the year gone by on ``today``, for the current year only."""
    if today.year != year:
        return None
    first = datetime.date(year, 1, 1)
    days = (datetime.date(year + 1, 1, 1) - first).days
    return ((today - first).days + 1) / days


def _rate(achieved_value: Any, target: float) -> float | None:
    if achieved_value is None or not target:
        return None
    value = Decimal(str(achieved_value)) * 100 / Decimal(str(target))
    return float(value.quantize(Decimal("0.1"), ROUND_HALF_UP))


def progress(
    objectives: QuerySet[Objective],
    year: int,
    *,
    today: datetime.date | None = None,
    known: dict[int, dict[str, Any]] | None = None,
    detail: bool = True,
) -> dict[str, Any]:
    """Planned vs achieved for ``objectives`` (one year), JSON-able (frozen with reports).

    ``dlas``: each DLA with its objectives (empty without ``detail``: France's panel
    shows the totals alone, and its 800 rows were a sixth of a cold national
    dashboard); ``totals``: count objectives added up over the DLAs that have them;
    ``shares``: how many DLAs meet each share objective. Objectives are read as plain
    rows.
    """
    today = today or datetime.date.today()
    elapsed = _elapsed(year, today)
    by_dla: dict[int, list[tuple[str, str, float]]] = defaultdict(list)
    names: dict[int, str] = {}
    rows_read = (
        objectives.filter(year=year)
        .order_by()
        .values_list("dla_id", "dla__name", "kind", "sector", "target")
    )
    for dla_id, dla_name, kind, sector, planned in rows_read:
        by_dla[dla_id].append((kind, sector, float(planned)))
        names[dla_id] = dla_name
    # ``known``: ``achieved`` values already computed (reporting's maintained summaries).
    known = known or {}
    values: dict[int, Any] = {pk: known[pk] for pk in by_dla if pk in known}
    missing = [pk for pk in by_dla if pk not in known]
    if missing:
        values.update(achieved(missing, year))
    order = {kind: index for index, kind in enumerate(K.values)}
    dlas: list[dict[str, Any]] = []
    totals: dict[str, dict[str, Any]] = {}
    shares: dict[str, dict[str, Any]] = {}
    labels: dict[str, str] = {}
    for dla_id in sorted(by_dla, key=lambda pk: names[pk]):
        rows = []
        for kind, sector, target in sorted(by_dla[dla_id], key=lambda o: (order[o[0]], o[1])):
            key = f"{kind}:{sector}" if sector else kind
            label = labels.get(key)
            if label is None:
                label = labels[key] = objective_label(kind, sector)
            value = values[dla_id].get(key)
            share = kind in SHARE_KINDS
            met = value is not None and value >= target
            if detail:
                rows.append(
                    {
                        "kind": kind,
                        "sector": sector,
                        "label": label,
                        "unit": "%" if share else "",
                        "target": target,
                        "achieved": value,
                        "rate": None if share else _rate(value, target),
                        "met": met,
                        # Counts only: where the DLA should be by today at an even pace.
                        "expected": round(target * elapsed, 1) if elapsed and not share else None,
                    }
                )
            if share:
                entry = shares.setdefault(key, {"label": label, "met": 0, "of": 0})
                entry["of"] += 1
                entry["met"] += int(met)
            else:
                entry = totals.setdefault(
                    key, {"label": label, "target": 0.0, "achieved": 0, "dlas": 0}
                )
                entry["target"] += target
                entry["achieved"] += value or 0
                entry["dlas"] += 1
        if detail:
            dlas.append({"id": dla_id, "name": names[dla_id], "objectives": rows})
    total_rows = [
        {**entry, "key": key, "rate": _rate(entry["achieved"], entry["target"])}
        for key, entry in sorted(totals.items(), key=lambda item: order[item[0].split(":")[0]])
    ]
    share_rows = [
        {**entry, "key": key}
        for key, entry in sorted(
            shares.items(), key=lambda item: (order[item[0].split(":")[0]], item[0])
        )
    ]
    return {"year": year, "dlas": dlas, "totals": total_rows, "shares": share_rows}
