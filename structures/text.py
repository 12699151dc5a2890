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


_LIGATURE_CHARS = frozenset(map(chr, _LIGATURES))
_ASCII = frozenset(map(chr, range(128)))


def normalize(value: str) -> str:
    """ "L'Œuvre  Sainte-Thérèse" → 'l oeuvre sainte therese'."""
    text = value or ""
    # ASCII text has nothing to decompose; other text is looked at by its distinct
    # characters, not one by one (an import normalises some 34,000 names and communes).
    if not text.isascii():
        if not _LIGATURE_CHARS.isdisjoint(text):
            text = text.translate(_LIGATURES)
        text = unicodedata.normalize("NFKD", text)
        marks = [c for c in set(text).difference(_ASCII) if unicodedata.combining(c)]
        if marks:
            text = text.translate(dict.fromkeys(map(ord, marks)))
    return _NON_ALNUM.sub(" ", text.lower()).strip()


def name_key(name: str) -> str:
    """The distinctive words of a structure name, for likely-duplicate detection."""
    return " ".join(w for w in normalize(name).split() if w not in _NAME_STOP_WORDS)


def search_terms(query: str) -> list[str]:
    """Terms a search must all contain. Digits typed with spaces ('123 456 789') stay one term."""
    text = normalize(query)
    if text.replace(" ", "").isdigit():
        return [text.replace(" ", "")]
    return text.split()
