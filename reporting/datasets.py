"""Maintained case-level lines: each open year's anonymised dataset, its cases' runs of
CSV text stored (``models.DatasetLine``), so that the export reads them instead of
working out the year's cases from the journal and writing their cells again.

What a line holds is what the export's own SELECT writes for a case
(``exports.maintained_lines_sql``): one implementation, stored by an ``INSERT …
SELECT``. The structures' cells are not stored: the k-anonymity is decided on the
year's records when the file is written (``exports._maintained_lines``).

How lines stay true (PostgreSQL only: elsewhere the export is always computed live):

- **Writes mark.** The summaries' on-commit callback (``summaries._committed``) marks
  the years whose figures the write may change — which holds the years whose cases it
  may bring in or take out — and the years whose lines name a case the write concerns
  (its cells are the case's current fields, its diagnostic, plan actions and last
  follow-up: a follow-up recorded today changes a line of 2022). An edit of the
  reference data a line names (a DLA's level, an acteur's kind) marks every year.
- **The refresh recomputes** a marked year whole (``refresh``, run by the summaries'
  task), unless a refresh stored lines of a later generation; ``rebuild`` (``manage.py
  rebuild_summaries``) recomputes every open year.
- **The export reads them only while current** (``exports.current``): computed from the
  latest generation, by the same SELECT with the same key (``exports.fingerprint``), for a
  viewer who reads every case. Otherwise — marked and not yet refreshed, never
  computed, another database — it computes the year live: a file is never older than
  the data.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from territoires.actors import SYSTEM

from .indicators import Query, Scope
from .indicators.sources import read_accompanied
from .models import DatasetLine, DatasetStructure, MaintainedDataset, Snapshot


def maintained(using: str) -> bool:
    return connections[using].vendor == "postgresql"


def mark(years: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Mark the years' lines for recomputation (creating their rows); one generation more."""
    years = sorted(set(years))
    if not years or not maintained(using):
        return 0
    rows = MaintainedDataset.objects.using(using)
    rows.bulk_create([MaintainedDataset(year=y) for y in years], ignore_conflicts=True)
    return rows.filter(year__in=years).update(generation=F("generation") + 1)


def mark_cases(years: Iterable[int], cases: QuerySet, ids: Iterable[int], *, using: str) -> int:
    """Mark ``years`` (those whose figures a write changes) and the years whose lines
    name one of the cases (``cases``, a queryset of them, or ``ids``, deleted ones too)."""
    if not maintained(using):
        return 0
    named = DatasetLine.objects.using(using).filter(
        Q(case_id__in=list(ids)) | Q(case_id__in=cases.values("pk"))
    )
    return mark({*years, *named.values_list("year", flat=True).distinct()}, using=using)


def mark_all(*, using: str = DEFAULT_DB_ALIAS) -> int:
    if not maintained(using):
        return 0
    rows = MaintainedDataset.objects.using(using)
    return rows.update(generation=F("generation") + 1)


def refresh(years: Iterable[int] | None = None, *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Recompute the marked open years' lines (``years``: those, marked or not); returns
    how many years were stored.

    Each year's generation is read before its cases are (``read_accompanied``, not the
    summaries' copy, which may be older): a write after that marks the year again."""
    if not maintained(using):
        return 0
    rows = MaintainedDataset.objects.using(using)
    frozen = set(Snapshot.objects.using(using).values_list("year", flat=True))
    if frozen:
        # A frozen year's file is its snapshot's.
        DatasetLine.objects.using(using).filter(year__in=frozen).delete()
        DatasetStructure.objects.using(using).filter(year__in=frozen).delete()
        rows.filter(year__in=frozen).delete()
    if years is None:
        current = Q(computed_generation=F("generation"))
        todo = rows.filter(Q(computed_generation__isnull=True) | ~current)
    else:
        todo = rows.filter(year__in=list(years))
    stored = 0
    for year, generation in list(todo.order_by("year").values_list("year", "generation")):
        query = read_accompanied(Query(year, Scope.national(), SYSTEM, using=using))
        stored += _store(query, generation, using)
    return stored


# ``DatasetLine``'s columns in the order of ``exports.maintained_lines_sql``.
LINE_COLUMNS = ("year", "case_id", "structure_id", "head", "own", "followup")


def _store(query: Query, generation: int, using: str) -> int:
    from .exports import fingerprint, maintained_lines_sql, records_sql, structure_texts

    connection = connections[using]
    year = query.year
    with transaction.atomic(using=using):
        row = MaintainedDataset.objects.using(using).select_for_update().get(year=year)
        if row.computed_generation is not None and row.computed_generation > generation:
            # A later refresh stored newer lines meanwhile.
            return 0
        lines = DatasetLine.objects.using(using).filter(year=year)
        lines.delete()
        DatasetStructure.objects.using(using).filter(year=year).delete()
        qn = connection.ops.quote_name
        columns = ", ".join(qn(name) for name in LINE_COLUMNS)
        select, params = maintained_lines_sql(query)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {qn(DatasetLine._meta.db_table)} ({columns}) "
                f"SELECT %s, d.* FROM ({select}) d",
                (year, *params),
            )
            # The records of the structures the lines name, as the export reads them,
            # and the texts the k-anonymity decided on them.
            cursor.execute(*records_sql(query, lines.values("structure_id")))
            texts = structure_texts(cursor.fetchall())
        DatasetStructure.objects.using(using).bulk_create(
            (
                DatasetStructure(year=year, structure_id=pk, described=described, bands=bands)
                for pk, (described, bands) in texts.items()
            ),
            batch_size=2000,
        )
        row.computed_generation = generation
        row.fingerprint = fingerprint(year, using)
        row.computed_at = timezone.now()
        row.save(update_fields=["computed_generation", "fingerprint", "computed_at"])
    return 1


def rebuild(years: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Recompute the lines of ``years`` (open years) whatever their marks."""
    years = list(years)
    mark(years, using=using)
    return refresh(years, using=using)


def _on_reference(sender: Any, instance: Any, **kwargs: Any) -> None:
    using = instance._state.db or DEFAULT_DB_ALIAS
    transaction.on_commit(lambda: mark_all(using=using), using=using)


def connect() -> None:
    """Listen to the reference data a line names (``ReportingConfig.ready``)."""
    from django.db.models.signals import post_delete, post_save

    from accompagnements.models import ActeurAppui
    from territoires.models import Dla

    for model in (Dla, ActeurAppui):
        uid = f"reporting-datasets-{model._meta.label_lower}"
        post_save.connect(_on_reference, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_reference, sender=model, dispatch_uid=f"{uid}-delete")
