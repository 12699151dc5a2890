"""Likely duplicates: same SIREN, or a very similar name in the same commune; and the
national review list (same SIREN or RNA, or same normalised name and commune)."""

from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db.models import Count

from territoires.collation import sort_key
from territoires.policy import Actor

from .models import Structure
from .text import name_key, normalize

SIMILAR_NAME_RATIO = 0.85


@dataclass(frozen=True)
class Candidate:
    pk: int | None  # None: a row of the file being imported, or a hidden structure
    name: str
    siret: str
    commune: str
    reason: str
    line: int | None = None
    # A structure outside the reader's territory: only the reason is kept.
    hidden: bool = False


@dataclass(frozen=True)
class _Entry:
    pk: int | None
    name: str
    siret: str
    commune: str
    key: str
    line: int | None = None


def _tokens(key: str) -> set[str]:
    words = {w for w in key.split() if len(w) >= 3}
    return words or set(key.split()) or {""}


def similar_names(a: str, b: str) -> bool:
    return _Similar(b).to(a)


class _Similar:
    """Compares many names to one; the cheap upper bounds skip most full ratios."""

    def __init__(self, key: str):
        self.key = key
        self.matcher = SequenceMatcher(None, b=key, autojunk=False)

    def to(self, other: str) -> bool:
        if not other or not self.key:
            return False
        if other == self.key:
            return True
        matcher = self.matcher
        matcher.set_seq1(other)
        return (
            matcher.real_quick_ratio() >= SIMILAR_NAME_RATIO
            and matcher.quick_ratio() >= SIMILAR_NAME_RATIO
            and matcher.ratio() >= SIMILAR_NAME_RATIO
        )


class DuplicateIndex:
    """Existing structures of some departments, indexed for duplicate look-ups.

    One query for a whole import instead of one per row.
    """

    def __init__(self, departement_ids, sirens):
        self.by_siren = defaultdict(list)
        self.by_commune = defaultdict(list)
        departement_ids, sirens = set(departement_ids), {s for s in sirens if s}
        if not departement_ids and not sirens:
            return
        rows = (
            Structure.objects.filter(departement_id__in=departement_ids)
            | Structure.objects.filter(siren__in=sirens)
        ).values_list("pk", "name", "siret", "siren", "commune", "departement_id")
        for pk, name, siret, siren, commune, departement_id in rows:
            self._add(_Entry(pk, name, siret, commune, name_key(name)), siren, departement_id)

    def _add(self, entry, siren, departement_id):
        if siren:
            self.by_siren[siren].append(entry)
        commune = normalize(entry.commune)
        # Blocking: a very similar name shares at least one distinctive word, so only
        # names sharing a word are compared (a big city has thousands of structures).
        for token in _tokens(entry.key):
            self.by_commune[(departement_id, commune, token)].append(entry)

    def add_pending(self, line: int, structure: Structure) -> None:
        """A row about to be created, so later rows of the same file are compared to it."""
        entry = _Entry(
            None, structure.name, structure.siret, structure.commune, name_key(structure.name), line
        )
        self._add(entry, structure.siret[:9], structure.departement_id)

    def find(self, *, name, siret, commune, departement_id, exclude_pk=None) -> list[Candidate]:
        found = {}

        def keep(entry, reason):
            key = entry.pk if entry.pk is not None else ("line", entry.line)
            if (entry.pk is not None and entry.pk == exclude_pk) or key in found:
                return
            found[key] = Candidate(
                entry.pk, entry.name, entry.siret, entry.commune, reason, entry.line
            )

        siren = siret[:9] if siret else ""
        if siren:
            for entry in self.by_siren.get(siren, ()):
                if entry.siret != siret:
                    keep(entry, "même SIREN")
        key = name_key(name)
        similar = _Similar(key)
        commune = normalize(commune)
        compared = set()
        for token in _tokens(key):
            for entry in self.by_commune.get((departement_id, commune, token), ()):
                if id(entry) in compared:
                    continue
                compared.add(id(entry))
                if similar.to(entry.key):
                    keep(entry, "nom très proche, même commune")
        return list(found.values())


def likely_duplicates(structure: Structure, user) -> list[Candidate]:
    index = DuplicateIndex([structure.departement_id], [structure.siret[:9]])
    found = index.find(
        name=structure.name,
        siret=structure.siret,
        commune=structure.commune,
        departement_id=structure.departement_id,
        exclude_pk=structure.pk,
    )
    return as_seen_by(user, [found])[0]


def as_seen_by(user: Actor, groups: list[list[Candidate]]) -> list[list[Candidate]]:
    """The candidates as ``user`` may read them, in one query for all the groups.

    The duplicate look-up searches every department (a SIREN knows no border); a
    structure ``user`` may not see keeps its reason and nothing else: no name,
    place or link. ``SYSTEM`` (the command line) sees every structure.
    """
    pks = {c.pk for group in groups for c in group if c.pk is not None}
    visible = set(
        Structure.objects.visible_to(user).filter(pk__in=pks).values_list("pk", flat=True)
        if pks
        else ()
    )
    return [
        [
            c
            if c.pk is None or c.pk in visible
            else Candidate(None, "", "", "", c.reason, hidden=True)
            for c in group
        ]
        for group in groups
    ]


@dataclass
class Pair:
    """Two records that likely describe one structure, for the national review list."""

    kept: Structure  # the older record, suggested as the one to keep
    other: Structure
    reasons: list[str]


def likely_duplicate_pairs(user: Actor, limit: int = 200) -> tuple[list[Pair], int]:
    """Pairs of structures ``user`` sees sharing a SIREN, an RNA, or a name and commune
    (normalised), the older record first; at most ``limit`` of them, and how many in all.

    Three grouped reads of the register, whatever its size; a group of n records
    gives n − 1 pairs, each with the group's oldest record."""
    visible = Structure.objects.visible_to(user)
    reasons: dict[tuple[int, int], list[str]] = defaultdict(list)

    def pair_up(pks: list[int], reason: str) -> None:
        first, *others = sorted(pks)
        for other in others:
            if reason not in reasons[(first, other)]:
                reasons[(first, other)].append(reason)

    for field, reason in (("siren", "même SIREN"), ("rna", "même RNA")):
        groups: dict[str, list[int]] = defaultdict(list)
        shared = (
            visible.exclude(**{field: ""})
            .order_by()
            .values(field)
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .values(field)
        )
        same = visible.filter(**{f"{field}__in": shared}).order_by()
        for pk, value in same.values_list("pk", field):
            groups[value].append(pk)
        for pks in groups.values():
            pair_up(pks, reason)
    by_name: dict[tuple[int, str, str], list[int]] = defaultdict(list)
    rows = visible.values_list("pk", "name", "commune", "departement_id").order_by()
    for pk, name, commune, departement_id in rows.iterator(chunk_size=5000):
        key = name_key(name)
        if key:
            by_name[(departement_id, normalize(commune), key)].append(pk)
    for pks in by_name.values():
        if len(pks) > 1:
            pair_up(pks, "même nom, même commune")
    total = len(reasons)
    wanted = sorted(reasons)[:limit] if total > limit else sorted(reasons)
    pks = {pk for pair in wanted for pk in pair}
    records = Structure.objects.select_related("departement").in_bulk(pks)
    pairs = [
        Pair(records[a], records[b], reasons[(a, b)])
        for a, b in wanted
        if a in records and b in records
    ]
    pairs.sort(key=lambda p: (sort_key(p.kept.name), p.kept.pk, p.other.pk))
    return pairs, total
