"""A year's frozen figures: what a snapshot holds, its checksum, and how outputs read it.

A snapshot (``reporting.models.Snapshot``) is taken at the campaign's cut-off
(``reporting.campaigns.freeze_year``). It holds, computed live at that moment by the
system actor:

- ``figures``: every indicator for France, each region, each department and each DLA
  (``levels``: the ``compute()`` result of each territory), and the inputs of the
  year's publication (``publication``: the values and contributors its disclosure
  control is computed from, ``reporting.publication.inputs``);
- ``dataset``: the anonymised case-level dataset (``reporting.exports``);
- ``changes``: for a correction (version 2 and later), every figure that moved since
  the previous version, with its old and new value.

Each part is stored as canonical JSON (sorted keys, no whitespace); the checksum is
the SHA-256 of the canonical serialisation of the whole document (``document``).
Once a year is frozen, dashboards, exports and PDF reports of that year read its
latest snapshot (``frozen``); a live recomputation stays available to national
operators, labelled « provisoire ».

The publication a snapshot's inputs give (its suppression plan: seconds to minutes of
linear algebra at national scale) is computed once by the worker and stored beside the
snapshot (``store_publications``: ``models.StoredPublication``), not in it: the
snapshot's content and checksum stay as frozen. Readers parse the stored one; only
before the worker stored it does a reader compute it (once per process).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from territoires.actors import SYSTEM, is_system
from territoires.models import Departement, Dla, Region

from . import publication
from .indicators import REGISTRY, Level, Query, Scope, TerritoryNames, compute
from .indicators.sources import SOURCES, read_accompanied
from .models import Snapshot, StoredPublication

FORMAT = 1
# A figure is named in a diff as "level/territory/CODE[/category]"; a dataset cell as
# "jeu/<id_accompagnement>/<column>".
DATASET_PREFIX = "jeu"


def canonical(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 characters as themselves; NaN refused."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def jsonable(value: Any) -> Any:
    """Dataset cells as JSON values: decimals as numbers, dates as ISO text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def document(
    *,
    year: int,
    version: int,
    created_at: datetime.datetime,
    author: str,
    reason: str,
    figures: Any,
    dataset: Any,
    changes: Any,
) -> dict:
    """The whole snapshot as one JSON document: what the checksum covers."""
    return {
        "format": FORMAT,
        "year": year,
        "version": version,
        "created_at": created_at.astimezone(datetime.UTC).isoformat(),
        "author": author,
        "reason": reason,
        "figures": figures,
        "dataset": dataset,
        "changes": changes,
    }


def checksum(doc: dict) -> str:
    return hashlib.sha256(canonical(doc).encode("utf-8")).hexdigest()


def stored_document(snapshot: Snapshot) -> dict:
    """The document rebuilt from the stored columns (raises ``ValueError`` on bad JSON)."""
    return document(
        year=snapshot.year,
        version=snapshot.version,
        created_at=snapshot.created_at,
        author=snapshot.author,
        reason=snapshot.reason,
        figures=json.loads(snapshot.figures),
        dataset=json.loads(snapshot.dataset),
        changes=json.loads(snapshot.changes),
    )


def verify(snapshot: Snapshot) -> bool:
    """Whether the stored snapshot still has the checksum it was frozen with."""
    try:
        return checksum(stored_document(snapshot)) == snapshot.checksum
    except ValueError:
        return False


def author_of(by: Any) -> str:
    return "système" if is_system(by) else by.get_username()


# -- Computing what a snapshot holds (live, by the system actor) ----------------------------


def _scopes(using: str) -> list[Scope]:
    scopes = [Scope.national()]
    scopes += [Scope.for_region(r) for r in Region.objects.using(using).order_by("code")]
    scopes += [Scope.for_departement(d) for d in Departement.objects.using(using).order_by("code")]
    scopes += [Scope.for_dla(d) for d in Dla.objects.using(using).order_by("pk")]
    return scopes


