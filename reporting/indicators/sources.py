"""The base populations indicators aggregate over, for one year, scope and viewer.

Every population starts from the model's ``visible_to(viewer)`` (everything for
``SYSTEM``), is intersected with the territorial scope and runs on the
reporting database alias. Subqueries never call ``using()``: they are compiled
inside the outer query, on the same connection.

The year is the calendar year of the product's time zone (``TIME_ZONE``,
Europe/Paris): a journal row written on 31 December at 23:30 UTC is dated
1 January in Paris and belongs to the next year (its ``on_date``).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
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
from territoires.keys import InKeys
from territoires.scope import ScopedQuerySet

from .scope import Level, Scope


@dataclass(frozen=True)
class ReadCases:
    """The keys of the cases accompanied in one year as one viewer may read them, on one
    database: ``accompanied_in_year`` worked out once (``read_accompanied``)."""

    year: int
    viewer: object
    using: str
    keys: tuple[int, ...]


@dataclass(frozen=True)
class Query:
    """What a figure is about: a year, a territory, and who is asking."""

    year: int
    scope: Scope
    viewer: object
    using: str = ""
    # The year's accompanied cases, when already read (``read_accompanied``); used only
    # while the year, viewer and database are those they were read for.
    cases: ReadCases | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.viewer is None:
            raise ValueError("a viewer (a user or SYSTEM) is required")
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

    def visible[Q_: ScopedQuerySet[Any]](self, queryset: Q_) -> Q_:
        return queryset.visible_to(self.viewer)


# Phases in which a structure is "accompanied" (Avise: accueillie, diagnostiquée et/ou
# ayant bénéficié d'une ingénierie). Follow-up alone is not: it measures effects.
ACCOMPANYING_PHASES = (
    State.ACCUEIL,
    State.DIAGNOSTIC,
    State.PARCOURS,
    State.COORDINATION,
)


def in_phase_during_year(query: Query, phases: tuple[str, ...] = ACCOMPANYING_PHASES) -> Exists:
    """The case (outer row) spent some of the year in one of ``phases``, says its journal.

    A journal row entering such a phase on or before 31 December, with no later row
    dated before 1 January, means the stay in that phase overlaps the year.
    """
    later = TransitionLog.objects.filter(
        Q(timestamp__gt=OuterRef("timestamp"))
        | Q(timestamp=OuterRef("timestamp"), pk__gt=OuterRef("pk")),
        accompagnement=OuterRef("accompagnement"),
        on_date__lt=query.first_day,
    )
    return Exists(
        TransitionLog.objects.filter(
            accompagnement=OuterRef("pk"), to_state__in=phases, on_date__lte=query.last_day
        ).exclude(Exists(later))
    )


def ingenierie_under_way(query: Query, prefix: str = "") -> Q:
    """Started by 31 December, not finished before 1 January, not cancelled."""
    return (
        Q(**{f"{prefix}start_on__lte": query.last_day})
        & (Q(**{f"{prefix}end_on__isnull": True}) | Q(**{f"{prefix}end_on__gte": query.first_day}))
        & ~Q(**{f"{prefix}status": IngenierieStatus.ANNULEE})
    )


def accompanied_in_year(query: Query) -> Q:
    """A case accompanied in the year: in an accompanying phase, or with an ingénierie under way."""
    if (keys := _read_keys(query)) is not None:
        return Q(InKeys(F("pk"), keys))
    ingenierie = Exists(
        PlanAction.objects.filter(
            ingenierie_under_way(query, "ingenierie__"), accompagnement=OuterRef("pk")
        )
    )
    return Q(in_phase_during_year(query)) | Q(ingenierie)


def accompanied_cases(query: Query) -> QuerySet:
    return query.visible(Accompagnement.objects.all()).filter(accompanied_in_year(query))


def _read_keys(query: Query) -> tuple[int, ...] | None:
    cases = query.cases
    if cases is None or (cases.year, cases.using) != (query.year, query.using):
        return None
    return cases.keys if cases.viewer is query.viewer else None


def read_accompanied(query: Query) -> Query:
    """``query`` carrying its year's accompanied cases, read now (one query): what computes
    many territories of one year (a summary refresh, a freeze) reads them once, and each
    source's query then matches keys instead of walking the journal again (0.6 to 1.5 s
    a query at national scale, a nested loop the planner misjudges). Its copies for other
    scopes (``replace(query, scope=…)``) carry them too."""
    if _read_keys(query) is not None:
        return query
    keys = accompanied_cases(query).using(query.using).order_by("pk").values_list("pk", flat=True)
    return replace(query, cases=ReadCases(query.year, query.viewer, query.using, tuple(keys)))


def _visible_case_ids(query: Query) -> QuerySet:
    return query.visible(Accompagnement.objects.all()).values("pk")


def ingenierie_started(query: Query, prefix: str = "") -> Q:
    return query.in_year(f"{prefix}start_on") & ~Q(**{f"{prefix}status": IngenierieStatus.ANNULEE})


def ingenierie_finished(query: Query, prefix: str = "") -> Q:
    return query.in_year(f"{prefix}end_on") & Q(**{f"{prefix}status": IngenierieStatus.TERMINEE})


def structure_had_ingenierie(query: Query) -> Exists:
    """The structure (outer historical row, ``id``) had an ingénierie started in the year."""
    return Exists(
        PlanAction.objects.filter(
            ingenierie_started(query, "ingenierie__"),
            accompagnement__structure_id=OuterRef("id"),
            accompagnement__in=_visible_case_ids(query),
        )
    )


def _cases(query: Query) -> QuerySet[Any]:
    return accompanied_cases(query)


def records_as_of_year_end(query: Query, structure_ids: Any = None) -> QuerySet:
    """The structures' records as they stood on 31 December (django-simple-history), to
    read as they are: a filter added to this queryset would change which record is chosen
    (``structures_as_of_year_end`` takes filters).

    A structure with no record by then (registered in bulk before its history was
    kept) is described by its earliest record. ``structure_ids`` (a queryset or a list)
    narrows the structures; ``None``: every structure of the register. Set-based: each
    structure's records ranked once (a window function), not two correlated sub-selects
    per record.
    """
    records = Structure.history.model.objects.order_by()
    if structure_ids is not None:
        records = records.filter(id__in=structure_ids)
    by_year_end = Q(history_date__lt=query.datetime_range[1])
    as_of_first = [
        Case(When(by_year_end, then=Value(0)), default=Value(1)).asc(),
        # The latest record by the end of the year…
        Case(When(by_year_end, then=F("history_date"))).desc(nulls_last=True),
        Case(When(by_year_end, then=F("history_id"))).desc(nulls_last=True),
        # … else the earliest one.
        F("history_date").asc(),
        F("history_id").asc(),
    ]
    return records.alias(
        rank=Window(RowNumber(), partition_by=F("id"), order_by=as_of_first)
    ).filter(rank=1)


def structures_as_of_year_end(query: Query, structure_ids: Any = None) -> QuerySet:
    """The records of ``records_as_of_year_end``, as a queryset that takes filters: the
    choice of the record sits in a sub-select of its own."""
    chosen = records_as_of_year_end(query, structure_ids).values("history_id")
    return Structure.history.model.objects.filter(history_id__in=chosen)


def _structures(query: Query) -> QuerySet[Any]:
    accompanied = accompanied_cases(query).values("structure_id")
    ids = query.visible(Structure.objects.all()).filter(pk__in=accompanied).values("pk")
    return structures_as_of_year_end(query, ids)


def _structures_of_dla(query: Query) -> Q:
    """Structures one of whose cases owned by the DLA was accompanied in the year."""
    cases = accompanied_cases(query).filter(dla_id=query.scope.pk)
    return Q(id__in=cases.values("structure_id"))


def _ingenieries(query: Query) -> QuerySet[Any]:
    return query.visible(Ingenierie.objects.all()).filter(
        ingenierie_started(query) | ingenierie_finished(query)
    )


def _fundings(query: Query) -> QuerySet[Any]:
    return Funding.objects.filter(
        ingenierie__in=query.visible(Ingenierie.objects.all())
        .filter(ingenierie_started(query))
        .values("pk")
    )


def _followups(query: Query) -> QuerySet[Any]:
    return FollowUp.objects.filter(
        query.in_year("checked_on"), accompagnement__in=_visible_case_ids(query)
    )


def _events(query: Query) -> QuerySet[Any]:
    return TransitionLog.objects.filter(
        query.in_year("on_date"), accompagnement__in=_visible_case_ids(query)
    )


def _journal(query: Query) -> QuerySet[Any]:
    return _events(query).filter(from_state__in=State.OPEN)


@dataclass(frozen=True)
class Source:
    name: str
    label: str
    build: Callable[[Query], QuerySet]
    # Lookups from the source's rows to their region and department.
    region: str
    departement: str
    # Lookup to the structure a row concerns: disclosure control counts distinct ones.
    structure: str = "structure"
    # Lookup to the DLA that owns the row (a case's DLA, the commissioning DLA), or the
    # condition selecting a DLA's rows (``Level.DLA``).
    dla: str | Callable[[Query], Q] = "accompagnement__dla"

    def queryset(self, query: Query) -> QuerySet:
        qs = self.build(query)
        if query.scope.level == Level.REGION:
            qs = qs.filter(**{self.region: query.scope.pk})
        elif query.scope.level == Level.DEPARTEMENT:
            qs = qs.filter(**{self.departement: query.scope.pk})
        elif query.scope.level == Level.DLA:
            qs = qs.filter(
                self.dla(query) if callable(self.dla) else Q(**{self.dla: query.scope.pk})
            )
        return qs.using(query.using).order_by()

    def territory_lookup(self, level: str) -> str:
        return f"{self.region if level == Level.REGION else self.departement}__code"


SOURCES = {
    source.name: source
    for source in [
        Source(
            "cases",
            "accompagnements en cours d'accompagnement dans l'année",
            _cases,
            "structure__region",
            "structure__departement",
            dla="dla",
        ),
        # Historical records: characteristics and territory as of 31 December.
        Source(
            "structures",
            "structures accompagnées dans l'année (telles qu'au 31 décembre)",
            _structures,
            "region",
            "departement",
            structure="id",
            dla=_structures_of_dla,
        ),
        Source(
            "events",
            "événements du journal datés de l'année (ouvertures, sorties, réouvertures)",
            _events,
            "accompagnement__structure__region",
            "accompagnement__structure__departement",
            structure="accompagnement__structure",
        ),
        # Ingénieries belong to the territory of the DLA that commissions them:
        # a collective one may gather structures of several departments.
        Source(
            "ingenieries",
            "ingénieries démarrées ou terminées dans l'année",
            _ingenieries,
            "dla__region",
            "dla__departement",
            structure="accompagnements__structure",
            dla="dla",
        ),
        Source(
            "fundings",
            "financements des ingénieries démarrées dans l'année",
            _fundings,
            "ingenierie__dla__region",
            "ingenierie__dla__departement",
            structure="ingenierie__accompagnements__structure",
            dla="ingenierie__dla",
        ),
        Source(
            "followups",
            "points de suivi réalisés dans l'année",
            _followups,
            "accompagnement__structure__region",
            "accompagnement__structure__departement",
            structure="accompagnement__structure",
        ),
        Source(
            "journal",
            "sorties de phase datées de l'année au journal",
            _journal,
            "accompagnement__structure__region",
            "accompagnement__structure__departement",
            structure="accompagnement__structure",
        ),
    ]
}
