"""The bounds of a search box.

A search is a few words typed by a person. Each word becomes one condition of the
query: a thousand of them make an SQL expression the database refuses (SQLite:
"Expression tree is too large"), so the number of words and the length are
bounded here, with a message that says so.
"""

import re

from django.core.exceptions import ValidationError

MAX_SEARCH_LENGTH = 200
MAX_SEARCH_WORDS = 10
# A "word" as a search counts it: a run of letters or digits (punctuation separates).
_WORD = re.compile(r"[^\W_]+")


def validate_search(value: str) -> None:
    if len(value) > MAX_SEARCH_LENGTH or len(_WORD.findall(value)) > MAX_SEARCH_WORDS:
        raise ValidationError(
            "La recherche est limitée à %(words)s mots et %(length)s caractères : "
            "gardez les mots les plus distinctifs.",
            code="search_too_long",
            params={"words": MAX_SEARCH_WORDS, "length": MAX_SEARCH_LENGTH},
        )
