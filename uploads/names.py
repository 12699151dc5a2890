"""Display names for uploaded files: readable, short, and never a path."""

import re
import unicodedata

MAX_STEM = 120
DEFAULT_STEM = "document"
# Letters and digits of any script, spaces and a few harmless signs; the rest becomes "_".
_UNSAFE = re.compile(r"[^\w\s.,()'’«»+\-]", re.UNICODE)
_SPACES = re.compile(r"\s+")


def split_name(name: str) -> tuple[str, str]:
    """(stem, lowercase extension without the dot) of a bare file name."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return name, ""
    return stem, extension.lower()


def sanitise_name(raw: str, extension: str) -> str:
    """A display name from what the browser sent, ending with ``extension``.

    Only the last component of any path is kept (both separators), control and
    unusual characters are replaced, and the extension is the one the *content*
    was found to have: ``facture.exe`` holding a PDF becomes ``facture.exe.pdf`` —
    never a name the reader's system would run.
    """
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    stem, current = split_name(name)
    if current and current != extension and not _same_kind(current, extension):
        stem = name
    stem = _UNSAFE.sub("_", stem)
    stem = _SPACES.sub(" ", stem).strip(" ._-")[:MAX_STEM].rstrip(" ._-")
    kept = current if _same_kind(current, extension) else extension
    return f"{stem or DEFAULT_STEM}.{kept}"


# Spellings of one type that the display name may keep.
_ALIASES = {"jpg": {"jpg", "jpeg", "jpe"}, "txt": {"txt", "text"}, "csv": {"csv"}}


def _same_kind(current: str, extension: str) -> bool:
    return current == extension or current in _ALIASES.get(extension, set())
