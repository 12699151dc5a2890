"""Territorial coverage: per department, the structures the DLA reached against the
employer ESS establishments of the territory (reference table ``EtablissementsEss``).

For each department of the territory shown:
- structures accompanied in the year (reporting's ``ACT_STRUCTURES``, by the
  structure's department) and the coverage rate: per 100 employer ESS establishments
  of the latest vintage of the reference table up to the year;
- the share of those structures in ZRR / rural areas and in QPV (``STR_ZRR``,
  ``STR_QPV``) against the share of the department's establishments there, when the
  reference gives it;
- the communes reached: distinct communes of the structures accompanied.

Coverage is thin where the rate is below half the rate of the whole territory shown
(the region, or France); a department with establishments and no structure reached
is thin too. Published outputs (funders, the PDF) show only the counts disclosure
control lets through: the shares and communes by department are not published.
"""

from __future__ import annotations

import html
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.db.models import Count, F
from django.utils.safestring import SafeString, mark_safe

from reporting.charts import _separators, fmt
from reporting.indicators import SECRET, Level, Query, TerritoryNames, compute, get
from reporting.indicators.sources import SOURCES

from .models import EtablissementsEss

THIN_BELOW = 0.5  # of the territory's overall rate


def _round(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.1"), ROUND_HALF_UP))


def rate(structures: Any, establishments: int | None) -> float | None:
    """Structures accompanied per 100 employer ESS establishments, one decimal."""
    if not isinstance(structures, int) or not establishments:
        return None
    return _round(Decimal(structures * 100) / Decimal(establishments))


def share(part: Any, whole: Any) -> float | None:
    if not isinstance(part, int) or not isinstance(whole, int) or not whole:
        return None
    return _round(Decimal(part * 100) / Decimal(whole))


class Reference(NamedTuple):
    """What coverage reads of a department's ``EtablissementsEss`` vintage."""

    code: str
    year: int
    employer_establishments: int
    in_zrr: int | None
    in_qpv: int | None
    source: str


def reference(codes: list[str] | None, year: int) -> dict[str, Reference]:
    """Each department's latest vintage up to ``year`` (else its oldest): one query, read
    as plain rows (a national dashboard reads a hundred departments' vintages).
    ``codes``: the departments wanted; None for all of them, unfiltered (France's list of
    101 codes cost twice as much to compile and send as the rows to read: 2 of 3 ms)."""
    vintages_read = EtablissementsEss.objects.all()
    if codes is not None:
        vintages_read = vintages_read.filter(departement__code__in=codes)
    rows = vintages_read.order_by("departement__code", "year").values_list(
        *(f if f != "code" else "departement__code" for f in Reference._fields)
    )
    vintages: dict[str, list[Reference]] = defaultdict(list)
    for row in map(Reference._make, rows):
        vintages[row.code].append(row)
    found = {}
    for code, rows_ in vintages.items():
        up_to = [row for row in rows_ if row.year <= year]
        found[code] = up_to[-1] if up_to else rows_[0]
    return found


def summarise(query: Query, names: TerritoryNames) -> dict[str, Any]:
    """What coverage reads from the year's data, by department (two queries): kept with
    the territory's maintained figures (reporting.summaries), JSON-able."""
    indicators = [get("ACT_STRUCTURES"), get("STR_QPV"), get("STR_ZRR")]
    values = compute(query, indicators, by=Level.DEPARTEMENT, names=names)
    communes = dict(
        SOURCES["structures"]
        .queryset(query)
        .values(code=F("departement__code"))
        .annotate(n=Count("commune", distinct=True))
        .values_list("code", "n")
    )
    return {**values, "communes": communes}


def build(
    query: Query, names: TerritoryNames, summary: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The coverage figures of the query's territory, JSON-able (three queries; one with
    ``summary``, what ``summarise`` gave for the territory)."""
    departements = names.within(Level.DEPARTEMENT, query)
    if summary is None:
        summary = summarise(query, names)
    values, communes = summary, summary["communes"]
    national = query.scope.level == Level.NATIONAL
    refs = reference(None if national else list(departements), query.year)
    rows = {}
    for code in departements:
        ref = refs.get(code)
        rows[code] = {
            "structures": values["ACT_STRUCTURES"].get(code, 0),
            "qpv": values["STR_QPV"].get(code, 0),
            "zrr": values["STR_ZRR"].get(code, 0),
            "communes": communes.get(code, 0),
            "etablissements": ref.employer_establishments if ref else None,
            "etablissements_zrr": ref.in_zrr if ref else None,
            "etablissements_qpv": ref.in_qpv if ref else None,
            "millesime": ref.year if ref else None,
        }
    sources = sorted({f"{r.source} ({r.year})" for r in refs.values()})
    return {"departements": rows, "sources": sources}


def table(panel: dict, names: dict, published: dict | None = None) -> dict[str, Any]:
    """Rows for display; ``published``: the public counts by department (``s`` hidden)."""
    rows = []
    total_structures = total_establishments = 0
    for code, row in panel["departements"].items():
        structures = published.get(code, SECRET) if published is not None else row["structures"]
        row_rate = rate(structures, row["etablissements"])
        if isinstance(structures, int) and row["etablissements"]:
            total_structures += structures
            total_establishments += row["etablissements"]
        rows.append(
            {
                "code": code,
                "name": names.get(code, code),
                "structures": structures,
                "etablissements": row["etablissements"],
                "millesime": row["millesime"],
                "rate": row_rate,
                "zrr": share(row["zrr"], row["structures"]),
                "zrr_reference": share(row["etablissements_zrr"], row["etablissements"]),
                "qpv": share(row["qpv"], row["structures"]),
                "qpv_reference": share(row["etablissements_qpv"], row["etablissements"]),
                "communes": row["communes"],
            }
        )
    overall = rate(total_structures, total_establishments)
    for row in rows:
        row["thin"] = bool(
            overall
            and row["rate"] is not None
            and (row["rate"] < overall * THIN_BELOW or row["structures"] == 0)
        )
    return {
        "rows": rows,
        "html_rows": _rows_html(rows, public=published is not None),
        "overall": overall,
        "sources": panel["sources"],
    }


def _escape(value: Any) -> str:
    """What Django's ``escape`` writes, without its check for lazy arguments (1,300
    calls a national dashboard)."""
    return html.escape(str(value))


def _rows_html(rows: list[dict[str, Any]], *, public: bool) -> SafeString:
    """The table's body in one pass (France: 101 departments, 10 columns; through the
    template's loops and filters, 12 ms of a national dashboard's rendering)."""

    decimal = _separators()[0]

    def number(value: Any) -> str:
        # Rates and shares are already rounded to one decimal (``_round``): printing them
        # with one decimal is exact, and writes what ``floatformat(value, 1)`` writes
        # (tests/pilotage/test_coverage.py) at a tenth of its cost (900 numbers). From
        # 1 000 on, thousands are grouped.
        if value is None:
            return "—"
        return f"{value:.1f}".replace(".", decimal) if value < 1000 else fmt(value, 1)

    # Escaped and joined directly: format_html's lazy wrappers and SafeString per cell
    # (1,300 of them for France) cost twice the table itself.
    parts = []
    for row in rows:
        establishments = (
            "—"
            if row["etablissements"] is None
            else f"{_escape(fmt(row['etablissements']))} "
            f'<span class="help">({_escape(row["millesime"])})</span>'
        )
        cells = [_escape(fmt(row["structures"])), establishments, _escape(number(row["rate"]))]
        if not public:
            cells += [
                _escape(number(row[key]))
                for key in ("zrr", "zrr_reference", "qpv", "qpv_reference")
            ]
            cells.append(_escape(fmt(row["communes"])))
        verdict = (
            "<strong>faible</strong>"
            if row["thin"]
            else "référence manquante"
            if row["rate"] is None
            else "—"
        )
        parts.append(
            f'<tr>\n<th scope="row">{_escape(row["code"])} – {_escape(row["name"])}</th>\n'
            + "".join(f'<td class="num">{cell}</td>\n' for cell in cells)
            + f"<td>{verdict}</td>\n</tr>\n"
        )
    return mark_safe("".join(parts))
