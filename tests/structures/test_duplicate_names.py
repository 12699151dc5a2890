"""The duplicate index's similar-name look-up against the rule written out plainly.

The rule (structures/duplicates.py): two structures of one department and one
commune (case, accents and punctuation ignored) have very similar names when their
name keys (normalised, stop words dropped) share a word of three letters or more (any
word when a key has none) and difflib's ratio of the two keys, existing name first,
is at least 0.85; an empty key matches nothing. Warnings list the matches by the
query's words in the order its name gives them (the first word it shares with each),
then in the order the structures entered the index. The reference below is that sentence and one
``SequenceMatcher`` per pair, with no bound and no cache.
"""

import random
import unicodedata
from difflib import SequenceMatcher

import pytest

from structures.duplicates import DuplicateIndex
from structures.models import Structure
from territoires.models import Departement
from tests.structures.factories import StructureFactory

STOP_WORDS = {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les"}
STOP_WORDS |= {"association", "asso", "assoc"}

WORDS = ["Théâtre", "théatre", "Jardins", "jardin", "Partagés", "Œuvre", "Sainte-Thérèse",
         "club", "Club", "foot", "football", "Rennes", "Brest", "vélo", "velo", "école",
         "ecole", "musique", "musiques", "Ré", "Fa", "ab", "AB", "x", "Y2K", "n°1", "1",
         "solidarité", "solidarite", "épicerie", "Épicerie", "quartier", "quartiers",
         "compagnie", "Compagnie", "l'Arbre", "arbres", "d'Or", "Zoé"]  # fmt: skip
LINKS = ["", "de", "des", "la", "Les", "Association", "et", "du", "L'", "d'"]


def plain_key(name):
    """normalise by hand: ligatures, accents, case, punctuation; then drop stop words."""
    text = name.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    text = text.replace("ß", "ss")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    words = "".join(c if c.isascii() and c.isalnum() else " " for c in text.lower()).split()
    return " ".join(w for w in words if w not in STOP_WORDS)


def plain_commune(commune):
    return plain_key(commune) if commune.strip() else ""


def words(key):
    """The key's words of three letters or more (all of them when none is), in the
    name's order, each once."""
    unique = list(dict.fromkeys(key.split()))
    return [w for w in unique if len(w) >= 3] or unique or [""]


def reference(query, structures):
    """Similar names among ``structures`` (name, commune, tag, in index order)."""
    name, commune = query
    key = plain_key(name)
    query_words = words(key)
    hits = []
    for position, (other_name, other_commune, tag) in enumerate(structures):
        if plain_commune(other_commune) != plain_commune(commune):
            continue
        other = plain_key(other_name)
        shared = [i for i, w in enumerate(query_words) if w in words(other)]
        if not key or not other or not shared:
            continue
        if SequenceMatcher(None, other, key, autojunk=False).ratio() >= 0.85:
            hits.append((shared[0], position, tag))
    return [tag for _, _, tag in sorted(hits)]


def generated_names(count, seed):
    rng = random.Random(seed)
    names = []
    while len(names) < count:
        roll = rng.random()
        if names and roll < 0.15:
            names.append(rng.choice(names))  # the same name again
        elif names and roll < 0.45:
            base = list(rng.choice(names))  # one letter changed, added or dropped
            i = rng.randrange(len(base))
            letter = rng.choice("aeéiorstuxz ")
            edit = rng.randrange(3)
            if edit == 0:
                base[i] = letter
            elif edit == 1:
                base.insert(i, letter)
            elif len(base) > 1:
                del base[i]
            names.append("".join(base))
        elif roll < 0.55:
            names.append(rng.choice(WORDS + LINKS))  # short, or nothing but a stop word
        else:
            parts = [rng.choice(WORDS) for _ in range(rng.randint(1, 4))]
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(LINKS))
            names.append(" ".join(p for p in parts if p))
    return names


COMMUNES = ["Rennes", "RENNES", "rennes ", "Saint-Malo", "Saint Malo"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_similar_names_of_an_import_match_the_rule_pair_by_pair(seed):
    """As an import runs it: each row looked up, then added for the rows after it."""
    rng = random.Random(seed)
    rows = [(name, rng.choice(COMMUNES)) for name in generated_names(300, seed)]
    index = DuplicateIndex([], [])
    departement_id = 35
    flagged = 0
    for line, (name, commune) in enumerate(rows):
        found = index.find(name=name, siret="", commune=commune, departement_id=departement_id)
        expected = reference((name, commune), [(n, c, i) for i, (n, c) in enumerate(rows[:line])])
        assert [c.line for c in found] == expected, (name, commune)
        assert {c.reason for c in found} <= {"nom très proche, même commune"}
        flagged += bool(found)
        structure = Structure(name=name, siret="", commune=commune, departement_id=departement_id)
        index.add_pending(line, structure)
    assert flagged > 50  # the generated names do meet


def test_similar_names_of_the_register_match_the_rule(personas):
    """Names read from the database, in a department and in one beside it."""
    rennes = Departement.objects.get(code="35")
    brest = Departement.objects.get(code="29")
    names = generated_names(100, 7)
    existing = [
        StructureFactory(name=name, commune=COMMUNES[i % 3], departement=rennes)
        for i, name in enumerate(names[:60])
    ] + [StructureFactory(name=name, commune="Rennes", departement=brest) for name in names[:10]]
    in_rennes = [(s.name, s.commune, s.pk) for s in existing if s.departement_id == rennes.pk]
    index = DuplicateIndex([rennes.pk], [])
    # Rows come in the database's order, which no ORDER BY fixes: compared as sets
    # (the import test above checks the order).
    for name in names[60:] + names[:20]:
        found = index.find(name=name, siret="", commune="Rennes", departement_id=rennes.pk)
        expected = reference((name, "Rennes"), in_rennes)
        assert sorted(c.pk for c in found) == sorted(expected), name
    assert index.find(name=names[0], siret="", commune="Rennes", departement_id=rennes.pk)


@pytest.mark.parametrize(
    ("existing", "query", "similar"),
    [
        ("Les Jardins Partagés", "jardins partages", True),  # accents, case, stop words
        ("Compagnie Théâtrale n°1", "Compagnie Theatrale n 2", True),  # 1 letter in 23
        ("abcdefgh", "abcdefgi", False),  # ratio 0.875 but no shared word: not compared
        ("Club abcdefgh", "Club abcdefgi", True),  # the shared word lets them compare
        ("Association", "Les", False),  # both keys empty
        ("Ré", "Re", True),  # short, identical keys
        ("Ré", "Fa", False),
        ("ab cd", "ab ce", False),  # 4 of 5 and 4 of 5: 2·4/10 = 0.8
    ],
)
def test_worked_examples(existing, query, similar):
    index = DuplicateIndex([], [])
    index.add_pending(1, Structure(name=existing, siret="", commune="Rennes", departement_id=1))
    found = index.find(name=query, siret="", commune="rennes", departement_id=1)
    assert bool(found) is similar
