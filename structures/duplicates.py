"""Likely duplicates: same SIREN, or a very similar name in the same commune; and the
national review list (same SIREN or RNA, or same normalised name and commune)."""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import chain

from django.db.models import Count, F, Q

from territoires.collation import sort_key
from territoires.keys import InKeys
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


# Character counts as one integer: each character of the alphabet of ``name_key``
# (lower-case ASCII letters, digits, space) owns a slot of _SLOT bits, holding as many
# 1 bits as the character occurs. ``(a & b).bit_count()`` is then the size of the
# multiset intersection, which difflib's ``quick_ratio`` counts char by char in Python.
_SLOT = 32
_ALPHABET = " 0123456789abcdefghijklmnopqrstuvwxyz"
# _THERMOMETERS[char][n]: n occurrences of char, as its slot holds them.
_THERMOMETERS = {
    char: [((1 << times) - 1) << (i * _SLOT) for times in range(_SLOT + 1)]
    for i, char in enumerate(_ALPHABET)
}
_UNCOUNTED = -1  # not computed yet (counts are never negative)


def _char_counts(text: str) -> int | None:
    """``text``'s characters as slots of bits; None when one does not fit (a character
    outside the alphabet or repeated more than _SLOT times): difflib then decides alone."""
    try:
        return sum([_THERMOMETERS[char][text.count(char)] for char in set(text)])
    except (KeyError, IndexError):
        return None


class _Key:
    """A name key, shared by the entries of one name, with its blocking words and its
    character counts (computed on its first comparison)."""

    __slots__ = ("counts", "text", "tokens")

    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokens(text)
        self.counts: int | None = _UNCOUNTED

    def char_counts(self) -> int | None:
        if self.counts == _UNCOUNTED:
            self.counts = _char_counts(self.text)
        return self.counts


class _Entry:
    """A structure, or a row being imported, as the index holds it. Its key is set
    when its commune is first searched."""

    __slots__ = ("commune", "key", "line", "name", "pk", "siret")

    def __init__(
        self, pk: int | None, name: str, siret: str, commune: str, line: int | None = None
    ):
        self.pk, self.name, self.siret, self.commune, self.line = pk, name, siret, commune, line
        self.key: _Key | None = None


def _tokens(key: str) -> tuple[str, ...]:
    """The key's blocking words in the name's order, each once: a set's order changes
    from one process to the next, and with it the order of the preview's candidates."""
    words = key.split()
    return tuple(dict.fromkeys(w for w in words if len(w) >= 3) or dict.fromkeys(words)) or ("",)


def similar_names(a: str, b: str) -> bool:
    entry = _Entry(None, a, "", "")
    entry.key = _Key(a)
    return any(_Similar(_Key(b)).among([entry]))


class _Similar:
    """The one rule for "very similar names": difflib's ratio of the two name keys is at
    least SIMILAR_NAME_RATIO.

    Compares many names to one. Upper bounds of the ratio skip most full ratios and
    change no verdict: ratio ≤ quick_ratio ≤ real_quick_ratio, each 2·matches / (len a
    + len b), matches being those of difflib's matching blocks, then the multiset
    intersection of the characters, then the shorter length. Both bounds are the very
    figures difflib computes, here from lengths and character counts."""

    def __init__(self, key: _Key):
        self.key = key

    def among(self, entries: Iterable[_Entry]) -> Iterator[_Entry]:
        """The keyed ``entries`` with a very similar name, in their order."""
        key = self.key.text
        if not key:
            return
        size = len(key)
        counts = self.key.char_counts()
        matcher = None  # built when a name first comes close enough
        for entry in entries:
            other = entry.key
            assert other is not None
            text = other.text
            if text == key:
                yield entry
                continue
            if not text:
                continue
            length = len(text) + size
            if 2.0 * min(len(text), size) / length < SIMILAR_NAME_RATIO:
                continue  # real_quick_ratio
            other_counts = other.counts
            if other_counts == _UNCOUNTED:
                other_counts = other.char_counts()
            if other_counts is not None and counts is not None:
                if 2.0 * (other_counts & counts).bit_count() / length < SIMILAR_NAME_RATIO:
                    continue  # quick_ratio
                quick = True
            else:
                quick = False
            if matcher is None:
                matcher = SequenceMatcher(None, b=key, autojunk=False)
            matcher.set_seq1(text)
            if not quick and matcher.quick_ratio() < SIMILAR_NAME_RATIO:
                continue
            if matcher.ratio() >= SIMILAR_NAME_RATIO:
                yield entry


