"""Text keys for search and duplicate detection: unaccented, lower-case, punctuation-free.

Computed in Python and stored, so that search behaves the same on SQLite and
PostgreSQL without database extensions.
"""

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "Œ": "oe", "Æ": "ae"})
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_ALNUM = re.compile(r"[0-9a-z]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
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
    if not text.isascii():
        # The runs of non-ASCII characters looked up in a table of the Latin letters and
        # punctuation (an import normalises some 34,000 names and communes: 3 µs each
        # instead of 11); text the table leaves non-ASCII is decomposed instead.
        folded = _NON_ASCII.sub(_fold, text)
        text = folded if folded.isascii() else _decomposed(text)
    return _NON_ALNUM.sub(" ", text.lower()).strip()


def _decomposed(text: str) -> str:
    """Ligatures spelled out, compatibility forms decomposed, combining marks off."""
    # Looked at by distinct characters, not one by one.
    if not _LIGATURE_CHARS.isdisjoint(text):
        text = text.translate(_LIGATURES)
    text = unicodedata.normalize("NFKD", text)
    marks = [c for c in set(text).difference(_ASCII) if unicodedata.combining(c)]
    if marks:
        text = text.translate(dict.fromkeys(map(ord, marks)))
    return text


def _fold(run: re.Match[str]) -> str:
    text = run[0]
    return _FOLDED.get(text) or "".join([_FOLDED.get(char, char) for char in text])


def _folding_table() -> dict[str, str]:
    """What ``_decomposed`` makes of each Latin letter and punctuation mark, where that is
    ASCII; one that leaves no ASCII letter or digit becomes a space, as the separator it
    is in ``normalize`` (``Ø``, ``’``). Decomposition and the marks' removal work
    character by character, so the table gives the same text as ``_decomposed``
    followed by ``normalize``'s rest (checked for every code point in the tests)."""
    table = {}
    latin = range(0x80, 0x250)  # Latin-1 Supplement, Latin Extended-A and -B
    punctuation = range(0x2000, 0x2070)  # typographic quotes, dashes, spaces
    for code in (*latin, *punctuation, 0x20AC):
        folded = _decomposed(chr(code))
        if folded.isascii():
            table[chr(code)] = folded
        elif not _ALNUM.search(folded.lower()):
            table[chr(code)] = " "
    return table


_FOLDED = _folding_table()


def name_key(name: str) -> str:
    """The distinctive words of a structure name, for likely-duplicate detection."""
    return " ".join(w for w in normalize(name).split() if w not in _NAME_STOP_WORDS)


def search_terms(query: str) -> list[str]:
    """Terms a search must all contain. Digits typed with spaces ('123 456 789') stay one term."""
    text = normalize(query)
    if text.replace(" ", "").isdigit():
        return [text.replace(" ", "")]
    return text.split()
