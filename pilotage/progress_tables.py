"""The objectives' tables, planned vs achieved, written row by row in Python.

A region's dashboard shows its five DLAs' ~35 objectives: through the templates'
loops, an include per DLA and four ``floatformat`` filters a row, they were a fifth
of its rendering (6.7 of ~36 ms of CPU). The templates keep the tables' captions and
headers (``pilotage/_progress.html``, ``pilotage/_progress_totals.html``) and print
these rows through the ``pilotage_tables`` filters.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe

from reporting.charts import _separators
from webinput.markup import escaped

TENTH = Decimal("0.1")
NONE = "—"


def number(value: Any, places: int) -> str:
    """What ``floatformat(value, places)`` writes, for ``places`` -1 (decimals only when
    needed) or 1, at a tenth of its cost for the numbers these tables hold (below
    999.95, which rounds to a thousand to group); others go through ``floatformat``."""
    if value is None:
        return NONE
    if type(value) not in (int, float) or not 0 <= value < 999.95:
        return str(floatformat(value, places))
    exact = Decimal(str(value))  # floatformat's own reading of a number
    if places < 0 and exact == exact.to_integral_value():
        return str(int(exact))
    return str(exact.quantize(TENTH, ROUND_HALF_UP)).replace(".", _separators()[0])


def _cell(text: str) -> str:
    return f'<td class="num">{text}</td>'


def objective_rows(objectives: Iterable[dict[str, Any]], show_expected: bool = False) -> SafeString:
    """One DLA's objectives (rows of ``progress.progress``): target, achieved, rate,
    where it should be by today (``show_expected``), met or not."""
    rows = []
    for row in objectives:
        unit = " %" if row["unit"] else ""
        achieved = row["achieved"]
        cells = [
            _cell(number(row["target"], -1) + unit),
            _cell(NONE if achieved is None else number(achieved, -1) + unit),
            _cell(NONE if row["rate"] is None else f"{number(row['rate'], 1)} %"),
        ]
        if show_expected:
            cells.append(_cell(number(row["expected"], -1)))
        verdict = '<span class="badge badge--ok">atteint</span>' if row["met"] else "non atteint"
        rows.append(
            f'<tr><th scope="row">{escaped(row["label"])}</th>{"".join(cells)}'
            f"<td>{verdict}</td></tr>"
        )
    if not rows:
        rows.append(
            '<tr><td colspan="6" class="empty">Aucun objectif fixé pour cette année.</td></tr>'
        )
    return mark_safe("\n".join(rows))  # every text escaped, numbers written here


def total_rows(totals: Iterable[dict[str, Any]]) -> SafeString:
    """Count objectives added up over the DLAs that set them (``progress["totals"]``)."""
    rows = [
        f'<tr><th scope="row">{escaped(row["label"])}</th>{_cell(number(row["dlas"], -1))}'
        f"{_cell(number(row['target'], -1))}{_cell(number(row['achieved'], -1))}"
        f"{_cell(NONE if row['rate'] is None else f'{number(row["rate"], 1)} %')}</tr>"
        for row in totals
    ]
    if not rows:
        rows.append('<tr><td colspan="5" class="empty">Aucun objectif en nombre.</td></tr>')
    return mark_safe("\n".join(rows))  # every text escaped, numbers written here


def share_rows(shares: Iterable[dict[str, Any]]) -> SafeString:
    """Share objectives: how many of the DLAs that set one meet it (``progress["shares"]``)."""
    return mark_safe(  # every text escaped
        "".join(
            f'<tr><th scope="row">{escaped(row["label"])}</th>'
            f"{_cell(number(row['met'], -1))}{_cell(number(row['of'], -1))}</tr>"
            for row in shares
        )
    )
