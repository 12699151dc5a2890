"""Maintained summaries: each territory's figures of each open year, stored, so that a
dashboard reads them instead of aggregating a year of data on every view.

What a cell holds (``models.SummaryCell``): for one year and one territory (France, a
region, a department), ``indicators.compute()`` of that territory computed by the
system actor — the very function a snapshot freezes (``snapshots.compute_figures``) —
and what the apps above reporting summarise for it (``extensions.summarise``: the
pilotage coverage and objectives figures). No figure has a second implementation here.

How cells stay true:

- **Writes mark, a refresh recomputes.** Saves and deletions of the rows the sources
  read (structures, cases, journal, diagnostics, ingénieries and their plan actions and
  fundings, follow-ups) are noted per transaction (``hooks``); when the transaction
  commits (``transaction.on_commit``), one callback works out the affected cells —
  the territories of the structures concerned (every department they were ever
  registered in, from their history), of the cases' DLAs and of the ingénieries' DLAs,
  their regions, and France — for every year not frozen from the earliest year the
  write can change to the current year; it marks them stale (a generation counter) and
  queues ``tasks.refresh_summaries`` ``REFRESH_DELAY`` seconds later, unless a refresh
  is already waiting (``queue_refresh``: a burst of writes is one refresh). Bulk
  paths (an import's updates, a merge's moved rows) send
  ``structures.signals.structures_changed`` once per batch.
- **Idempotent.** A refresh recomputes a stale cell whole from the registry and stores
  it, unless a later refresh stored figures of a later generation; a write that marked
  it meanwhile leaves it stale, for the next refresh. Running it twice, or after a lost
  mark, is harmless; never a +1/−1 delta.
- **Rebuildable.** ``manage.py rebuild_summaries`` recomputes every cell of the open
  years (or ``--year``); the beat refreshes stale cells every few minutes and creates
  the new year's cells on 1 January.

Each open year's **publication** (``reporting.publication``: its public values and the
outcome of its suppression plan, what funders' dashboards, the indicator export and the
year-before figures show) is maintained the same way, one row per year
(``models.StoredPublication``): a write marks it with the year's cells, the refresh
recomputes it whole from the registry — at most every ``publication_interval()`` (tens
of seconds of linear algebra at national scale; the beat catches up what it left) — and
stores it with the generation it started from, never over a newer one. A stale
publication is served until then: every output of the year reads the same one.

Each open year's **case-level dataset lines** (``reporting.datasets``: what the
anonymised export reads while they are current) are marked by the same callback — the
years of the cells it marks and the years whose lines name a case it concerns — and
recomputed by the same refresh and rebuild.

Frozen years are not summarised: they read their snapshot (``reporting.snapshots``),
whose publication the worker stores once beside it (``snapshots.store_publications``).
A cell or publication never computed is computed live by its reader (a GET never
writes).
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    JSONField,
    Min,
    Q,
    Value,
    When,
)
from django.utils import timezone

from territoires.actors import SYSTEM
from territoires.models import Departement, Region

from . import datasets, extensions
from .indicators import Level, Query, Scope, TerritoryNames, compute
from .indicators.sources import read_accompanied
from .models import Snapshot, StoredPublication, SummaryCell

logger = logging.getLogger(__name__)

LEVELS = (Level.NATIONAL, Level.REGION, Level.DEPARTEMENT)
# (year, level, territory code; "" for France)
Key = tuple[int, str, str]
# A stale open year's publication is recomputed at most this often (seconds).
DEFAULT_PUBLICATION_INTERVAL = 300
# Seconds between a write's commit and the refresh it queues (writes meanwhile join it).
REFRESH_DELAY = 30


# -- Territories ---------------------------------------------------------------------------


def territory_names(using: str) -> TerritoryNames:
    """``TerritoryNames`` filled by one query: the regions joined to their departments."""
    names = TerritoryNames(using)
    rows = (
        Region.objects.using(using)
        .order_by("code", "departements__code")
        .values_list(
            "pk", "code", "name", "departements__pk", "departements__code", "departements__name"
        )
    )
    regions: dict[str, str] = {}
    departements: dict[str, tuple[str, str]] = {}
    region_codes: dict[int, str] = {}
    departement_codes: dict[int, str] = {}
    for pk, code, name, departement_pk, departement, departement_name in rows:
        regions[code] = name
        region_codes[pk] = code
        if departement is not None:
            departements[departement] = (departement_name, code)
            departement_codes[departement_pk] = departement
    names._regions = regions
    names._departements = dict(sorted(departements.items()))
    names._region_codes = region_codes
    names._departement_codes = departement_codes
    return names


def _scopes(using: str) -> dict[tuple[str, str], Scope]:
    scopes = {(Level.NATIONAL, ""): Scope.national()}
    for region in Region.objects.using(using).order_by("code"):
        scopes[(Level.REGION, region.code)] = Scope.for_region(region)
    for departement in Departement.objects.using(using).order_by("code"):
        scopes[(Level.DEPARTEMENT, departement.code)] = Scope.for_departement(departement)
    return scopes


def open_years(using: str = DEFAULT_DB_ALIAS) -> list[int]:
    """The years with data that are not frozen, oldest first."""
    from .trends import years_with_data

    frozen = set(Snapshot.objects.using(using).values_list("year", flat=True))
    return sorted(y for y in years_with_data(using) if y not in frozen)


# -- Computing and storing -------------------------------------------------------------------


def compute_cell(query: Query, names: TerritoryNames) -> tuple[dict, dict]:
    """A cell's figures and panels, from the registry and the extensions (``query``: the
    system's, for the cell's year and territory)."""
    return compute(query, names=names), extensions.summarise(query, names)


class _YearQueries:
    """The system's queries of each year, the year's accompanied cases read once
    (``read_accompanied``) and shared by every territory computed for it."""

    def __init__(self, using: str) -> None:
        self.using = using
        self._national: dict[int, Query] = {}

    def __call__(self, year: int, scope: Scope) -> Query:
        if year not in self._national:
            national = Query(year, Scope.national(), SYSTEM, using=self.using)
            self._national[year] = read_accompanied(national)
        return replace(self._national[year], scope=scope)


def rebuild(years: Iterable[int] | None = None, *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Recompute every cell of ``years`` (default: the open years); returns the count."""
    from .snapshots import _active, _blank

    years = open_years(using) if years is None else list(years)
    names = territory_names(using)
    scopes = _scopes(using)
    queries = _YearQueries(using)
    count = 0
    for year in years:
        rows = []
        now = timezone.now()
        # As a freeze does: a territory without a row in any source has the figures of an
        # empty one, computed once; its panels are left to the reader (computed live).
        active = _active(year, using)
        empty = None
        for (level, code), scope in scopes.items():
            query = queries(year, scope)
            if level == Level.NATIONAL or code in active[level]:
                values, panels = compute_cell(query, names)
            else:
                if empty is None:
                    empty = compute(query, names=names)
                values, panels = _blank(empty, query, names), {}
            rows.append(
                SummaryCell(
                    year=year,
                    level=level,
                    territory=code,
                    values=values,
                    panels=panels,
                    stale=False,
                    computed_at=now,
                )
            )
        with transaction.atomic(using=using):
            SummaryCell.objects.using(using).filter(year=year).delete()
            SummaryCell.objects.using(using).bulk_create(rows)
        count += len(rows)
        mark_publications([year], using=using)
        refresh_publications(years=[year], interval=0, using=using)
    datasets.rebuild(years, using=using)
    return count


