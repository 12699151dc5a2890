"""The base populations indicators aggregate over, for one year, scope and viewer.

Every population starts from the model's ``visible_to(viewer)`` (or everything
for ``SERVICE``), is intersected with the territorial scope and runs on the
reporting database alias. Subqueries never call ``using()``: they are compiled
inside the outer query, on the same connection.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accompagnements.models import (
    Accompagnement,
    FollowUp,
    Funding,
    Ingenierie,
    IngenierieStatus,
    PlanAction,
    State,
    TransitionLog,
)
from structures.models import Structure

from .scope import SERVICE, Level, Scope


@dataclass(frozen=True)
class Query:
    """What a figure is about: a year, a territory, and who is asking."""

    year: int
    scope: Scope
    viewer: object
    using: str = ""

    def __post_init__(self):
        if self.viewer is None:
            raise ValueError("a viewer (a user or SERVICE) is required")
        if not self.using:
            object.__setattr__(self, "using", settings.REPORTING_DB_ALIAS)

    @property
    def first_day(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def last_day(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    @property
    def datetime_range(self) -> tuple[datetime.datetime, datetime.datetime]:
        tz = timezone.get_default_timezone()
        return (
            datetime.datetime(self.year, 1, 1, tzinfo=tz),
            datetime.datetime(self.year + 1, 1, 1, tzinfo=tz),
        )

    def in_year(self, lookup: str) -> Q:
        return Q(**{f"{lookup}__gte": self.first_day, f"{lookup}__lte": self.last_day})

    def visible(self, queryset: QuerySet) -> QuerySet:
        if self.viewer is SERVICE:
            return queryset
        return queryset.visible_to(self.viewer)


def active_cases(query: Query) -> QuerySet:
    """Cases active at some point of the year: opened before its end, not closed before it."""
    return query.visible(Accompagnement.objects.all()).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=query.first_day),
        opened_on__lte=query.last_day,
    )


def _visible_case_ids(query: Query) -> QuerySet:
    return query.visible(Accompagnement.objects.all()).values("pk")


def ingenierie_started(query: Query, prefix: str = "") -> Q:
    return query.in_year(f"{prefix}start_on") & ~Q(**{f"{prefix}status": IngenierieStatus.ANNULEE})


def ingenierie_finished(query: Query, prefix: str = "") -> Q:
    return query.in_year(f"{prefix}end_on") & Q(**{f"{prefix}status": IngenierieStatus.TERMINEE})


def had_ingenierie(query: Query) -> Exists:
    return Exists(
        PlanAction.objects.filter(
            ingenierie_started(query, "ingenierie__"), accompagnement=OuterRef("pk")
        )
    )


def _cases(query):
    return active_cases(query)


def _structures(query):
    return query.visible(Structure.objects.all()).filter(
        pk__in=active_cases(query).values("structure")
    )


def _ingenieries(query):
    return query.visible(Ingenierie.objects.all()).filter(
        ingenierie_started(query) | ingenierie_finished(query)
    )


def _fundings(query):
    return Funding.objects.filter(
        ingenierie__in=query.visible(Ingenierie.objects.all())
        .filter(ingenierie_started(query))
        .values("pk")
    )


def _followups(query):
    return FollowUp.objects.filter(
        query.in_year("checked_on"), accompagnement__in=_visible_case_ids(query)
    )


def _journal(query):
    start, end = query.datetime_range
    return TransitionLog.objects.filter(
        timestamp__gte=start,
        timestamp__lt=end,
        from_state__in=State.OPEN,
        accompagnement__in=_visible_case_ids(query),
    )


@dataclass(frozen=True)
class Source:
    name: str
    label: str
    build: Callable[[Query], QuerySet]
    # Lookups from the source's rows to their region and department.
    region: str
    departement: str

    def queryset(self, query: Query) -> QuerySet:
        qs = self.build(query)
        if query.scope.level == Level.REGION:
            qs = qs.filter(**{self.region: query.scope.pk})
        elif query.scope.level == Level.DEPARTEMENT:
            qs = qs.filter(**{self.departement: query.scope.pk})
        return qs.using(query.using).order_by()

    def territory_lookup(self, level: str) -> str:
        return f"{self.region if level == Level.REGION else self.departement}__code"


SOURCES = {
    source.name: source
    for source in [
        Source(
            "cases",
            "accompagnements actifs dans l'année",
            _cases,
            "structure__region",
            "structure__departement",
        ),
        Source(
            "structures",
            "structures ayant un accompagnement actif dans l'année",
            _structures,
            "region",
            "departement",
        ),
        # Ingénieries belong to the territory of the DLA that commissions them:
        # a collective one may gather structures of several departments.
        Source(
            "ingenieries",
            "ingénieries démarrées ou terminées dans l'année",
            _ingenieries,
            "dla__region",
            "dla__departement",
        ),
        Source(
            "fundings",
            "financements des ingénieries démarrées dans l'année",
            _fundings,
            "ingenierie__dla__region",
            "ingenierie__dla__departement",
        ),
        Source(
            "followups",
            "points de suivi réalisés dans l'année",
            _followups,
            "accompagnement__structure__region",
            "accompagnement__structure__departement",
        ),
        Source(
            "journal",
            "sorties de phase enregistrées au journal dans l'année",
            _journal,
            "accompagnement__structure__region",
            "accompagnement__structure__departement",
        ),
    ]
}
