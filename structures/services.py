"""Writes on the structure register: registering, editing, contacts, merging."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import cast

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import ForeignObjectRel, ManyToManyField, ManyToManyRel
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import bulk_update_with_history, get_history_manager_for_model

from accounts.models import User
from territoires import policy

from .models import Contact, Structure, StructureMerge
from .signals import structures_changed
from .text import normalize


class MergeError(Exception):
    """A merge that cannot be done; the message is for the user (French)."""


@dataclass(frozen=True)
class Difference:
    """Two records disagree on what identifies a structure (a sign of two entities)."""

    key: str  # "siren", "rna" or "commune": what a confirmation names
    label: str
    kept: str
    merged: str


class MergeNeedsConfirmation(MergeError):
    """The two records may be two entities: the merge waits for a confirmation naming
    each difference (``confirmed``)."""

    def __init__(self, differences: list[Difference]):
        self.differences = differences
        listing = " ; ".join(f"{d.label} : {d.kept} / {d.merged}" for d in differences)
        super().__init__(
            "Ces deux fiches ne désignent peut-être pas la même structure ("
            + listing
            + "). Confirmez la fusion en connaissance de cause."
        )


def identity_differences(kept: Structure, merged: Structure) -> list[Difference]:
    """SIREN, RNA and commune where both records have one and they differ.

    A blank on one side is no contradiction: the kept record takes the other's."""
    differences = []
    if kept.siren and merged.siren and kept.siren != merged.siren:
        differences.append(Difference("siren", "SIREN", kept.siren, merged.siren))
    if kept.rna and merged.rna and kept.rna != merged.rna:
        differences.append(Difference("rna", "RNA", kept.rna, merged.rna))
    if (kept.postal_code, normalize(kept.commune)) != (
        merged.postal_code,
        normalize(merged.commune),
    ):
        differences.append(
            Difference(
                "commune",
                "commune",
                f"{kept.postal_code} {kept.commune}",
                f"{merged.postal_code} {merged.commune}",
            )
        )
    return differences


def merge_structures(
    *, kept: Structure, merged: Structure, by: User, confirmed: Collection[str] = ()
) -> StructureMerge:
    """Move everything that points at ``merged`` (cases, contacts…) to ``kept``, journal, delete.

    If the two records differ on SIREN, RNA or commune (``identity_differences``), each
    difference's key must be in ``confirmed``, else ``MergeNeedsConfirmation`` and
    nothing is written. The kept record takes the identifiers it lacks (SIRET, RNA);
    the merged record's identity stays in the journal, which also sends its old
    address and identifiers to the kept record.
    """
    if not policy.may_merge_structures(by):
        raise PermissionDenied("Seuls l'opérateur national et les administrateurs fusionnent.")
    if kept.pk == merged.pk:
        raise MergeError("Une structure ne peut pas être fusionnée avec elle-même.")
    try:
        with transaction.atomic():
            # Lock both rows in a stable order so two concurrent merges cannot cross.
            locked = {
                s.pk: s
                for s in Structure.objects.select_for_update()
                .filter(pk__in=[kept.pk, merged.pk])
                .order_by("pk")
            }
            if len(locked) != 2:
                raise MergeError("Une des deux structures n'existe plus.")
            kept, merged = locked[kept.pk], locked[merged.pk]
            # Decided on the locked rows: a confirmation given on other values is no consent.
            differences = identity_differences(kept, merged)
            if any(d.key not in confirmed for d in differences):
                raise MergeNeedsConfirmation(differences)
            moved: dict[str, int] = {}
            for relation in Structure._meta.related_objects:
                if relation.many_to_many:
                    through = cast(ManyToManyRel, relation).through
                    source = cast(ManyToManyField, relation.field).m2m_reverse_field_name()
                    # A many-to-many relation always has its (possibly automatic) through model.
                    count = through.objects.filter(**{source: merged.pk}).update(  # type: ignore[union-attr]
                        **{source: kept.pk}
                    )
                else:
                    count = _move_rows(relation, merged, kept, by)
                if count:
                    moved[str(relation.related_model._meta.verbose_name_plural)] = count
            journal = StructureMerge.objects.create(
                kept=kept,
                merged_pk=merged.pk,
                merged_name=merged.name,
                merged_siret=merged.siret,
                merged_rna=merged.rna,
                moved=moved,
                merged_by=by,
            )
            merged._history_user = by  # type: ignore[attr-defined]
            merged.delete()
            _take_missing_identifiers(kept, journal, by)
            # The moved rows bypassed post_save (bulk): one notice for both structures.
            structures_changed.send(Structure, structure_ids=[kept.pk, journal.merged_pk])
    except IntegrityError:
        raise MergeError(
            "La fusion est impossible : les deux structures ont des éléments incompatibles "
            "(par exemple un accompagnement en cours chacune)."
        ) from None
    return journal


def _take_missing_identifiers(kept: Structure, journal: StructureMerge, by: User) -> None:
    """The kept record takes the SIRET and RNA it lacks (after the duplicate is gone: a
    SIRET is unique)."""
    taken = []
    if not kept.siret and journal.merged_siret:
        kept.siret = journal.merged_siret
        taken.append("siret")
    if not kept.rna and journal.merged_rna:
        kept.rna = journal.merged_rna
        taken.append("rna")
    if taken:
        kept._history_user = by  # type: ignore[attr-defined]
        kept.save(update_fields=[*taken, "updated_at"])


def _move_rows(relation: ForeignObjectRel, merged: Structure, kept: Structure, by: User) -> int:
    """Point ``merged``'s rows of one relation at ``kept``, with history rows when tracked."""
    model = relation.related_model
    name = relation.field.name
    rows = model._base_manager.filter(**{name: merged})
    try:
        get_history_manager_for_model(model)
    except NotHistoricalModelError:
        return rows.update(**{name: kept})
    moved = list(rows)
    for row in moved:
        setattr(row, name, kept)
    bulk_update_with_history(moved, model, [name], default_user=by)
    return len(moved)


def _save_by(obj: Structure | Contact, by: User) -> None:
    # The history row names ``by`` even outside a request (import task, API).
    obj._history_user = by  # type: ignore[union-attr]
    obj.save()


def register_structure(structure: Structure, *, by: User) -> Structure:
    """Save a new structure where ``by`` may register one (``territoires.policy``)."""
    open_here = policy.departements_open_to_new_structures(by).filter(pk=structure.departement_id)
    if not open_here.exists():
        raise PermissionDenied("Vous ne pouvez pas enregistrer de structure dans ce département.")
    _save_by(structure, by)
    return structure


def update_structure(structure: Structure, *, by: User) -> Structure:
    _save_by(structure, by)
    return structure


def save_contacts(
    structure: Structure,
    *,
    changed: Iterable[Contact],
    removed: Iterable[Contact],
    by: User,
) -> None:
    """Write a structure's contact list as edited: changed or new rows, removed rows."""
    with transaction.atomic():
        for contact in changed:
            contact.structure = structure
            _save_by(contact, by)
        for contact in removed:
            contact._history_user = by  # type: ignore[attr-defined]
            contact.delete()
