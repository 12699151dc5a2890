"""A map of France's departments, shaded by a figure: the dashboards' and the PDF's map.

Drawn server-side from the departments' outlines (``territoires.geometry``), like
the other charts: an ``<svg role="img">`` with a title and a description, each
department titled with its name and value, and the figures as a table beside it.
Classes differ by shade and pattern; departments flagged (e.g. thin coverage) get
a thick outline and a cross-hatch, explained in the legend.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from territoires import geometry

from .charts import (
    CLASS_FILLS,
    CLASS_PATTERNS,
    GRID,
    MUTED,
    TEXT,
    Chart,
    _class_of,
    _classes,
    _describe,
    _open_svg,
    _patterns,
    fmt,
)

ATTRIBUTION = geometry.ATTRIBUTION
WIDTH = 620
SCALE = WIDTH / geometry.WIDTH
LEGEND_HEIGHT = 118
FLAG = "#b34000"  # outline of flagged departments (with a pattern: never colour alone)
OUTRE_MER = {
    "971": "Guadeloupe",
    "972": "Martinique",
    "973": "Guyane",
    "974": "La Réunion",
    "976": "Mayotte",
}


def _fill(value, classes, uid):
    if value == 0:
        return "#ffffff", "none"
    if isinstance(value, int | float):
        index = _class_of(value, classes)
        return CLASS_FILLS[index], CLASS_PATTERNS[index]
    return "#ffffff", "hatch"  # secret (s) or unknown


def department_map(
    title,
    values: dict,
    names: dict,
    *,
    unit="",
    decimals=0,
    flagged=frozenset(),
    flag_label="",
    value_header="Valeur",
) -> Chart:
    """``values``: department code → number or ``SECRET``; the others are outside the
    selection (drawn blank). ``flagged``: codes to outline, described by ``flag_label``."""
    shapes = geometry.departements()
    height = round(geometry.HEIGHT * SCALE) + LEGEND_HEIGHT
    classes = _classes(values.values())
    shown = [(names.get(code, code), value) for code, value in values.items()]
    description = (
        "Carte des départements de France : métropole, Corse, Paris et sa petite couronne "
        "agrandis, et départements d'outre-mer en encarts ; chaque département est coloré "
        f"selon sa valeur en {len(classes)} classes (teinte et motif)"
        + (f" ; contour épais et hachures croisées : {flag_label}" if flagged else "")
        + ". Le tableau qui suit la carte donne chaque valeur. "
        + _describe(shown, unit, decimals)
    )
    uid, svg = _open_svg(WIDTH, height, title, description)
    parts = [
        svg,
        _patterns(uid),
        f'<defs><pattern id="{uid}-cross" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<path d="M0 0L8 8M8 0L0 8" stroke="{FLAG}" stroke-width="1"/></pattern></defs>',
        f'<g transform="scale({SCALE:.5f})" stroke-linejoin="round">',
    ]
    for code, outlines in sorted(shapes.items()):
        inside = code in values
        value = values.get(code)
        label = f"{names.get(code, code)} ({code})"
        fill, pattern = _fill(value, classes, uid) if inside else ("#ffffff", "none")
        stroke = MUTED if inside else GRID
        d = "".join(shape.d for shape in outlines)
        text = f"{label} : {fmt(value, decimals, unit)}" if inside else f"{label} : hors sélection"
        if code in flagged:
            text += f" ({flag_label})"
        parts.append(
            f"<g><title>{escape(text)}</title>"
            f'<path d="{d}" fill="{fill}" stroke="{stroke}" stroke-width="1" '
            'vector-effect="non-scaling-stroke"/>'
        )
        if pattern != "none":
            parts.append(f'<path d="{d}" fill="url(#{uid}-{pattern})" stroke="none"/>')
        if code in flagged:
            parts.append(
                f'<path d="{d}" fill="url(#{uid}-cross)" stroke="{FLAG}" stroke-width="2.5" '
                'vector-effect="non-scaling-stroke"/>'
            )
        parts.append("</g>")
    parts.append("</g>")
    parts.extend(_inset_captions(shapes))
    parts.extend(_legend(uid, classes, decimals, height, flagged, flag_label))
    parts.append(
        f'<text x="10" y="{height - 6}" font-size="9" fill="{MUTED}">'
        f"{escape(geometry.ATTRIBUTION)}</text></svg>"
    )
    rows = [
        (
            f"{code} – {names.get(code, code)}",
            fmt(value, decimals, unit) + (f" ({flag_label})" if code in flagged else ""),
        )
        for code, value in sorted(values.items())
    ]
    legend = [
        (CLASS_FILLS[i], f"{fmt(lo, decimals)} à {fmt(hi, decimals)}")
        for i, (lo, hi) in enumerate(classes)
    ]
    return Chart(
        title,
        description,
        mark_safe("".join(parts)),  # every interpolated text is escaped
        ("Département", value_header),
        rows,
        legend,
    )


def _inset_captions(shapes) -> list[str]:
    parts = []
    paris = [s for outlines in shapes.values() for s in outlines if s.inset == "paris"]
    if paris:
        y = max(s.bottom for s in paris) * SCALE + 12
        parts.append(
            f'<text x="{WIDTH - 4}" y="{y:.0f}" text-anchor="end" font-size="9" '
            f'fill="{TEXT}">Paris et petite couronne (agrandi)</text>'
        )
    for code, name in OUTRE_MER.items():
        for shape in shapes.get(code, [])[:1]:
            parts.append(
                f'<text x="{shape.x * SCALE:.0f}" y="{shape.bottom * SCALE + 11:.0f}" '
                f'text-anchor="middle" font-size="9" fill="{TEXT}">{code} {escape(name)}</text>'
            )
    return parts


def _legend(uid, classes, decimals, height, flagged, flag_label) -> list[str]:
    parts = []
    y = height - LEGEND_HEIGHT + 14
    for index, (lower, upper) in enumerate(classes):
        x = 10 + index * 120
        text = f"{fmt(lower, decimals)} à {fmt(upper, decimals)}"
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
    y += 28
    parts.append(
        f'<rect x="10" y="{y}" width="18" height="18" fill="#ffffff" stroke="{MUTED}"/>'
        f'<text x="32" y="{y + 14}" font-size="10" fill="{TEXT}">0 ou hors sélection</text>'
        f'<rect x="150" y="{y}" width="18" height="18" fill="url(#{uid}-hatch)" '
        f'stroke="{MUTED}"/><text x="172" y="{y + 14}" font-size="10" fill="{TEXT}">'
        "s : secret statistique (moins de 5 structures)</text>"
    )
    if flagged:
        y += 28
        parts.append(
            f'<rect x="10" y="{y}" width="18" height="18" fill="url(#{uid}-cross)" '
            f'stroke="{FLAG}" stroke-width="2.5"/><text x="32" y="{y + 14}" font-size="10" '
            f'fill="{TEXT}">{escape(flag_label)}</text>'
        )
    return parts
