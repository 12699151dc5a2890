import unicodedata

import pytest

from structures.text import name_key, normalize


def by_hand(value):
    """The rule spelled out: ligatures, then accents off, lower case, runs of anything
    but ASCII letters and digits as one space."""
    for ligature, letters in {"œ": "oe", "æ": "ae", "ß": "ss", "Œ": "oe", "Æ": "ae"}.items():
        value = value.replace(ligature, letters)
    decomposed = unicodedata.normalize("NFKD", value)
    text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    kept = "abcdefghijklmnopqrstuvwxyz0123456789"
    return " ".join("".join(c if c in kept else " " for c in text).split())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("L'Œuvre  Sainte-Thérèse", "l oeuvre sainte therese"),
        ("L’Œuvre", "l oeuvre"),  # a typographic apostrophe is a separator, not dropped
        ("Straße ÆØ", "strasse ae"),  # Ø has no decomposition: a separator
        ("İstanbul", "istanbul"),  # the dot above is a mark, taken off before lower()
        ("ﬁn ① Ｆｕｌｌ", "fin 1 full"),  # compatibility forms
        ("e\u0301\u0301 \u0301", "e"),  # marks alone
        ("ASCII only, 35-Rennes", "ascii only 35 rennes"),
        ("", ""),
    ],
)
def test_normalize(value, expected):
    assert normalize(value) == expected
    assert by_hand(value) == expected


def test_normalize_none_and_stop_words():
    assert normalize(None) == ""
    assert name_key("Association des Amis de l'Œuvre") == "amis oeuvre"


def test_normalize_agrees_with_the_rule_for_every_character():
    # normalize folds Latin letters and punctuation through one table and decomposes
    # other text: both against the rule, for each character of the Basic Multilingual
    # Plane alone, between letters, and doubled beside a space (separators merge).
    for code in range(0x80, 0x10000):
        if 0xD800 <= code < 0xE000:  # surrogates are not characters
            continue
        char = chr(code)
        for value in (char, f"a{char}b", f"É {char}{char}-1"):
            assert normalize(value) == by_hand(value), f"U+{code:04X}"


def test_normalize_of_a_name_mixing_folded_and_decomposed_characters():
    assert normalize("Crèche « Les Pétales » — Saint‑Étienne") == "creche les petales saint etienne"
    # ① is outside the table: the whole text is decomposed, with the same result.
    assert normalize("Crèche ① Œuvre") == "creche 1 oeuvre"