def _active(year: int, using: str) -> dict[str, set[str]]:
    """Territories and DLAs with at least one row in a source of the year.

    Every other territory has the figures of an empty one: computed once and reused
    (``_blank``), which keeps a freeze to a few hundred queries, not thousands.
    """
    query = Query(year, Scope.national(), SYSTEM, using=using)
    active: dict[str, set[str]] = {Level.REGION: set(), Level.DEPARTEMENT: set(), Level.DLA: set()}
    for source in SOURCES.values():
        rows = source.queryset(query).distinct()
        for level in (Level.REGION, Level.DEPARTEMENT):
            active[level] |= set(rows.values_list(source.territory_lookup(level), flat=True))
        if isinstance(source.dla, str):
            active[Level.DLA] |= {str(pk) for pk in rows.values_list(source.dla, flat=True)}
    return active


def _blank(empty: dict, query: Query, names: TerritoryNames) -> dict:
    """An empty territory's figures, with its own territory categories (zero-filled)."""
    totals = dict(empty)
    for indicator in REGISTRY.values():
        if indicator.breakdown is not None and isinstance(indicator.breakdown.labels, str):
            zero = 0 if indicator.breakdown.zero_fill else None
            totals[indicator.code] = dict.fromkeys(names.labels(indicator, query), zero)
    return totals


