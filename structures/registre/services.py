"""Writes from the register: the re-check of a structure's establishment."""

import datetime

from django.db import transaction
from django.db.models import QuerySet

from ..models import Structure, cases
from .mapping import Entry

CHECK_REASON = "Vérification au répertoire des entreprises"


def structures_to_recheck() -> QuerySet[Structure]:
    """Active structures (an open case) with a SIRET, not already known to be closed."""
    open_cases = cases().open().values("structure_id")
    return (
        Structure.objects.filter(pk__in=open_cases, register_closed=False)
        .exclude(siret="")
        .order_by("register_checked_on", "pk")
    )


@transaction.atomic
def record_check(structure_id: int, found: Entry | None, *, on: datetime.date) -> bool:
    """Store one check (date, closed flag) with a history row; True when newly closed.

    A SIRET the register does not know (typo, non-diffusible unit) is not a closure.
    """
    structure = Structure.objects.select_for_update().get(pk=structure_id)
    newly_closed = bool(found and found.closed and not structure.register_closed)
    structure.register_checked_on = on
    if newly_closed:
        structure.register_closed = True
    # simple-history reads the reason of the next history row from this attribute.
    structure._change_reason = CHECK_REASON  # type: ignore[attr-defined]
    structure.save(update_fields=["register_checked_on", "register_closed"])
    return newly_closed
