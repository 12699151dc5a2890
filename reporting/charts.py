"""Server-rendered, accessible SVG charts: one code path for the web pages and the PDF.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>``, and
carries its figures as rows for the HTML table the templates show next to it.
Colour is never the only carrier of meaning: bars and tiles are labelled with
their values, and the map's classes also differ by pattern.
"""

import itertools
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .indicators import SECRET

_ids = itertools.count(1)

BLUE = "#000091"
TEXT = "#161616"
MUTED = "#595959"
GRID = "#dddddd"
# Sequential classes (light to dark); the text drawn on each stays readable (contrast ≥ 4.5).
CLASS_FILLS = ["#e3e3fd", "#cacafb", "#8585f6", "#313178", "#000091"]
CLASS_TEXT = [TEXT, TEXT, TEXT, "#ffffff", "#ffffff"]
CLASS_PATTERNS = ["none", "dots", "none", "lines", "none"]


def fmt(value, decimals: int = 0, unit: str = "") -> str:
    """French number formatting; ``s`` for a suppressed cell, an en dash for no data."""
    if value == SECRET:
        return SECRET
    if value is None:
        return "–"
    text = number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    if unit in {"%", "€", "€ / jour"}:
        return f"{text}\u202f{unit}"
    return text


@dataclass
class Chart:
    title: str
    description: str
    svg: SafeString
    # (label, formatted value) rows for the table shown beside the chart.
    headers: tuple[str, str]
    rows: list[tuple[str, str]] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)


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
    width = label_width + bar_width + 90
    height = top * 2 + row * max(len(items), 1)
    maximum = max((_numeric(v) for _, v in items), default=0) or 1
    description = _describe(items, unit, decimals)
    _, svg = _open_svg(width, height, title, description)
    parts = [svg]
    for index, (label, value) in enumerate(items):
        y = top + index * row
        length = bar_width * _numeric(value) / maximum
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" font-size="12" '
            f'fill="{TEXT}">{escape(_shorten(label, 34))}</text>'
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{BLUE}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 17}" font-size="12" '
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
            f'font-size="11" fill="{TEXT}">{escape(_shorten(label, 14))}</text>'
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


def _shorten(text, length):
    text = str(text)
    return text if len(text) <= length else text[: length - 1] + "…"


# Department tiles: (column, row) on a grid that keeps France's shape recognisable.
TILES = {
    "62": (6, 0), "59": (7, 0),
    "76": (4, 1), "80": (5, 1), "60": (6, 1), "02": (7, 1), "08": (8, 1),
    "50": (1, 2), "14": (2, 2), "27": (3, 2), "78": (4, 2), "95": (5, 2), "93": (6, 2),
    "51": (7, 2), "55": (8, 2), "57": (9, 2), "67": (10, 2),
    "29": (0, 3), "22": (1, 3), "35": (2, 3), "61": (3, 3), "28": (4, 3), "92": (5, 3),
    "75": (6, 3), "94": (7, 3), "54": (8, 3), "88": (9, 3), "68": (10, 3),
    "56": (1, 4), "53": (2, 4), "72": (3, 4), "45": (4, 4), "91": (5, 4), "77": (6, 4),
    "10": (7, 4), "52": (8, 4), "70": (9, 4), "90": (10, 4),
    "44": (1, 5), "49": (2, 5), "37": (3, 5), "41": (4, 5), "18": (5, 5), "89": (6, 5),
    "21": (7, 5), "25": (8, 5),
    "85": (1, 6), "79": (2, 6), "86": (3, 6), "36": (4, 6), "58": (5, 6), "71": (6, 6),
    "39": (7, 6), "01": (8, 6), "74": (9, 6),
    "17": (1, 7), "16": (2, 7), "87": (3, 7), "23": (4, 7), "03": (5, 7), "42": (6, 7),
    "69": (7, 7), "38": (8, 7), "73": (9, 7),
    "33": (1, 8), "24": (2, 8), "19": (3, 8), "63": (4, 8), "43": (5, 8), "07": (6, 8),
    "26": (7, 8), "05": (8, 8),
    "40": (1, 9), "47": (2, 9), "46": (3, 9), "15": (4, 9), "48": (5, 9), "30": (6, 9),
    "84": (7, 9), "04": (8, 9), "06": (9, 9),
    "64": (1, 10), "32": (2, 10), "82": (3, 10), "12": (4, 10), "34": (5, 10), "13": (6, 10),
    "83": (7, 10),
    "65": (2, 11), "31": (3, 11), "81": (4, 11), "11": (5, 11), "2B": (9, 11),
    "09": (3, 12), "66": (4, 12), "2A": (9, 12),
    "971": (0, 14), "972": (1, 14), "973": (2, 14), "974": (3, 14), "976": (4, 14),
}  # fmt: skip


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


