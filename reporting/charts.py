"""Server-rendered, accessible SVG charts: one code path for the web pages and the PDF.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>``, and
carries its figures as rows for the HTML table the templates show next to it.
Colour is never the only carrier of meaning: bars and tiles are labelled with
their values, and the map's classes (reporting.maps) also differ by pattern.
"""

import functools
import itertools
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from webinput.markup import escaped

from .indicators import SECRET
from .tables import figure_rows

_ids = itertools.count(1)

BLUE = "#000091"
TEXT = "#161616"
MUTED = "#595959"
GRID = "#dddddd"
# Sequential classes (light to dark), told apart by pattern as well.
CLASS_FILLS = ["#e3e3fd", "#cacafb", "#8585f6", "#313178", "#000091"]
CLASS_PATTERNS = ["none", "dots", "none", "lines", "none"]


@functools.cache
def _separators() -> tuple[str, int, str]:
    """French separators, read once: ``number_format`` looks them up for every number,
    which was a third of a national dashboard's 1,300 figures' cost (the site has one
    language, ``LANGUAGE_CODE``)."""
    names = ("DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR")
    decimal, grouping, thousands = (get_format(n, settings.LANGUAGE_CODE, True) for n in names)
    return decimal, grouping, thousands


def fmt(value, decimals: int = 0, unit: str = "") -> str:
    """French number formatting; ``s`` for a suppressed cell, an en dash for no data."""
    if value == SECRET:
        return SECRET
    if value is None:
        return "–"
    decimal, grouping, thousands = _separators()
    if type(value) in (int, float) and grouping == 3 and "e" not in (text := str(value)):
        text = _grouped(text, decimals, decimal, thousands)
    else:
        text = numberformat.format(
            value,
            decimal,
            decimal_pos=decimals,
            grouping=grouping,
            thousand_sep=thousands,
            force_grouping=True,
            use_l10n=True,
        )
    if unit in {"%", "€", "€ / jour"}:
        return f"{text}\u202f{unit}"
    return text


def _grouped(text: str, decimals: int, decimal: str, thousands: str) -> str:
    """``numberformat.format``'s result for the text of an int or a float, in groups of
    three (its decimals cut, not rounded, as it does): a fifth of its cost, for the
    ~1,300 figures of a national dashboard."""
    sign, text = ("-", text[1:]) if text[0] == "-" else ("", text)
    whole, _, fraction = text.partition(".")
    fraction = fraction[:decimals].ljust(decimals, "0") if decimals else ""
    if len(whole) > 3:
        head = len(whole) % 3 or 3
        whole = thousands.join(
            [whole[:head], *(whole[i : i + 3] for i in range(head, len(whole), 3))]
        )
    return sign + whole + (decimal + fraction if fraction else "")


@dataclass
class Chart:
    title: str
    description: str
    svg: SafeString
    # (label, formatted value) rows for the table shown beside the chart.
    headers: tuple[str, str]
    rows: list[tuple[str, str]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)

    @property
    def html_rows(self) -> SafeString:
        return figure_rows((label, [value]) for label, value in self.rows)

    @property
    def html(self) -> SafeString:
        """The chart with its title and its figures' table (``reporting/_chart.html``
        prints it): written here, not by an included template, which a national
        dashboard rendered fifteen times."""
        title = escaped(self.title)
        first, second = (escaped(header) for header in self.headers)
        return mark_safe(  # every piece escaped above, the SVG and rows safe already
            '<figure class="chart-figure">\n'
            f"  <figcaption>{title}</figcaption>\n"
            f"  <div>{escaped(self.svg)}</div>\n"
            "  <table>\n"
            f'    <caption class="visually-hidden">{title} : valeurs du graphique</caption>\n'
            f'    <thead><tr><th scope="col">{first}</th><th scope="col" class="num">{second}'
            "</th></tr></thead>\n"
            "    <tbody>\n"
            f"      {self.html_rows}\n"
            "    </tbody>\n"
            "  </table>\n"
            "</figure>\n"
        )


def _open_svg(width, height, title, description):
    uid = f"chart{next(_ids)}"
    return uid, (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="chart" '
        f'aria-labelledby="{uid}-title {uid}-desc">'
        f'<title id="{uid}-title">{escape(title)}</title>'
        f'<desc id="{uid}-desc">{escape(description)}</desc>'
    )


def _numeric(value):
    return value if isinstance(value, int | float) else 0


def _describe(items, unit, decimals):
    shown = [(label, value) for label, value in items if isinstance(value, int | float)]
    if not shown:
        return "Aucune donnée pour cette sélection."
    label, value = max(shown, key=lambda item: item[1])
    return f"Valeur la plus élevée : {label}, {fmt(value, decimals, unit)} {_unit_word(unit)}."


def _unit_word(unit):
    return "" if unit in {"%", "€", "€ / jour"} else unit


