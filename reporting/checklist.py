"""The data-quality checklist of a yearly campaign: what a DLA should fix before the freeze.

Each check lists rows of the DLA's cases of the year (or of the ingénieries it
commissions) that would make a figure of the year wrong or missing. The rows come
from the reader's ``visible_to``; each check is one query for a DLA's page and one
grouped query for the progress of all the DLAs a reader follows.

A case *of year Y* is one the figures of Y rest on: accompanied in Y
(``ACT_STRUCTURES``'s rule), with a journal event dated in Y (an exit, a reopening),
or with a follow-up checkpoint in Y.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse

from accompagnements.models import (
    Accompagnement,
    FollowUp,
    Funding,
    Ingenierie,
    TransitionLog,
)
from structures.models import Structure
from territoires.actors import SYSTEM
from territoires.collation import french_order

from .indicators import Query, Scope
from .indicators.sources import (
    accompanied_in_year,
    ingenierie_under_way,
    structures_as_of_year_end,
)

# Items listed on a DLA's page for each check; the count says how many there are in all.
SHOWN = 50


def year_query(year: int) -> Query:
    return Query(year, Scope.national(), SYSTEM)


def cases_of_year(year: int, user: Any) -> QuerySet[Accompagnement]:
    """The cases ``user`` may read whose figures count in ``year``."""
    query = year_query(year)
    events = TransitionLog.objects.filter(query.in_year("on_date"), accompagnement=OuterRef("pk"))
    followups = FollowUp.objects.filter(query.in_year("checked_on"), accompagnement=OuterRef("pk"))
    return Accompagnement.objects.visible_to(user).filter(
        accompanied_in_year(query) | Q(Exists(events)) | Q(Exists(followups))
    )


# A headcount of 0 is a valid answer (about 10 % of structures have no employee): only a
# record that says nothing of the structure's size, or contradicts itself, is flagged.
SIZE_PROBLEM = (
    Q(headcount=0, fte=0, budget__isnull=True)
    | Q(headcount=0, fte__gt=0)
    | Q(headcount__lt=F("cdi_count") + F("cdd_count"))
)


def _structures_with(year: int, user: Any, problem: Q) -> QuerySet[Accompagnement]:
    """Cases of the year whose structure's record *as of 31 December* has ``problem``:
    the record the year's figures read (docs/statistics.md)."""
    cases = cases_of_year(year, user)
    records = structures_as_of_year_end(
        year_query(year), Structure.objects.filter(pk__in=cases.values("structure_id")).values("pk")
    ).filter(problem)
    return cases.filter(structure_id__in=records.values("id"))


def _sector_missing(year: int, user: Any) -> QuerySet:
    return _structures_with(year, user, Q(sector=""))


def _size_missing(year: int, user: Any) -> QuerySet:
    return _structures_with(year, user, SIZE_PROBLEM)


def _diagnostic_unvalidated(year: int, user: Any) -> QuerySet:
    # The validation needs both the validator's name and the date (Diagnostic.is_validated).
    half = Q(diagnostic__validated_on__isnull=False, diagnostic__validated_by_name="") | Q(
        ~Q(diagnostic__validated_by_name=""), diagnostic__validated_on__isnull=True
    )
    return cases_of_year(year, user).filter(half)


def _ingenierie_unpriced(year: int, user: Any) -> QuerySet:
    funded = Funding.objects.filter(ingenierie=OuterRef("pk"))
    return (
        Ingenierie.objects.visible_to(user)
        .filter(ingenierie_under_way(year_query(year)))
        .filter(Q(cost__isnull=True) | ~Q(Exists(funded)))
    )


def _stuck(year: int, user: Any) -> QuerySet:
    return cases_of_year(year, user).overdue()


def _followup_missing(year: int, user: Any) -> QuerySet:
    return cases_of_year(year, user).followup_due()


@dataclass(frozen=True)
class CheckDef:
    code: str
    label: str
    help: str
    rows: Callable[[int, Any], QuerySet]
    # Lookup from a row to the DLA it belongs to.
    dla: str = "dla"
    # What to show for a row: "case" (the case and its structure) or "ingenierie".
    kind: str = "case"