def _cells_q(keys: Iterable[Key]) -> Q:
    condition = Q(pk__in=[])
    for year, level, code in keys:
        condition |= Q(year=year, level=level, territory=code)
    return condition


def mark_stale(keys: Iterable[Key], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Mark cells for recomputation (creating the missing ones); one generation more."""
    keys = sorted(set(keys))
    if not keys:
        return 0
    cells = SummaryCell.objects.using(using)
    cells.bulk_create(
        [SummaryCell(year=y, level=lv, territory=c) for y, lv, c in keys], ignore_conflicts=True
    )
    mark_publications({year for year, _, _ in keys}, using=using)
    return cells.filter(_cells_q(keys)).update(stale=True, generation=F("generation") + 1)


def mark_publications(years: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Mark the open years' publications for recomputation (creating the missing ones)."""
    years = sorted(set(years))
    publications = StoredPublication.objects.using(using)
    publications.bulk_create([StoredPublication(year=y) for y in years], ignore_conflicts=True)
    return publications.filter(year__in=years, snapshot__isnull=True).update(
        stale=True, generation=F("generation") + 1
    )


def refresh(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """Recompute the stale cells and store them; a cell marked again meanwhile stays
    stale. Returns how many were stored."""
    stale = list(
        SummaryCell.objects.using(using)
        .filter(stale=True)
        .order_by("year", "level", "territory")
        .values_list("pk", "year", "level", "territory", "generation")
    )
    stored = 0
    if stale:
        stored = _refresh_cells(stale, using)
    # Even with no stale cell: a publication the interval held back is caught up here
    # (the beat).
    refresh_publications(using=using)
    datasets.refresh(using=using)
    return stored


def _refresh_cells(stale: list[tuple[int, int, str, str, int]], using: str) -> int:
    names = territory_names(using)
    scopes = _scopes(using)
    # Read after the generations: a write since then marks its cells again.
    queries = _YearQueries(using)
    stored = 0
    for pk, year, level, code, generation in stale:
        scope = scopes.get((level, code))
        if scope is None:
            # A territory that no longer exists.
            SummaryCell.objects.using(using).filter(pk=pk, generation=generation).delete()
            continue
        values, panels = compute_cell(queries(year, scope), names)
        # Stored even when a write marked the cell again meanwhile, which leaves it stale
        # for the next refresh: under a steady stream of writes (France's cell is touched
        # by every one), keeping the old figures would freeze it for the day.
        stored += (
            SummaryCell.objects.using(using)
            .filter(pk=pk)
            .filter(Q(computed_generation__isnull=True) | Q(computed_generation__lte=generation))
            .update(
                values=values,
                panels=panels,
                computed_generation=generation,
                computed_at=timezone.now(),
                stale=ExpressionWrapper(Q(generation__gt=generation), output_field=BooleanField()),
            )
        )
    return stored


def publication_interval() -> int:
    return getattr(settings, "REPORTING_PUBLICATION_INTERVAL_SECONDS", DEFAULT_PUBLICATION_INTERVAL)


def refresh_publications(
    years: Iterable[int] | None = None,
    *,
    interval: int | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> int:
    """Recompute the stale publications of open years (``years``: those only), each at
    most every ``interval`` seconds (default ``publication_interval()``). Returns how many
    were stored.

    A publication is stored with the generation its computation started from, unless a
    newer one was stored meanwhile; it stays stale when a write marked it again.
    """
    from . import publication

    interval = publication_interval() if interval is None else interval
    publications = StoredPublication.objects.using(using).filter(snapshot__isnull=True)
    frozen = set(Snapshot.objects.using(using).values_list("year", flat=True))
    # A frozen year's is its snapshot's now (snapshots.store_publications).
    publications.filter(year__in=frozen).delete()
    rows = publications.filter(stale=True)
    if years is not None:
        rows = rows.filter(year__in=list(years))
    if interval:
        recent = timezone.now() - datetime.timedelta(seconds=interval)
        rows = rows.exclude(computed_at__gt=recent)
    stored = 0
    for pk, year, generation in list(rows.order_by("year").values_list("pk", "year", "generation")):
        row = publications.filter(pk=pk)
        content = publication.build(year, using=using).to_json()
        stored += row.filter(
            Q(computed_generation__isnull=True) | Q(computed_generation__lte=generation)
        ).update(
            content=content,
            computed_generation=generation,
            computed_at=timezone.now(),
            stale=ExpressionWrapper(Q(generation__gt=generation), output_field=BooleanField()),
        )
    return stored


def ensure_year(year: int, *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Mark every cell of ``year`` stale when the year has none yet (1 January)."""
    if SummaryCell.objects.using(using).filter(year=year).exists():
        return 0
    return mark_stale(
        [(year, level, code) for level, code in _scopes(using)],
        using=using,
    )


# -- What a write touches --------------------------------------------------------------------


@dataclass
class Touched:
    """Rows a transaction wrote, by what leads to their territories."""

    structures: set[int] = field(default_factory=set)
    cases: set[int] = field(default_factory=set)
    ingenieries: set[int] = field(default_factory=set)
    # The earliest year a write with a known date can change (None: from the cases).
    years: set[int] = field(default_factory=set)
    # True when some write has no date telling its year: start from the cases' openings.
    undated: bool = False

    def __bool__(self) -> bool:
        return bool(self.structures or self.cases or self.ingenieries)


def touched_cases(touched: Touched, *, using: str = DEFAULT_DB_ALIAS):
    """The cases ``touched`` concerns: its own, its structures' and its ingénieries'."""
    from accompagnements.models import Accompagnement

    return Accompagnement.objects.using(using).filter(
        Q(pk__in=touched.cases)
        | Q(structure_id__in=touched.structures)
        | Q(ingenieries__in=touched.ingenieries)
    )


def affected_years(touched: Touched, cases: Any, *, using: str) -> list[int]:
    """The open years ``touched`` may change: from the date its writes are about (or else
    the opening of the ``cases`` concerned) to the current year."""
    this_year = timezone.localdate().year
    starts = set(touched.years)
    if touched.undated or not starts:
        opened = cases.aggregate(first=Min("opened_on"))["first"]
        starts.add(opened.year if opened else this_year)
    first = min(starts)
    frozen = set(Snapshot.objects.using(using).values_list("year", flat=True))
    return [y for y in range(first, this_year + 1) if y not in frozen]


def affected_cells(
    touched: Touched, *, using: str = DEFAULT_DB_ALIAS, years: list[int] | None = None
) -> list[Key]:
    """Every cell ``touched`` may change: its territories × the open years it reaches
    (``years``, when the caller has worked them out already: ``affected_years``)."""
    from accompagnements.models import Ingenierie
    from structures.models import Structure

    if not touched:
        return []
    departements: set[str] = set()
    regions: set[str] = set()
    cases = touched_cases(touched, using=using)
    rows = cases.values_list(
        "structure_id", "dla__departement__code", "dla__region__code"
    ).distinct()
    structure_ids = set(touched.structures)
    for structure_id, dla_departement, dla_region in rows:
        structure_ids.add(structure_id)
        departements.add(dla_departement)
        regions.add(dla_region)
    # Every territory the structures were ever registered in (a move changes both).
    history = Structure.history.model.objects.using(using).filter(id__in=structure_ids)
    for departement, region in history.values_list("departement__code", "region__code").distinct():
        departements.add(departement)
        regions.add(region)
    for departement, region in (
        Structure.objects.using(using)
        .filter(pk__in=structure_ids)
        .values_list("departement__code", "region__code")
        .distinct()
    ):
        departements.add(departement)
        regions.add(region)
    if touched.ingenieries:
        ingenieries = Ingenierie.objects.using(using).filter(pk__in=touched.ingenieries)
        for departement, region in ingenieries.values_list(
            "dla__departement__code", "dla__region__code"
        ).distinct():
            departements.add(departement)
            regions.add(region)
    if years is None:
        years = affected_years(touched, cases, using=using)
    territories = [(Level.NATIONAL, "")]
    territories += [(Level.REGION, code) for code in sorted(regions - {None})]
    territories += [(Level.DEPARTEMENT, code) for code in sorted(departements - {None})]
    return [(year, level, code) for year in years for level, code in territories]


# -- Hooks: per transaction, refreshed on commit ----------------------------------------------

_local = threading.local()


def _pending(using: str) -> Touched:
    """The rows written since the last commit on ``using`` by this thread.

    Every note registers an on-commit callback; the first to run takes them all, the
    others find nothing. Notes of a rolled-back transaction ride along with the next
    commit: refreshing a cell for nothing is harmless.
    """
    pending = getattr(_local, "pending", None)
    if pending is None:
        pending = _local.pending = {}
    return pending.setdefault(using, Touched())


def _committed(using: str) -> None:
    touched = getattr(_local, "pending", {}).pop(using, None)
    if not touched:
        return
    marked = 0
    years = None  # worked out once for the lines and the cells
    try:
        # The maintained dataset lines first, as soon after the commit as can be, whether
        # or not cells are kept: the years the write may change and those whose lines
        # name the cases it concerns (``datasets.mark_cases``).
        if datasets.kept(using):
            cases = touched_cases(touched, using=using)
            years = affected_years(touched, cases, using=using)
            marked += datasets.mark_cases(years, cases, touched.cases, using=using)
    except Exception:
        # The write is committed; a year's lines unmarked are read for at most
        # REPORTING_DATASET_MAX_AGE_SECONDS (``exports.current``).
        logger.exception("marking the dataset lines failed")
    try:
        cells = SummaryCell.objects.using(using)
        # Nothing is maintained until the first rebuild: the table is empty.
        if cells.exists():
            keys = affected_cells(touched, using=using, years=years)
            marked += mark_stale(keys, using=using)
    except Exception:
        # The write is committed; a lost mark is caught up by the rebuild.
        logger.exception("marking summaries stale failed")
    if marked:
        queue_refresh(using)


def _queued_key(using: str) -> str:
    return f"reporting:summaries:refresh-queued:{using}"


def queue_refresh(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Queue one refresh, ``REFRESH_DELAY`` seconds from now, unless one is already
    waiting: a burst of writes (an officer's afternoon, an import) is one refresh, not
    one per commit — under the load test, 137 transitions in two minutes queued 137
    refreshes, each of several seconds of SQL, and kept a core busy. The task clears
    the mark when it starts (``refresh_started``), so a write after that queues again."""
    if not cache.add(_queued_key(using), True, timeout=REFRESH_DELAY * 10):
        return False
    from .tasks import refresh_summaries

    refresh_summaries.apply_async((using,), countdown=REFRESH_DELAY)
    return True


def refresh_started(using: str = DEFAULT_DB_ALIAS) -> None:
    cache.delete(_queued_key(using))


def touch(
    *,
    structures: Iterable[int] = (),
    cases: Iterable[int] = (),
    ingenieries: Iterable[int] = (),
    on: datetime.date | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Note rows written by the current transaction (or now, outside one: on_commit runs
    its callback at once). ``on``: the date the write is about, when it is known."""
    touched = _pending(using)
    touched.structures.update(s for s in structures if s)
    touched.cases.update(c for c in cases if c)
    touched.ingenieries.update(i for i in ingenieries if i)
    if on is not None:
        touched.years.add(on.year)
    else:
        touched.undated = True
    transaction.on_commit(lambda: _committed(using), using=using)


def _dated(*dates: datetime.date | None) -> datetime.date | None:
    known = [d for d in dates if d is not None]
    return min(known) if known else None


def _on_structure(sender, instance, **kwargs):
    touch(structures=[instance.pk], using=instance._state.db or DEFAULT_DB_ALIAS)


def _on_case(sender, instance, update_fields=None, **kwargs):
    if update_fields and update_fields <= set(sender.STATE_FIELDS):
        # A transition: the journal row it adds in the same transaction dates the change
        # (_on_journal); statistics never read these fields.
        return
    touch(
        structures=[instance.structure_id],
        cases=[instance.pk],
        using=instance._state.db or DEFAULT_DB_ALIAS,
    )


def _on_journal(sender, instance, created=False, **kwargs):
    # A new journal row changes its own year onwards; an edited or deleted one, any year.
    touch(
        cases=[instance.accompagnement_id],
        on=instance.on_date if created else None,
        using=instance._state.db or DEFAULT_DB_ALIAS,
    )


def _on_case_row(sender, instance, **kwargs):
    touch(cases=[instance.accompagnement_id], using=instance._state.db or DEFAULT_DB_ALIAS)


def _on_followup(sender, instance, created=False, **kwargs):
    touch(
        cases=[instance.accompagnement_id],
        on=instance.checked_on if created else None,
        using=instance._state.db or DEFAULT_DB_ALIAS,
    )


def _on_ingenierie(sender, instance, created=False, **kwargs):
    touch(
        ingenieries=[instance.pk],
        on=_dated(instance.start_on, instance.end_on, timezone.localdate()) if created else None,
        using=instance._state.db or DEFAULT_DB_ALIAS,
    )


def _on_plan_action(sender, instance, **kwargs):
    touch(
        cases=[instance.accompagnement_id],
        ingenieries=[instance.ingenierie_id] if instance.ingenierie_id else [],
        using=instance._state.db or DEFAULT_DB_ALIAS,
    )


def _on_funding(sender, instance, **kwargs):
    touch(ingenieries=[instance.ingenierie_id], using=instance._state.db or DEFAULT_DB_ALIAS)


def _on_structures_changed(sender, structure_ids, using=DEFAULT_DB_ALIAS, **kwargs):
    touch(structures=structure_ids, using=using)


def connect() -> None:
    """Listen to the writes the sources read (``ReportingConfig.ready``)."""
    from django.db.models.signals import post_delete, post_save

    from accompagnements.models import (
        Accompagnement,
        Diagnostic,
        FollowUp,
        Funding,
        Ingenierie,
        PlanAction,
        TransitionLog,
    )
    from structures.models import Structure
    from structures.signals import structures_changed

    handlers = [
        (Structure, _on_structure),
        (Accompagnement, _on_case),
        (TransitionLog, _on_journal),
        (Diagnostic, _on_case_row),
        (FollowUp, _on_followup),
        (Ingenierie, _on_ingenierie),
        (PlanAction, _on_plan_action),
        (Funding, _on_funding),
    ]
    for model, handler in handlers:
        uid = f"reporting-summaries-{model._meta.label_lower}"
        post_save.connect(handler, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(handler, sender=model, dispatch_uid=f"{uid}-delete")
    structures_changed.connect(_on_structures_changed, dispatch_uid="reporting-summaries-bulk")


# -- Reading ---------------------------------------------------------------------------------


@dataclass
class Loaded:
    """What a dashboard reads: the latest snapshot of each frozen year, and the cells."""

    snapshots: dict[int, Snapshot]
    cells: dict[Key, SummaryCell]
    # The stored publications of the open years shown (funders' dashboards), by year.
    publications: dict[int, Any] = field(default_factory=dict)

    def snapshot(self, year: int) -> Snapshot | None:
        return self.snapshots.get(year)

    def values_at(self, year: int, level: str, code: str) -> dict | None:
        """The stored figures of a territory, or None when never computed."""
        cell = self.cells.get((year, level, code))
        return cell.values if cell is not None else None

    def panels_at(self, year: int, level: str, code: str) -> dict | None:
        cell = self.cells.get((year, level, code))
        return cell.panels if cell is not None and cell.values is not None else None

    def computed_at(self, keys: Iterable[Key]) -> datetime.datetime | None:
        """When the oldest of these cells was computed (what a page says its figures date from)."""
        dates = [
            self.cells[k].computed_at
            for k in keys
            if k in self.cells and self.cells[k].computed_at is not None
        ]
        return min(dates) if dates else None


def latest_snapshots(using: str) -> dict[int, Snapshot]:
    """The latest snapshot of every frozen year, heavy columns deferred: one query."""
    latest: dict[int, Snapshot] = {}
    for snapshot in (
        Snapshot.objects.using(using)
        .defer("figures", "dataset", "changes")
        .order_by("year", "-version")
    ):
        latest.setdefault(snapshot.year, snapshot)
    return latest


def load(
    year: int,
    scope: Scope,
    names: TerritoryNames,
    *,
    using: str,
    series: bool = False,
    public: bool = False,
    snapshots: dict[int, Snapshot] | None = None,
) -> Loaded:
    """Every cell the dashboard of ``scope`` for ``year`` shows, in one query: its
    territory this year and the year before, the territories it compares, France's
    series; ``public``: the stored publications of those two years too, in one more.
    ``snapshots``: ``latest_snapshots`` when the caller has it (else one more query)."""
    latest = latest_snapshots(using) if snapshots is None else snapshots
    wanted = Q(year__in=[year, year - 1], level=scope.level, territory=scope.code)
    compare = scope.compare_level
    if compare:
        query = Query(year, scope, SYSTEM, using=using)
        wanted |= Q(year=year, level=compare, territory__in=list(names.within(compare, query)))
    if series:
        wanted |= Q(level=Level.NATIONAL, year__lte=year)
    # Only the territory shown has its panels read (the national cell's hold 101
    # departments' coverage): the others' are left in the database, not parsed.
    own_panels = Case(
        When(Q(year=year, level=scope.level, territory=scope.code), then=F("panels")),
        default=Value(None, output_field=JSONField()),
        output_field=JSONField(),
    )
    cells = {}
    for cell in (
        SummaryCell.objects.using(using)
        .filter(wanted)
        .exclude(year__in=list(latest))
        .only("year", "level", "territory", "values", "computed_at")
        .annotate(own_panels=own_panels)
    ):
        cell.panels = cell.own_panels
        cells[(cell.year, cell.level, cell.territory)] = cell
    publications = {}
    if public:
        from . import publication

        open_shown = [y for y in (year - 1, year) if y not in latest]
        if open_shown:
            publications = publication.maintained_years(open_shown, using=using)
    return Loaded(latest, cells, publications)
