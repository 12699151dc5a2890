"""k-anonymity of the anonymised case-level dataset (docs/exports.md, docs/statistics.md).

The quasi-identifiers of a structure are the year (one per dataset), its region and
department, legal form, sector and size class, as they stood on 31 December. Every
combination published must be shared by at least ``K`` distinct structures. Where it
is not, the structures of that combination are generalised, one attribute at a time
in a fixed order (local recoding, the order keeps what matters most to the national
bilan longest), and a structure still in too small a group after the last step is
left out of the dataset.

The order: the department gives way to its region, then the sector is hidden, the
legal form grouped (associations, cooperatives, other forms), the size class hidden,
the legal form hidden, the region hidden.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import NamedTuple

from .indicators.engine import SECRET

K = 5

LEGAL_FORM_GROUPS = {
    "association": "association",
    "scop": "cooperatives",
    "scic": "cooperatives",
    "cooperative": "cooperatives",
}
OTHER_FORMS = "autres_formes"


class QuasiIdentifiers(NamedTuple):
    """What the dataset shows of a structure that could single it out.

    A named tuple, not a frozen dataclass: the recoding hashes and compares some
    125,000 of them a year, at C speed as tuples (half the export's k-anonymity time)."""

    region: str
    departement: str
    legal_form: str
    sector: str
    size_class: str


def _group_legal_form(record: QuasiIdentifiers) -> QuasiIdentifiers:
    if record.legal_form in (SECRET, "cooperatives", OTHER_FORMS):
        return record
    return record._replace(legal_form=LEGAL_FORM_GROUPS.get(record.legal_form, OTHER_FORMS))


STEPS: list[tuple[str, Callable[[QuasiIdentifiers], QuasiIdentifiers]]] = [
    ("département", lambda r: r._replace(departement=SECRET)),
    ("secteur", lambda r: r._replace(sector=SECRET)),
    ("forme juridique regroupée", _group_legal_form),
    ("classe de taille", lambda r: r._replace(size_class=SECRET)),
    ("forme juridique", lambda r: r._replace(legal_form=SECRET)),
    ("région", lambda r: r._replace(region=SECRET)),
]


@dataclass
class Recoding:
    """The published quasi-identifiers of each structure; ``suppressed``: left out."""

    published: dict[Hashable, QuasiIdentifiers]
    suppressed: set[Hashable]


def k_anonymise(records: dict[Hashable, QuasiIdentifiers], k: int | None = None) -> Recoding:
    """Generalise the structures of every combination shared by fewer than ``k`` (``K``)
    of them.

    ``records`` maps a structure to its quasi-identifiers: one entry per structure, so
    groups count distinct structures (two cases of one structure count once).
    """
    k = k or K
    # Structures sharing a combination are generalised alike, so the steps run on the
    # distinct combinations with their counts (a third as many as the structures at
    # national scale), each mapped to what it has become so far.
    counts = Counter(records.values())
    current = {combination: combination for combination in counts}

    def sizes() -> dict[QuasiIdentifiers, int]:
        totals: dict[QuasiIdentifiers, int] = {}
        for combination, now in current.items():
            totals[now] = totals.get(now, 0) + counts[combination]
        return totals

    for _name, coarsen in STEPS:
        step_sizes = sizes()
        for combination, now in current.items():
            if step_sizes[now] < k:
                current[combination] = coarsen(now)
    final_sizes = sizes()
    # Per combination: what it is published as, or None when left out.
    outcome = {c: now if final_sizes[now] >= k else None for c, now in current.items()}
    published: dict[Hashable, QuasiIdentifiers] = {}
    suppressed: set[Hashable] = set()
    for key, record in records.items():
        shown = outcome[record]
        if shown is None:
            suppressed.add(key)
        else:
            published[key] = shown
    return Recoding(published, suppressed)
