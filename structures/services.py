"""Writes on the structure register: registering, editing, contacts, merging."""

from collections.abc import Iterable
from typing import cast

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import ForeignObjectRel, ManyToManyField, ManyToManyRel
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import bulk_update_with_history, get_history_manager_for_model

from accounts.models import User
from territoires import policy

from .models import Contact, Structure, StructureMerge


class MergeError(Exception):
    """A merge that cannot be done; the message is for the user (French)."""


def merge_structures(*, kept: Structure, merged: Structure, by: User) -> StructureMerge:
    """Move everything that points at ``merged`` (cases, contacts…) to ``kept``, journal, delete.

    The kept record's own fields are left as they are: the merged record's identity
    is kept in the journal.
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
    except IntegrityError:
        raise MergeError(
            "La fusion est impossible : les deux structures ont des éléments incompatibles "
            "(par exemple un accompagnement en cours chacune)."
        ) from None
    return journal


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