CHECKS = [
    CheckDef(
        "secteur",
        "Secteur d'activité non renseigné",
        "Fiche de la structure au 31 décembre sans secteur.",
        _sector_missing,
    ),
    CheckDef(
        "taille",
        "Taille de la structure non renseignée ou incohérente",
        "Fiche au 31 décembre sans effectif, ETP ni budget ; ETP sans effectif ; ou plus de "
        "CDI et CDD que de salarié·es.",
        _size_missing,
    ),
    CheckDef(
        "diagnostic",
        "Diagnostic sans validation complète",
        "Date de validation sans le nom de la personne qui a validé, ou l'inverse.",
        _diagnostic_unvalidated,
    ),
    CheckDef(
        "ingenierie",
        "Ingénierie sans coût ou sans financeur",
        "Ingénierie commandée par le DLA, en cours dans l'année, sans coût total ou sans "
        "ligne de financement.",
        _ingenierie_unpriced,
        kind="ingenierie",
    ),
    CheckDef(
        "bloque",
        "Accompagnement bloqué dans sa phase",
        "Accompagnement ouvert resté dans sa phase au-delà du délai de la phase.",
        _stuck,
    ),
    CheckDef(
        "suivi",
        "Point de suivi manquant",
        "Accompagnement en suivi sans point de suivi, passé le délai du suivi.",
        _followup_missing,
    ),
]


@dataclass
class Item:
    label: str
    url: str
    detail: str = ""
    # The structure whose year-end record may be replaced by today's (reporting.campaigns).
    structure_pk: int | None = None


@dataclass
class CheckResult:
    check: CheckDef
    count: int
    items: list[Item] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        return max(self.count - len(self.items), 0)


@dataclass
class Checklist:
    year: int
    dla: Any
    results: list[CheckResult]

    @property
    def total(self) -> int:
        return sum(r.count for r in self.results)


def _items(check: CheckDef, rows: QuerySet) -> list[Item]:
    if check.kind == "ingenierie":
        return [
            Item(
                ing.title,
                reverse("accompagnements:ingenierie", args=[ing.pk]),
                "coût non saisi" if ing.cost is None else "aucun financeur",
            )
            for ing in rows.order_by("pk")[:SHOWN]
        ]
    items = []
    structure_fix = check.code in {"secteur", "taille"}
    by_name = french_order("structure__name", "pk")
    for case in rows.select_related("structure").order_by(*by_name)[:SHOWN]:
        items.append(
            Item(
                str(case.structure),
                case.get_absolute_url(),
                f"{case.get_state_display()} depuis le {case.state_entered_at:%d/%m/%Y}",
                case.structure_id if structure_fix else None,
            )
        )
    return items


def for_dla(year: int, dla: Any, user: Any) -> Checklist:
    """A DLA's checklist as ``user`` may read it: two queries per check."""
    results = []
    for check in CHECKS:
        rows = check.rows(year, user).filter(**{check.dla: dla.pk})
        count = rows.count()
        results.append(CheckResult(check, count, _items(check, rows) if count else []))
    return Checklist(year, dla, results)


def open_issues(year: int, dla: Any, user: Any) -> int:
    return sum(check.rows(year, user).filter(**{check.dla: dla.pk}).count() for check in CHECKS)


def progress(year: int, dlas: list, user: Any) -> dict[int, dict[str, int]]:
    """``{dla pk: {check code: count}}`` for ``dlas``: one grouped query per check."""
    counts: dict[int, dict[str, int]] = {
        dla.pk: dict.fromkeys((c.code for c in CHECKS), 0) for dla in dlas
    }
    for check in CHECKS:
        rows = (
            check.rows(year, user)
            .filter(**{f"{check.dla}__in": list(counts)})
            .order_by()
            .values(check.dla)
            .annotate(n=Count("pk", distinct=True))
        )
        for row in rows:
            counts[row[check.dla]][check.code] = row["n"]
    return counts
