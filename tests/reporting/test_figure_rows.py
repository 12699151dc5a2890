"""Figures tables written in one pass (reporting/tables.py) escape as the template did."""

from django.utils.functional import lazy
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from reporting.tables import figure_rows


def test_cells_are_escaped_as_the_template_escaped_them():
    lazy_label = lazy(lambda: "Côtes-d'Armor <22>", str)()
    rows = [
        ("Structures & réseaux", ["1 234", 'a "b"', 7]),
        (mark_safe("<abbr>QPV</abbr>"), [mark_safe("<em>s</em>"), None]),
        (lazy_label, ["–"]),
    ]
    expected = "".join(
        f'<tr><th scope="row">{conditional_escape(header)}</th>'
        + "".join(f'<td class="num">{conditional_escape(cell)}</td>' for cell in cells)
        + "</tr>\n"
        for header, cells in rows
    )
    assert figure_rows(rows) == expected
    # Worked out by hand for the first row: quotes and ampersands escaped.
    assert figure_rows(rows[:1]) == (
        '<tr><th scope="row">Structures &amp; réseaux</th><td class="num">1 234</td>'
        '<td class="num">a &quot;b&quot;</td><td class="num">7</td></tr>\n'
    )
