"""Reading just enough of a PDF to check it in tests (pypdf is not a dependency)."""

import re
import zlib


def is_pdf(content: bytes) -> bool:
    return content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")


def objects(content: bytes) -> bytes:
    """The PDF's text with its compressed streams (object streams included) inflated."""
    parts = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def has_text_string(content: bytes, text: str) -> bool:
    """True when ``text`` appears as a PDF text string (metadata, outline), in any encoding."""
    blob = objects(content)
    utf16 = b"<feff" + text.encode("utf-16-be").hex().encode() + b">"
    return utf16 in blob or f"({text})".encode("latin-1", "ignore") in blob


def page_count(content: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", objects(content)))