def horizontal_bars(
    title, items, *, unit="", decimals=0, category_header="Catégorie", value_header="Valeur"
) -> Chart:
    """Labelled horizontal bars, one per (label, value) item: fits long category names."""
    items = list(items)
    label_width, bar_width, row, top = 230, 300, 26, 8
    # Long category names wrap onto a second line instead of being cut (issue 17).
    labels = [_wrap(label, 34, 2) for label, _ in items]
    if any(len(lines) > 1 for lines in labels):
        row = 38
    width = label_width + bar_width + 90
    height = top * 2 + row * max(len(items), 1)
    maximum = max((_numeric(v) for _, v in items), default=0) or 1
    description = _describe(items, unit, decimals)
    _, svg = _open_svg(width, height, title, description)
    parts = [svg]
    for index, ((_, value), lines) in enumerate(zip(items, labels, strict=True)):
        y = top + index * row
        middle = y + row / 2 + 4
        length = bar_width * _numeric(value) / maximum
        first = middle - 7 * (len(lines) - 1)
        parts.append(
            f'<text x="{label_width - 8}" y="{first:.1f}" text-anchor="end" font-size="12" '
            f'fill="{TEXT}">{_tspans(lines, label_width - 8, 14)}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{BLUE}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{middle:.1f}" font-size="12" '
            f'fill="{TEXT}">{escape(fmt(value, decimals, unit))}</text>'
        )
    parts.append(
        f'<line x1="{label_width}" y1="{top}" x2="{label_width}" y2="{height - top}" '
        f'stroke="{MUTED}"/></svg>'
    )
    return Chart(
        title,
        description,
        mark_safe("".join(parts)),  # every interpolated text is escaped
        (category_header, value_header),
        [(label, fmt(value, decimals, unit)) for label, value in items],
    )


def bar_chart(
    title, items, *, unit="", decimals=0, category_header="Catégorie", value_header="Valeur"
) -> Chart:
    """Vertical bars for a few short categories (size classes, phases)."""
    items = list(items)
    column, plot_height, top, bottom, left = 86, 180, 24, 46, 10
    width = left * 2 + column * max(len(items), 1)
    height = top + plot_height + bottom
    maximum = max((_numeric(v) for _, v in items), default=0) or 1
    description = _describe(items, unit, decimals)
    _, svg = _open_svg(width, height, title, description)
    parts = [svg]
    baseline = top + plot_height
    for index, (label, value) in enumerate(items):
        x = left + index * column
        bar = plot_height * _numeric(value) / maximum
        parts.append(
            f'<rect x="{x + 14}" y="{baseline - bar:.1f}" width="{column - 28}" '
            f'height="{bar:.1f}" fill="{BLUE}"/>'
            f'<text x="{x + column / 2}" y="{baseline - bar - 6:.1f}" text-anchor="middle" '
            f'font-size="12" fill="{TEXT}">{escape(fmt(value, decimals, unit))}</text>'
            f'<text x="{x + column / 2}" y="{baseline + 16}" text-anchor="middle" '
            f'font-size="11" fill="{TEXT}">'
            f"{_tspans(_wrap(label, 14, 3), x + column / 2, 13)}</text>"
        )
    parts.append(
        f'<line x1="{left}" y1="{baseline}" x2="{width - left}" y2="{baseline}" '
        f'stroke="{MUTED}"/></svg>'
    )
    return Chart(
        title,
        description,
        mark_safe("".join(parts)),  # every interpolated text is escaped
        (category_header, value_header),
        [(label, fmt(value, decimals, unit)) for label, value in items],
    )


def _wrap(text, length, max_lines):
    """``text`` on lines of about ``length`` characters, cut between words; only a word
    longer than a whole line, or a label longer than ``max_lines`` lines, ends in "…"."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= length:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], _shorten(" ".join(lines[max_lines - 1 :]), length)]
    # A single long word may run a little past the line: still readable, not cut.
    return [_shorten(line, length + 3) for line in lines] or [""]


def _tspans(lines, x, step):
    return "".join(
        f'<tspan x="{x}" dy="{0 if i == 0 else step}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )


def _shorten(text, length):
    text = str(text)
    return text if len(text) <= length else text[: length - 1] + "…"


def _classes(values):
    numbers = sorted(v for v in values if isinstance(v, int | float))
    if not numbers:
        return []
    maximum = numbers[-1] or 1
    # Equal-width classes from 0 to the maximum (0 itself is drawn apart): readable bounds.
    step = maximum / len(CLASS_FILLS)
    return [(step * i, step * (i + 1)) for i in range(len(CLASS_FILLS))]


def _class_of(value, classes):
    for index, (_, upper) in enumerate(classes):
        if value <= upper:
            return index
    return len(classes) - 1


def _patterns(uid):
    return (
        "<defs>"
        f'<pattern id="{uid}-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<circle cx="3" cy="3" r="1.2" fill="{TEXT}"/></pattern>'
        f'<pattern id="{uid}-lines" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" '
        'stroke-width="1.5"/></pattern>'
        f'<pattern id="{uid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(-45)"><line x1="0" y1="0" x2="0" y2="6" stroke="{MUTED}" '
        'stroke-width="1"/></pattern>'
        "</defs>"
    )
