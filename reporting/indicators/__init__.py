"""The indicator dictionary: one definition and one implementation per figure.

Dashboards, exports and the PDF report all read their figures from here.
"""

from . import activity, ingenieries, structures, suivi  # noqa: F401  (registration)
from .base import REGISTRY, THEMES, Breakdown, Indicator, SmallCells, Unit, by_theme, get
from .engine import SECRET, TerritoryNames, category_label, compute, contributors
from .scope import Level, Scope, may_read, resolve_scope
from .sources import SOURCES, Query

__all__ = [
    "REGISTRY",
    "SECRET",
    "SOURCES",
    "THEMES",
    "Breakdown",
    "Indicator",
    "Level",
    "Query",
    "Scope",
    "SmallCells",
    "TerritoryNames",
    "Unit",
    "by_theme",
    "category_label",
    "compute",
    "contributors",
    "get",
    "may_read",
    "resolve_scope",
]
