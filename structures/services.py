"""Writes that touch several rows."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from .models import Structure, StructureMerge

MERGE_ROLES = {"national", "admin"}


class MergeError(Exception):
    """A merge that cannot be done; the message is for the user (French)."""


def can_merge(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.role in MERGE_ROLES


def merge_structures(*, kept: Structure, merged: Structure, by) -> StructureMerge:
    """Move everything that points at ``merged`` (cases, contacts…) to ``kept``, journal, delete.

    The kept record's own fields are left as they are: the merged record's identity
    is kept in the journal.
    """
    if not can_merge(by):
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
            moved = {}
            for relation in Structure._meta.related_objects:
                if relation.many_to_many:
                    through = relation.through
                    source = relation.field.m2m_reverse_field_name()
                    count = through.objects.filter(**{source: merged.pk}).update(
                        **{source: kept.pk}
                    )
                else:
                    model = relation.related_model
                    count = model._base_manager.filter(**{relation.field.name: merged}).update(
                        **{relation.field.name: kept}
                    )
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
            merged._history_user = by
            merged.delete()
    except IntegrityError:
        raise MergeError(
            "La fusion est impossible : les deux structures ont des éléments incompatibles "
            "(par exemple un accompagnement en cours chacune)."
        ) from None
    return journal
