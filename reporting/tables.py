"""Figures tables written in one pass: ``<tr><th scope="row">…</th><td class="num">…</td>…``.

A national dashboard shows some 2,500 cells (regions compared, the series, the chart
tables, coverage by department). Through template loops, each cell costs a variable
lookup, an auto-escape and a localisation: about 15 ms a page. Cells here are text
already formatted (``charts.fmt``); markup comes only as ``SafeString``.
"""

from collections.abc import Iterable

from django.utils.safestring import SafeString, mark_safe

from webinput.markup import escaped


def figure_rows(rows: Iterable[tuple[object, Iterable[object]]]) -> SafeString:
    """One ``<tr>`` per ``(header, cells)``: the header a row heading, each cell numeric."""
    parts: list[str] = []
    for header, cells in rows:
        parts.append(f'<tr><th scope="row">{escaped(header)}</th>')
        parts.extend(f'<td class="num">{escaped(cell)}</td>' for cell in cells)
        parts.append("</tr>\n")
    return mark_safe("".join(parts))
