"""Text keys for search and duplicate detection: unaccented, lower-case, punctuation-free.

Computed in Python and stored, so that search behaves the same on SQLite and
PostgreSQL without database extensions.
"""

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "Œ": "oe", "Æ": "ae"})
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Words that say nothing about which structure it is.
_NAME_STOP_WORDS = frozenset(
    {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les"}
    | {"association", "asso", "assoc"}
)


def normalize(value: str) -> str:
    """ "L'Œuvre  Sainte-Thérèse" → 'l oeuvre sainte therese'."""
    text = unicodedata.normalize("NFKD", (value or "").translate(_LIGATURES))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return _NON_ALNUM.sub(" ", text).strip()


def name_key(name: str) -> str:
    """The distinctive words of a structure name, for likely-duplicate detection."""
    return " ".join(w for w in normalize(name).split() if w not in _NAME_STOP_WORDS)


def search_terms(query: str) -> list[str]:
    """Terms a search must all contain. Digits typed with spaces ('123 456 789') stay one term."""
    text = normalize(query)
    if text.replace(" ", "").isdigit():
        return [text.replace(" ", "")]
    return text.split()
