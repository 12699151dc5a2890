"""Write verbs of the yearly campaign: open it, mark a DLA's data as checked, freeze the year.

The national operator opens the campaign of year Y; each DLA works through its
checklist (``reporting.checklist``) and marks its data as checked; at the cut-off
(``STATISTICS_CUTOFF``, 31 January of Y+1 by default) the figures are frozen into an
immutable, checksummed snapshot (``reporting.snapshots``). A later correction is a new
version of the snapshot, with the figures that moved, why and by whom.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

from accompagnements.services.history import delete_by, save_by
from structures.models import Structure
from territoires.actors import is_system

from . import checklist, snapshots
from .models import Campaign, DataCheck, Snapshot

logger = logging.getLogger(__name__)


class CampaignError(Exception):
    """A refused campaign action; the message is French and says why."""


def cutoff_for(year: int) -> datetime.date:
    """The default cut-off of year ``year``: ``STATISTICS_CUTOFF`` (MM-DD) of the next year."""
    month, day = (int(part) for part in settings.STATISTICS_CUTOFF.split("-"))
    return datetime.date(year + 1, month, day)


def campaign_cutoff(year: int) -> datetime.date:
    campaign = Campaign.objects.filter(year=year).only("cutoff_on").first()
    return campaign.cutoff_on if campaign else cutoff_for(year)


def is_frozen(year: int) -> bool:
    return Snapshot.objects.filter(year=year).exists()


def open_campaign(year: int, *, by: Any, cutoff_on: datetime.date | None = None) -> Campaign:
    today = timezone.localdate()
    if year > today.year:
        raise CampaignError(f"L'année {year} n'a pas commencé : sa campagne ne peut pas s'ouvrir.")
    cutoff_on = cutoff_on or cutoff_for(year)
    if cutoff_on <= datetime.date(year, 12, 31):
        raise CampaignError("Date limite : elle doit tomber après le 31 décembre de l'année.")
    if is_frozen(year):
        raise CampaignError(f"Les chiffres {year} sont déjà figés.")
    try:
        with transaction.atomic():
            return Campaign.objects.create(year=year, cutoff_on=cutoff_on, opened_by=by)
    except IntegrityError:
        raise CampaignError(f"La campagne {year} est déjà ouverte.") from None


def _open(campaign: Campaign) -> None:
    if is_frozen(campaign.year):
        raise CampaignError(f"Les chiffres {campaign.year} sont figés : la campagne est close.")


def mark_checked(campaign: Campaign, dla: Any, *, by: Any) -> DataCheck:
    """The DLA says its data of the year are checked (what is still listed is recorded)."""
    _open(campaign)
    issues = checklist.open_issues(campaign.year, dla, by)
    try:
        with transaction.atomic():
            check = DataCheck(campaign=campaign, dla=dla, checked_by=by, open_issues=issues)
            save_by(check, by)
    except IntegrityError:
        raise CampaignError("Les données de ce DLA sont déjà marquées comme vérifiées.") from None
    return check


def withdraw_check(campaign: Campaign, dla: Any, *, by: Any) -> None:
    _open(campaign)
    with transaction.atomic():
        check = DataCheck.objects.select_for_update().filter(campaign=campaign, dla=dla).first()
        if check is None:
            raise CampaignError("Les données de ce DLA ne sont pas marquées comme vérifiées.")
        delete_by(check, by)


def year_end(year: int) -> datetime.datetime:
    """The last instant of 31 December in the product's time zone."""
    return datetime.datetime(
        year, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.get_default_timezone()
    )


