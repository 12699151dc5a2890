"""Indicator definitions and the registry every output (dashboard, export, PDF) reads."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Expression, Q, QuerySet

if TYPE_CHECKING:
    from .sources import Query


class Unit:
    STRUCTURES = "structures"
    CASES = "accompagnements"
    DIAGNOSTICS = "diagnostics"
    INGENIERIES = "ingénieries"
    FOLLOWUPS = "points de suivi"
    CONSULTANTS = "prestataires"
    JOBS = "salarié·es"
    FTE = "ETP"
    PERCENT = "%"
    EUROS = "€"
    DAYS = "jours"
    EUROS_PER_DAY = "€ / jour"


THEMES = {
    "activite": "Activité",
    "structures": "Structures accompagnées",
    "ingenieries": "Ingénieries",
    "parcours": "Durées et sorties de parcours",
    "suivi": "Suivi des effets",
}


class SmallCells:
    """How small-cell suppression applies to an indicator (below region level)."""

    # The value counts structures (or cases): cells from 1 to 4 are suppressed.
    COUNT = "count"
    # A sum, ratio or median: suppressed when the territory has fewer than 5 structures.
    BASE = "base"


@dataclass(frozen=True)
class Breakdown:
    """Splits an indicator into categories: a lookup (or expression) and its labels."""

    label: str
    category: str | Expression
    # Category → French label, in display order; or "region"/"departement" for territories.
    labels: dict[str, str] | str
    # Counts are shown for every category (0 when absent); medians are not.
    zero_fill: bool = True


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    definition: str
    unit: str
    theme: str
    # Name of the base population in ``sources.SOURCES``.
    source: str
    # The single implementation: an aggregate over the source, built for a query.
    # A breakdown's aggregate also takes the condition selecting one category (or None).
    expression: Callable[..., Expression]
    breakdown: Breakdown | None = None
    # Breakdowns only: restricts the source before grouping, and adds computed columns.
    where: Callable[["Query"], Q] | None = None
    prepare: Callable[[QuerySet, "Query"], QuerySet] | None = None
    small_cells: str = SmallCells.COUNT
    # Disclosure control (reporting.disclosure): the rows the value rests on (default: all
    # rows of the source, or of the category), whether territories add up (medians, rates
    # and distinct consultants do not), and what the categories or parts add up to.
    base: Callable[["Query"], Q] | None = None
    additive: bool = True
    total_of: str = ""
    parts: tuple[str, ...] = ()
    decimals: int = 0
    # Key figures shown first on dashboards and on the report's cover page.
    key: bool = False
    notes: str = ""

    @property
    def is_breakdown(self) -> bool:
        return self.breakdown is not None

    @property
    def theme_label(self) -> str:
        return THEMES[self.theme]


REGISTRY: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    if indicator.code in REGISTRY:
        raise ValueError(f"indicator {indicator.code} registered twice")
    if not indicator.is_breakdown and (indicator.where or indicator.prepare):
        # Scalars of one source share a single query: they filter inside the aggregate.
        raise ValueError(f"{indicator.code}: only breakdowns may restrict their source")
    if indicator.theme not in THEMES:
        raise ValueError(f"unknown theme {indicator.theme!r} for {indicator.code}")
    REGISTRY[indicator.code] = indicator
    return indicator


def get(code: str) -> Indicator:
    return REGISTRY[code]


def by_theme() -> list[tuple[str, list[Indicator]]]:
    return [
        (label, [i for i in REGISTRY.values() if i.theme == theme])
        for theme, label in THEMES.items()
    ]
