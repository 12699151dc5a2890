"""Objectives of a DLA for a year and the meetings of its comité de pilotage."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from territoires.models import Dla

from ..models import SHARE_KINDS, ComitePilotage, DlaPilotage, Objective


def _steers(dla: Dla | int, by: Any) -> None:
    pk = dla if isinstance(dla, int) else dla.pk
    if not DlaPilotage.objects.editable_by(by).filter(pk=pk).exists():
        raise PermissionDenied("Vous ne pouvez pas modifier le pilotage de ce DLA.")


def record_comite(comite: ComitePilotage, *, by: Any) -> ComitePilotage:
    _steers(comite.dla_id, by)
    comite._history_user = by  # type: ignore[attr-defined]
    comite.save()
    return comite


def save_objectives(
    dla: Dla,
    year: int,
    targets: dict[tuple[str, str], Decimal | None],
    *,
    by: Any,
    comite: ComitePilotage | None = None,
) -> list[Objective]:
    """Set the year's targets: ``{(kind, sector): target}``; ``None`` removes an objective.

    Shares are percentages (0 to 100). Written together: all or nothing.
    """
    _steers(dla, by)
    if comite is not None and comite.dla_id != dla.pk:
        raise ValueError("Le comité de pilotage doit être celui du DLA.")
    for (kind, _sector), target in targets.items():
        if target is not None and (target < 0 or (kind in SHARE_KINDS and target > 100)):
            raise ValueError("Une cible est positive ; une part ne dépasse pas 100 %.")
    saved = []
    with transaction.atomic():
        existing = {
            (o.kind, o.sector): o
            for o in Objective.objects.select_for_update().filter(dla=dla, year=year)
        }
        for key, target in targets.items():
            objective = existing.get(key)
            if target is None:
                if objective is not None:
                    objective._history_user = by  # type: ignore[attr-defined]
                    objective.delete()
                continue
            objective = objective or Objective(dla=dla, year=year, kind=key[0], sector=key[1])
            if objective.pk and objective.target == target and comite is None:
                saved.append(objective)
                continue
            objective.target = target
            if comite is not None:
                objective.comite = comite
            objective._history_user = by  # type: ignore[attr-defined]
            objective.save()
            saved.append(objective)
    return saved
