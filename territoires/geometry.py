"""Outlines of France's departments, read at run time from the ``pygal-maps-fr`` package.

The package (LGPL-3.0-or-later, by Kozea, the authors of pygal) ships an SVG of
the 101 departments: metropolitan France, Corsica (2A, 2B), an enlarged inset of
Paris and its inner ring (75, 92, 93, 94) and the overseas departments (971-974,
976) placed beside the mainland. We read its paths once, simplify them to
whole units of its 2000 × 1898 drawing (dropping points less than about a pixel
apart at the size we draw) and draw our own map from them; the file is never
copied into this repository. The attribution goes wherever a map is shown.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "pygal_maps_fr"
SVG_NAME = "fr.departments.svg"
ATTRIBUTION = (
    "Fond de carte des départements : pygal-maps-fr (Kozea), licence LGPL-3.0 ou ultérieure."
)
WIDTH, HEIGHT = 2000, 1898
# Saint-Pierre-et-Miquelon (975) is in the drawing but is not a department.
NOT_DEPARTEMENTS = {"975"}

_SVG = "{http://www.w3.org/2000/svg}"
_TOKEN = re.compile(r"[MmLlCcZzHhVv]|-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?")
_TRANSLATE = re.compile(r"translate\(\s*(-?[\d.]+)[ ,]+(-?[\d.]+)\s*\)")


@dataclass(frozen=True)
class Shape:
    code: str
    # Path data in whole units of the drawing, already translated.
    d: str
    # The centre and the bottom of its outline's box (where a label goes).
    x: float
    y: float
    inset: str  # "", "paris" (the enlarged inset) or "outre-mer"
    bottom: float = 0.0


def svg_path() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"Le paquet {PACKAGE} est requis pour dessiner la carte.")
    return Path(next(iter(spec.submodule_search_locations))) / SVG_NAME


def _subpaths(d: str) -> list[list[tuple[float, float]]]:
    """The package's path data (M, L, C, H, V, Z, relative or absolute) as closed polylines
    of absolute points: a curve keeps its end point (its control points bend it by less
    than we draw)."""
    tokens = _TOKEN.findall(d)
    rings: list[list[tuple[float, float]]] = []
    x = y = 0.0
    command = ""
    index = 0

    def number() -> float:
        nonlocal index
        value = float(tokens[index])
        index += 1
        return value

    while index < len(tokens):
        if tokens[index].isalpha():
            command = tokens[index]
            index += 1
            if command in "Zz":
                if rings and rings[-1]:
                    x, y = rings[-1][0]
                continue
        relative = command.islower()
        kind = command.upper()
        if kind == "M":
            nx, ny = number(), number()
            x, y = (x + nx, y + ny) if relative else (nx, ny)
            rings.append([(x, y)])
            # Further pairs after a moveto are linetos.
            command = "l" if relative else "L"
            continue
        if kind == "L":
            nx, ny = number(), number()
            x, y = (x + nx, y + ny) if relative else (nx, ny)
        elif kind == "H":
            nx = number()
            x = x + nx if relative else nx
        elif kind == "V":
            ny = number()
            y = y + ny if relative else ny
        elif kind == "C":
            coords = [(number(), number()) for _ in range(3)]
            x, y = (x + coords[2][0], y + coords[2][1]) if relative else coords[2]
        else:  # pragma: no cover - the package uses only the commands above
            raise ValueError(f"Commande de tracé inattendue : {command}")
        rings[-1].append((x, y))
    return rings


# Points closer than this (units of the drawing) to the last one kept are dropped: about
# one pixel at the size the maps are drawn, so borders stay where they are.
TOLERANCE = 3.0


def _simplified(
    rings: list[list[tuple[float, float]]], dx: float, dy: float
) -> tuple[str, list[tuple[float, float]]]:
    """Compact path data (whole units, relative line segments) and the points kept."""
    out: list[str] = []
    kept_all: list[tuple[float, float]] = []
    for ring in rings:
        kept = [ring[0]]
        for point in ring[1:]:
            last = kept[-1]
            if abs(point[0] - last[0]) + abs(point[1] - last[1]) >= TOLERANCE:
                kept.append(point)
        if len(kept) < 3:
            continue  # an islet smaller than a pixel
        absolute = [(round(px + dx), round(py + dy)) for px, py in kept]
        steps = [f"M{absolute[0][0]} {absolute[0][1]}l"]
        previous = absolute[0]
        moves = []
        for point in absolute[1:]:
            moves.append(f"{point[0] - previous[0]} {point[1] - previous[1]}")
            previous = point
        out.append(steps[0] + " ".join(moves) + "z")
        kept_all.extend((px + dx, py + dy) for px, py in kept)
    return "".join(out), kept_all


def _translation(element: ET.Element) -> tuple[float, float]:
    match = _TRANSLATE.search(element.get("transform", ""))
    return (float(match.group(1)), float(match.group(2))) if match else (0.0, 0.0)


@functools.cache
def departements() -> dict[str, list[Shape]]:
    """Every department's shapes (Paris and its inner ring also appear in the inset)."""
    root = ET.parse(svg_path()).getroot()
    shapes: dict[str, list[Shape]] = {}
    for group in root.findall(f"{_SVG}g"):
        dx, dy = _translation(group)
        inset = {"paris-petite-couronne": "paris", "dom-com": "outre-mer"}.get(
            group.get("id", ""), ""
        )
        for element in group.iter(f"{_SVG}g"):
            classes = element.get("class", "").split()
            code = next((c[1:] for c in classes if c.startswith("z")), None)
            if code is None or code in NOT_DEPARTEMENTS:
                continue
            for path in element.findall(f"{_SVG}path"):
                d, points = _simplified(_subpaths(path.get("d", "")), dx, dy)
                if not points:
                    continue
                xs, ys = [p[0] for p in points], [p[1] for p in points]
                centre = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
                shapes.setdefault(code, []).append(Shape(code, d, *centre, inset, max(ys)))
    return shapes