Place = tuple[int | None, str]  # department and normalised commune


class DuplicateIndex:
    """Existing structures of some departments, indexed for duplicate look-ups.

    One query for a whole import instead of one per row. A commune's names are keyed
    and bucketed when a look-up first reaches it; each distinct name and commune is
    normalised once.
    """

    def __init__(self, departement_ids: Iterable[int | None], sirens: Iterable[str]):
        self.by_siren: dict[str, list[_Entry]] = defaultdict(list)
        # Blocking: a very similar name shares at least one distinctive word, so only
        # names sharing a word are compared (a big city has thousands of structures).
        self._buckets: dict[Place, dict[str, list[_Entry]]] = {}
        # Entries of a place no look-up has reached yet, in the order they came.
        self._unbucketed: dict[Place, list[_Entry]] = defaultdict(list)
        self._keys: dict[str, _Key] = {}
        self._communes: dict[str, str] = {}
        departements = {d for d in departement_ids if d is not None}
        sirens = {s for s in sirens if s}
        if not departements and not sirens:
            return
        rows = Structure.objects.filter(
            Q(InKeys(F("departement_id"), departements)) | Q(InKeys(F("siren"), sirens))
        ).values_list("pk", "name", "siret", "siren", "commune", "departement_id")
        for pk, name, siret, siren, commune, departement_id in rows:
            self._add(_Entry(pk, name, siret, commune), siren, departement_id)

    def _key(self, name: str) -> _Key:
        key = self._keys.get(name)
        if key is None:
            key = self._keys[name] = _Key(name_key(name))
        return key

    def _place(self, departement_id: int | None, commune: str) -> Place:
        normalised = self._communes.get(commune)
        if normalised is None:
            normalised = self._communes[commune] = normalize(commune)
        return (departement_id, normalised)

    def _add(self, entry: _Entry, siren: str, departement_id: int | None) -> None:
        if siren:
            self.by_siren[siren].append(entry)
        place = self._place(departement_id, entry.commune)
        buckets = self._buckets.get(place)
        if buckets is None:
            self._unbucketed[place].append(entry)
        else:
            self._bucket(buckets, entry)

    def _bucket(self, buckets: dict[str, list[_Entry]], entry: _Entry) -> None:
        entry.key = key = self._key(entry.name)
        for token in key.tokens:
            buckets.setdefault(token, []).append(entry)

    def _buckets_of(self, place: Place) -> dict[str, list[_Entry]]:
        buckets = self._buckets.get(place)
        if buckets is None:
            buckets = self._buckets[place] = {}
            for entry in self._unbucketed.pop(place, ()):
                self._bucket(buckets, entry)
        return buckets

    def add_pending(self, line: int, structure: Structure) -> None:
        """A row about to be created, so later rows of the same file are compared to it."""
        entry = _Entry(None, structure.name, structure.siret, structure.commune, line)
        self._add(entry, structure.siret[:9], structure.departement_id)

    def find(
        self,
        *,
        name: str,
        siret: str,
        commune: str,
        departement_id: int | None,
        exclude_pk: int | None = None,
    ) -> list[Candidate]:
        found: dict[object, Candidate] = {}

        def keep(entry: _Entry, reason: str) -> None:
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
        key = self._key(name)
        similar = _Similar(key)
        buckets = self._buckets_of(self._place(departement_id, commune))
        # Each entry once, in the order its first shared word reaches it.
        sharing = dict.fromkeys(chain.from_iterable(buckets.get(t, ()) for t in key.tokens))
        for entry in similar.among(sharing):
            keep(entry, "nom très proche, même commune")
        return list(found.values())


def likely_duplicates(structure: Structure, user: Actor) -> list[Candidate]:
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
    shown = {pk for pair in wanted for pk in pair}
    records = Structure.objects.select_related("departement").in_bulk(shown)
    pairs = [
        Pair(records[a], records[b], reasons[(a, b)])
        for a, b in wanted
        if a in records and b in records
    ]
    pairs.sort(key=lambda p: (sort_key(p.kept.name), p.kept.pk, p.other.pk))
    return pairs, total
