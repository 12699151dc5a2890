"""What a reader learns of an open case they may not open, on a structure they see.

A structure can be seen by an officer whose DLA followed it once, while another
DLA holds its open case (a structure has one open case at a time). Continuity
matters: before promising anything, the officer must know that the structure is
already accompanied, by whom, and how to reach them. They learn the DLA's name,
level and territory and its contact (``Dla.email``, ``Dla.phone``); never the
case's phase, request, officer or documents, which stay with the DLA holding it.
"""

from typing import Any

from territoires.collation import french
from territoires.models import Dla

from .models import Structure


def dlas_holding_hidden_open_cases(structure: Structure, user: Any) -> list[Dla]:
    """The DLAs with an open case on ``structure`` that ``user`` may not open (one query)."""
    cases = structure.accompagnements
    hidden = cases.open().exclude(pk__in=cases.visible_to(user).values("pk"))
    return list(
        Dla.objects.filter(pk__in=hidden.values("dla_id"))
        .select_related("region", "departement")
        .order_by(french("name"))
    )