def apply_record_to_year_end(structure: Structure, year: int, *, by: Any) -> None:
    """The structure's record as it is today becomes its record of 31 December ``year``.

    For a correction made after the year ended (a missing sector, a wrong headcount):
    the year's figures read the record as it stood on 31 December, so the corrected
    record is written into the history at that date, with its author and the reason.
    A frozen year's figures change only with a new version of its snapshot.
    """
    if year >= timezone.localdate().year:
        raise CampaignError(f"L'année {year} n'est pas terminée : la fiche actuelle vaut déjà.")
    history = get_history_manager_for_model(Structure)
    with transaction.atomic():
        history.bulk_history_create(
            [structure],
            update=True,
            default_user=by,
            default_change_reason=f"Fiche corrigée appliquée au 31 décembre {year} (campagne).",
            default_date=year_end(year),
        )


@dataclass
class FreezeResult:
    year: int
    version: int
    # The stored snapshot; ``None`` for a dry run.
    snapshot: Snapshot | None
    changes: list = field(default_factory=list)
    rows: int = 0


def _compute(year: int) -> tuple[dict, dict]:
    return snapshots.compute_figures(year), snapshots.compute_dataset(year)


def freeze_year(year: int, *, by: Any, reason: str = "", dry_run: bool = False) -> FreezeResult:
    """Freeze ``year``: version 1, or a new version carrying what changed since the last.

    The figures are computed on the main database in one transaction (repeatable read
    on PostgreSQL), so the snapshot is one consistent state of the data. A new version
    needs a reason and at least one changed figure.
    """
    reason = reason.strip()
    # Only the outermost transaction may choose its isolation level, before any query;
    # nested in a caller's transaction (a test, a request), the caller's level holds.
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        previous = Snapshot.objects.using(DEFAULT_DB_ALIAS).latest_of(year)
        if previous is not None and not reason:
            raise CampaignError(
                f"Les chiffres {year} sont figés (version {previous.version}) : une nouvelle "
                "version doit dire pourquoi (motif)."
            )
        figures, dataset = _compute(year)
        changes: list = []
        if previous is not None:
            old = snapshots.stored_document(previous)
            changes = snapshots.diff(old["figures"], old["dataset"], figures, dataset)
            if not changes:
                raise CampaignError(
                    f"Aucun chiffre n'a changé depuis la version {previous.version} : "
                    "rien à publier."
                )
        version = previous.version + 1 if previous else 1
        result = FreezeResult(year, version, None, changes, len(dataset["rows"]))
        if dry_run:
            return result
        created_at = timezone.now()
        author = snapshots.author_of(by)
        doc = snapshots.document(
            year=year,
            version=version,
            created_at=created_at,
            author=author,
            reason=reason,
            figures=figures,
            dataset=dataset,
            changes=changes,
        )
        try:
            with transaction.atomic():
                result.snapshot = Snapshot.objects.create(
                    year=year,
                    version=version,
                    created_at=created_at,
                    created_by=None if is_system(by) else by,
                    author=author,
                    reason=reason,
                    figures=snapshots.canonical(figures),
                    dataset=snapshots.canonical(dataset),
                    changes=snapshots.canonical(changes),
                    checksum=snapshots.checksum(doc),
                )
        except IntegrityError:
            raise CampaignError(
                f"Une autre version des chiffres {year} vient d'être publiée : recommencez."
            ) from None
    logger.info("statistics %s frozen, version %s, by %s", year, version, author)
    return result


def freeze_due(today: datetime.date | None = None, *, by: Any) -> list[int]:
    """Freeze every year whose cut-off day has ended and that is not frozen yet.

    Idempotent: a year already frozen is left alone; two runs at once store one version.
    """
    today = today or timezone.localdate()
    candidates = {today.year - 1} | set(
        Campaign.objects.filter(cutoff_on__lt=today).values_list("year", flat=True)
    )
    frozen = []
    for year in sorted(candidates):
        if campaign_cutoff(year) >= today or is_frozen(year):
            continue
        try:
            freeze_year(
                year,
                by=by,
                reason=f"Gel à la date limite de la campagne ({campaign_cutoff(year):%d/%m/%Y}).",
            )
        except CampaignError as error:
            logger.info("freeze of %s skipped: %s", year, error)
            continue
        frozen.append(year)
    return frozen