def compute_figures(year: int, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Every indicator at every level, and the publication's inputs, computed now.

    Read on the main database (``using``), not a replica that may lag behind the cut-off.
    """
    names = TerritoryNames(using)
    active = _active(year, using)
    levels: dict[str, dict[str, dict]] = {
        Level.NATIONAL: {},
        Level.REGION: {},
        Level.DEPARTEMENT: {},
        Level.DLA: {},
    }
    empty = None
    # The year's accompanied cases read once for every territory (sources.read_accompanied).
    national = read_accompanied(Query(year, Scope.national(), SYSTEM, using=using))
    for scope in _scopes(using):
        query = replace(national, scope=scope)
        if scope.level == Level.NATIONAL or scope.code in active[scope.level]:
            totals = compute(query, names=names)
        else:
            if empty is None:
                empty = compute(query, names=names)
            totals = _blank(empty, query, names)
        levels[scope.level][scope.code] = totals
    return {
        "levels": levels,
        "dla_names": {
            str(pk): name for pk, name in Dla.objects.using(using).values_list("pk", "name")
        },
        "publication": publication.inputs(year, using=using),
    }


def compute_dataset(year: int, using: str = DEFAULT_DB_ALIAS) -> dict:
    from . import exports

    query = Query(year, Scope.national(), SYSTEM, using=using)
    return {
        "schema": exports.SCHEMA_VERSION,
        "columns": exports.columns("accompagnements"),
        "rows": [[jsonable(v) for v in row] for row in exports.case_rows(query)],
    }


# -- Differences between two versions ------------------------------------------------------


def flat_figures(figures: dict) -> dict[str, Any]:
    """Every figure of every territory: ``level/territory/CODE[/category]`` → value."""
    flat = {}
    for level, territories in figures["levels"].items():
        for territory, totals in territories.items():
            for code, value in totals.items():
                if isinstance(value, dict):
                    for category, item in value.items():
                        flat[f"{level}/{territory}/{code}/{category}"] = item
                else:
                    flat[f"{level}/{territory}/{code}"] = value
    return flat


def _flat_dataset(dataset: dict) -> dict[str, Any]:
    columns = dataset["columns"]
    key = columns.index("id_accompagnement")
    flat = {}
    for row in dataset["rows"]:
        for column, value in zip(columns, row, strict=True):
            flat[f"{DATASET_PREFIX}/{row[key]}/{column}"] = value
    return flat


def diff(old_figures: dict, old_dataset: dict, new_figures: dict, new_dataset: dict) -> list:
    """What moved: ``[{"figure", "old", "new"}]`` sorted by figure (absent: ``None``)."""
    changes = []
    for old, new in (
        (flat_figures(old_figures), flat_figures(new_figures)),
        (_flat_dataset(old_dataset), _flat_dataset(new_dataset)),
    ):
        for name in sorted(old.keys() | new.keys()):
            before, after = old.get(name), new.get(name)
            if before != after:
                changes.append({"figure": name, "old": before, "new": after})
    return changes


# -- Reading a frozen year -----------------------------------------------------------------


def frozen(year: int, using: str = "") -> Snapshot | None:
    """The latest snapshot of ``year`` (without its heavy columns), or ``None`` if live."""
    snapshots = Snapshot.objects.using(using) if using else Snapshot.objects
    return (
        snapshots.filter(year=year)
        .defer("figures", "dataset", "changes")
        .order_by("-version")
        .first()
    )


def frozen_years(using: str = "") -> dict[int, int]:
    """Year → latest version, for every frozen year."""
    snapshots = Snapshot.objects.using(using) if using else Snapshot.objects
    versions: dict[int, int] = {}
    for year, version in snapshots.values_list("year", "version"):
        versions[year] = max(version, versions.get(year, 0))
    return versions


# Snapshots never change: their parsed parts are kept per process, by primary key and
# checksum (a key no other snapshot can share, even where a test database reuses ids).
@functools.lru_cache(maxsize=8)
def _figures(pk: int, checksum: str, using: str) -> dict:
    return json.loads(Snapshot.objects.using(using).values_list("figures", flat=True).get(pk=pk))


@functools.lru_cache(maxsize=2)
def _dataset(pk: int, checksum: str, using: str) -> dict:
    return json.loads(Snapshot.objects.using(using).values_list("dataset", flat=True).get(pk=pk))


@functools.lru_cache(maxsize=8)
def _publication(pk: int, checksum: str, using: str, year: int) -> publication.Publication:
    stored = (
        StoredPublication.objects.using(using)
        .filter(snapshot_id=pk)
        .values_list("content", flat=True)
        .first()
    )
    if stored is not None:
        return publication.Publication.from_json(stored)
    return _computed_publication(pk, checksum, using, year)


def _computed_publication(pk: int, checksum: str, using: str, year: int) -> publication.Publication:
    inputs = _figures(pk, checksum, using)["publication"]
    return publication.from_inputs(year, inputs, TerritoryNames(using))


def store_publications(using: str = DEFAULT_DB_ALIAS) -> int:
    """Compute and store the publication of every frozen year's latest snapshot that has
    none yet (the worker: at the freeze, on the beat). Idempotent; returns how many."""
    latest: dict[int, Snapshot] = {}
    for snapshot in (
        Snapshot.objects.using(using)
        .defer("figures", "dataset", "changes")
        .order_by("year", "-version")
    ):
        latest.setdefault(snapshot.year, snapshot)
    done = set(
        StoredPublication.objects.using(using)
        .filter(snapshot__in=[s.pk for s in latest.values()])
        .values_list("snapshot_id", flat=True)
    )
    stored = 0
    for snapshot in latest.values():
        if snapshot.pk in done:
            continue
        published = _computed_publication(*_key(snapshot), snapshot.year)
        stored += len(
            StoredPublication.objects.using(using).bulk_create(
                [
                    StoredPublication(
                        year=snapshot.year,
                        snapshot=snapshot,
                        content=published.to_json(),
                        stale=False,
                        computed_at=timezone.now(),
                    )
                ],
                ignore_conflicts=True,
            )
        )
    return stored


def _key(snapshot: Snapshot) -> tuple[int, str, str]:
    return snapshot.pk, snapshot.checksum, snapshot._state.db or DEFAULT_DB_ALIAS


def figures_of(snapshot: Snapshot) -> dict:
    return _figures(*_key(snapshot))


def dataset_of(snapshot: Snapshot) -> dict:
    return _dataset(*_key(snapshot))


def publication_of(snapshot: Snapshot) -> publication.Publication:
    return _publication(*_key(snapshot), snapshot.year)


def describe(snapshot: Snapshot | None) -> dict | None:
    """What outputs say about the figures they show (``None``: computed live, provisional)."""
    if snapshot is None:
        return None
    return {
        "year": snapshot.year,
        "version": snapshot.version,
        "created_at": snapshot.created_at.isoformat(),
        "checksum": snapshot.checksum,
    }


def scope_totals(snapshot: Snapshot, scope: Scope) -> dict:
    """The frozen ``compute()`` result of one territory."""
    levels = figures_of(snapshot)["levels"]
    return levels[scope.level][scope.code if scope.level != Level.NATIONAL else ""]