def tile_map(title, values: dict, names: dict, *, unit="", decimals=0) -> Chart:
    """A cartogram of departments (one square each) shaded by an indicator.

    ``values`` maps department codes to numbers (or ``SECRET``); departments not in
    ``values`` are outside the selection and drawn as empty outlines.
    """
    size, gap, margin, legend_height = 40, 3, 10, 120
    columns = 1 + max(c for c, _ in TILES.values())
    rows = 1 + max(r for _, r in TILES.values())
    width = margin * 2 + columns * (size + gap)
    height = margin * 2 + rows * (size + gap) + legend_height
    classes = _classes(values.values())
    shown = [(names.get(code, code), value) for code, value in values.items()]
    description = (
        f"Carte des départements en tuiles, une tuile par département, colorée selon la "
        f"valeur en {len(classes) or 0} classes ; chaque tuile porte le code du département "
        "et sa valeur. " + _describe(shown, unit, decimals)
    )
    uid, svg = _open_svg(width, height, title, description)
    parts = [svg, _patterns(uid)]
    for code, (column, row) in TILES.items():
        x = margin + column * (size + gap)
        y = margin + row * (size + gap)
        if code not in values:
            parts.append(
                f'<rect x="{x}" y="{y}" width="{size}" height="{size}" fill="#ffffff" '
                f'stroke="{GRID}"/>'
            )
            continue
        value = values[code]
        label = names.get(code, code)
        if value == 0:
            fill, ink, pattern = "#ffffff", TEXT, "none"
        elif isinstance(value, int | float):
            index = _class_of(value, classes)
            fill, ink, pattern = CLASS_FILLS[index], CLASS_TEXT[index], CLASS_PATTERNS[index]
        else:
            fill, ink, pattern = "#ffffff", TEXT, "hatch"
        parts.append(
            f"<g><title>{escape(label)} : {escape(fmt(value, decimals, unit))}</title>"
            f'<rect x="{x}" y="{y}" width="{size}" height="{size}" fill="{fill}" '
            f'stroke="{MUTED}"/>'
        )
        if pattern != "none":
            parts.append(
                f'<rect x="{x}" y="{y}" width="{size}" height="{size}" '
                f'fill="url(#{uid}-{pattern})"/>'
            )
        parts.append(
            f'<text x="{x + size / 2}" y="{y + 15}" text-anchor="middle" font-size="11" '
            f'font-weight="bold" fill="{ink}">{escape(code)}</text>'
            f'<text x="{x + size / 2}" y="{y + 31}" text-anchor="middle" font-size="10" '
            f'fill="{ink}">{escape(_compact(value))}</text></g>'
        )
    legend = []
    y = height - legend_height + 10
    for index, (lower, upper) in enumerate(classes):
        x = margin + index * 100
        text = f"{fmt(lower, decimals)} à {fmt(upper, decimals)}"
        legend.append((CLASS_FILLS[index], text))
        parts.append(
            f'<rect x="{x}" y="{y}" width="18" height="18" fill="{CLASS_FILLS[index]}" '
            f'stroke="{MUTED}"/>'
        )
        if CLASS_PATTERNS[index] != "none":
            parts.append(
                f'<rect x="{x}" y="{y}" width="18" height="18" '
                f'fill="url(#{uid}-{CLASS_PATTERNS[index]})"/>'
            )
        parts.append(
            f'<text x="{x + 22}" y="{y + 14}" font-size="10" fill="{TEXT}">{escape(text)}</text>'
        )
    y += 30
    parts.append(
        f'<rect x="{margin}" y="{y}" width="18" height="18" fill="#ffffff" stroke="{MUTED}"/>'
        f'<text x="{margin + 22}" y="{y + 14}" font-size="10" fill="{TEXT}">0</text>'
        f'<rect x="{margin + 100}" y="{y}" width="18" height="18" fill="url(#{uid}-hatch)" '
        f'stroke="{MUTED}"/><text x="{margin + 122}" y="{y + 14}" font-size="10" '
        f'fill="{TEXT}">s : secret statistique (moins de 5 structures)</text>'
        f'<text x="{margin}" y="{y + 40}" font-size="10" fill="{MUTED}">'
        "Outre-mer : 971 Guadeloupe, 972 Martinique, 973 Guyane, 974 La Réunion, "
        "976 Mayotte.</text></svg>"
    )
    rows_out = [
        (f"{code} – {names.get(code, code)}", fmt(value, decimals, unit))
        for code, value in sorted(values.items())
    ]
    return Chart(
        title,
        description,
        mark_safe("".join(parts)),  # every interpolated text is escaped
        ("Département", "Valeur"),
        rows_out,
        legend,
    )


def _compact(value):
    if value == SECRET:
        return SECRET
    if not isinstance(value, int | float):
        return "–"
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    return fmt(value, 0)
