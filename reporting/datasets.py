"""Maintained case-level lines: each open year's anonymised dataset stored, so that the
export reads it instead of working out the year's cases from the journal and writing
their cells again.

What is stored is what the export itself writes: each case's runs of CSV text, by the
export's own SELECT (``exports.maintained_lines_sql``, in one ``INSERT … SELECT``:
``models.DatasetLine``), and each structure's texts once the year's k-anonymity is
decided on its records, by the export's own function (``exports.structure_texts``:
``models.DatasetStructure``). The file is then one join (``exports._maintained_lines``).

How lines stay true (PostgreSQL only: elsewhere the export is always computed live):

- **Writes mark.** The summaries' on-commit callback (``summaries._committed``) marks,
  first, the years the write may change — which holds the years whose cases it may bring
  in or take out — the years whose lines name a case the write concerns (a line shows
  the case's current fields, its diagnostic, plan actions and last follow-up: a
  follow-up recorded today changes a line of 2022), and the years being recomputed. An
  edit of the reference data a line names (a DLA's level, an acteur's kind, a region's
  or department's code) marks every year.
- **The refresh recomputes** a year whole (``refresh``, run by the summaries' task and
  beat) when it is marked, never computed, written by other code or with another key
  (``exports.fingerprint``), or older than half of ``exports.max_age()``; never over
  lines of a later generation. ``rebuild`` (``manage.py rebuild_summaries``) recomputes
  every open year.
- **The export reads them only while current** (``exports.current``): computed from the
  latest generation, less than ``exports.max_age()`` ago (an hour: what a mark lost with
  a crashed process, or a write no hook sees, can cost), with the same fingerprint; for
  the national file and a viewer who reads every case. Otherwise it computes the year
  live. A download in the instant between a write's commit and its mark reads the lines
  as they were just before the write.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from territoires.actors import SYSTEM

from .indicators import Query, Scope
from .indicators.sources import read_accompanied
from .models import DatasetLine, DatasetStructure, MaintainedDataset, Snapshot

logger = logging.getLogger(__name__)

# The first key of the advisory lock a year's refresh holds (the second: the year).
_LOCK_SPACE = 18_0006


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


def kept(using: str) -> bool:
    """Lines are kept: on PostgreSQL, once the first rebuild has stored some."""
    return maintained(using) and MaintainedDataset.objects.using(using).exists()


def mark_cases(years: Iterable[int], cases: QuerySet, ids: Iterable[int], *, using: str) -> int:
    """Mark (where lines are ``kept``) ``years`` (those a write may change), the years
    whose lines name one of the cases (``cases``, a queryset of them, or ``ids``, deleted
    ones too), and the years being recomputed: a refresh under way may be writing a line
    that names one of the cases where the stored lines do not."""
    rows = MaintainedDataset.objects.using(using)
    named = DatasetLine.objects.using(using).filter(
        Q(case_id__in=list(ids)) | Q(case_id__in=cases.values("pk"))
    )
    recomputing = rows.exclude(computed_generation=F("generation")).values_list("year", flat=True)
    return mark(
        {*years, *named.values_list("year", flat=True).distinct(), *recomputing}, using=using
    )


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
    if years is not None:
        todo = list(rows.filter(year__in=list(years)).values_list("year", "generation"))
    else:
        # Marked, never computed, written by other code or with another key, or older
        # than half the age past which the export no longer reads them (a lost mark).
        from .exports import lines_current, max_age

        todo = [
            (year, generation)
            for year, generation, computed, stored, computed_at in rows.values_list(
                "year", "generation", "computed_generation", "fingerprint", "computed_at"
            )
            if not lines_current(
                year, generation, computed, stored, computed_at, using=using, age=max_age() / 2
            )
        ]
    stored = 0
    for year, generation in sorted(todo):
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
        # One refresh of a year at a time, without locking its row: a writer marking it
        # meanwhile must not wait for the lines to be written (0.5 to 2 s).
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", (_LOCK_SPACE, year))
        row = MaintainedDataset.objects.using(using).filter(year=year).first()
        if row is None:
            # Frozen meanwhile.
            return 0
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
        # An UPDATE of these columns only: a mark meanwhile keeps its generation.
        MaintainedDataset.objects.using(using).filter(pk=row.pk).update(
            computed_generation=generation,
            fingerprint=fingerprint(year, using),
            computed_at=timezone.now(),
        )
    return 1


def rebuild(years: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Recompute the lines of ``years`` (open years) whatever their marks."""
    years = list(years)
    mark(years, using=using)
    return refresh(years, using=using)


def _on_reference(sender: Any, instance: Any, **kwargs: Any) -> None:
    using = instance._state.db or DEFAULT_DB_ALIAS
    transaction.on_commit(lambda: _mark_all_logged(using), using=using)


def _mark_all_logged(using: str) -> None:
    try:
        mark_all(using=using)
    except Exception:
        # The edit is committed; the lines are read for at most ``exports.max_age()``.
        logger.exception("marking the dataset lines failed")


def connect() -> None:
    """Listen to the reference data a line names (``ReportingConfig.ready``)."""
    from django.db.models.signals import post_delete, post_save

    from accompagnements.models import ActeurAppui
    from territoires.models import Departement, Dla, Region

    # A line shows the DLA's level, the acteur's kind, its structure's region and
    # department codes.
    for model in (Dla, ActeurAppui, Region, Departement):
        uid = f"reporting-datasets-{model._meta.label_lower}"
        post_save.connect(_on_reference, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_on_reference, sender=model, dispatch_uid=f"{uid}-delete")
