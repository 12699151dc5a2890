"""What an uploaded file really is, decided from its bytes, and whether we accept it.

The rule (docs/case-file.md, "Fichiers acceptés"):
- the type comes from the signature at offset 0, never from the name or the
  browser's content type; only the allow-list below is accepted;
- a file that another reader would open as a different type is a *polyglot* and
  is refused: PDF readers accept ``%PDF-`` anywhere in the first 1,024 bytes, ZIP
  readers look for their directory from the end, browsers sniff HTML from the
  start; so ``%PDF-`` early in a non-PDF, a ZIP directory at the end of a non-ZIP,
  or HTML/script tags early in any file are refused;
- PDFs must end with ``%%EOF`` (nothing appended) and carry no JavaScript or launch
  action; office files carry no macros and no embedded programs;
- images must decode (Pillow) within its decompression-bomb limit.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from typing import IO, Protocol

from .names import sanitise_name, split_name


class UploadRefused(ValueError):
    """The file is not accepted; the message says why, in French, for the person."""


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    content_type: str
    extension: str


PDF = FileKind("pdf", "PDF", "application/pdf", "pdf")
PNG = FileKind("png", "image PNG", "image/png", "png")
JPEG = FileKind("jpeg", "image JPEG", "image/jpeg", "jpg")
GIF = FileKind("gif", "image GIF", "image/gif", "gif")
WEBP = FileKind("webp", "image WebP", "image/webp", "webp")
_OOXML = "application/vnd.openxmlformats-officedocument"
DOCX = FileKind("docx", "document Word", f"{_OOXML}.wordprocessingml.document", "docx")
XLSX = FileKind("xlsx", "classeur Excel", f"{_OOXML}.spreadsheetml.sheet", "xlsx")
PPTX = FileKind("pptx", "présentation PowerPoint", f"{_OOXML}.presentationml.presentation", "pptx")
_ODF = "application/vnd.oasis.opendocument"
ODT = FileKind("odt", "texte OpenDocument", f"{_ODF}.text", "odt")
ODS = FileKind("ods", "classeur OpenDocument", f"{_ODF}.spreadsheet", "ods")
ODP = FileKind("odp", "présentation OpenDocument", f"{_ODF}.presentation", "odp")
DOC = FileKind("doc", "document Word (ancien format)", "application/msword", "doc")
XLS = FileKind("xls", "classeur Excel (ancien format)", "application/vnd.ms-excel", "xls")
PPT = FileKind(
    "ppt", "présentation PowerPoint (ancien format)", "application/vnd.ms-powerpoint", "ppt"
)
CSV = FileKind("csv", "tableau CSV", "text/csv", "csv")
TXT = FileKind("txt", "texte", "text/plain", "txt")

ALLOWED_KINDS = (
    PDF,
    PNG,
    JPEG,
    GIF,
    WEBP,
    DOCX,
    XLSX,
    PPTX,
    ODT,
    ODS,
    ODP,
    DOC,
    XLS,
    PPT,
    CSV,
    TXT,
)
ZIP_KINDS = {DOCX, XLSX, PPTX, ODT, ODS, ODP}
IMAGE_FORMATS = {PNG: "PNG", JPEG: "JPEG", GIF: "GIF", WEBP: "WEBP"}

ACCEPTED = (
    "Formats acceptés : PDF, images (PNG, JPEG, GIF, WebP), documents Word, Excel, "
    "PowerPoint ou OpenDocument, CSV et texte."
)
EXECUTABLE = "Ce fichier est un programme exécutable, quel que soit son nom : il n'est pas accepté."
POLYGLOT = (
    "Ce fichier peut être lu comme deux formats différents (fichier « polyglotte ») : "
    "il n'est pas accepté. Enregistrez-le à nouveau depuis son logiciel d'origine."
)

_EXECUTABLE_SIGNATURES = (
    b"MZ",  # Windows (PE/DOS)
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce",  # Mach-O (both byte orders, 32/64 bits, universal)
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",  # scripts
)
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Tags a browser sniffing the start of a file would take for a web page or an SVG.
_MARKUP = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|meta|object|embed)\b", re.I
)
# Active content in a PDF: scripts and "launch a program" actions.
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch)(?=[\s/<>\[\]()%]|$)")
_ZIP_END = b"PK\x05\x06"
# A ZIP reader looks for its end record within the last 64 KiB plus the record itself.
_ZIP_END_WINDOW = 65_535 + 22
_EXECUTABLE_ENTRY = re.compile(
    r"\.(?:exe|dll|com|scr|msi|bat|cmd|ps1|vbs|js|jar|class|sh|app)$", re.I
)


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


_OLE_STREAMS = ((_utf16("WordDocument"), DOC), (_utf16("Workbook"), XLS), (_utf16("Book"), XLS))
_OLE_STREAMS += ((_utf16("PowerPoint Document"), PPT),)
_OLE_MACROS = _utf16("_VBA_PROJECT")


@dataclass(frozen=True)
class CheckedFile:
    """An accepted file: its kind, its bytes' fingerprint and a safe display name."""

    kind: FileKind
    name: str
    size: int
    sha256: str
    content: bytes

    @property
    def content_type(self) -> str:
        return self.kind.content_type

    @property
    def extension(self) -> str:
        return self.kind.extension


class Upload(Protocol):
    name: str | None
    size: int | None

    def seek(self, offset: int, whence: int = ...) -> int: ...
    def read(self, size: int = ...) -> bytes: ...


def check_upload(upload: Upload | IO[bytes], *, max_bytes: int) -> CheckedFile:
    """Accept ``upload`` or raise ``UploadRefused``; reads at most ``max_bytes`` + 1 bytes."""
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise UploadRefused(_too_big(size, max_bytes))
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRefused(_too_big(len(data), max_bytes))
    if not data:
        raise UploadRefused("Le fichier est vide.")
    raw_name = str(getattr(upload, "name", "") or "")
    kind = sniff(data, raw_name)
    refuse_polyglot(data, kind)
    return CheckedFile(
        kind=kind,
        name=sanitise_name(raw_name, kind.extension),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
    )


def sniff(data: bytes, name: str = "") -> FileKind:
    """The allowed kind ``data`` is, from its first bytes (the name only tells CSV from text)."""
    if data.startswith(b"%PDF-"):
        return _pdf(data)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _image(data, PNG)
    if data.startswith(b"\xff\xd8\xff"):
        return _image(data, JPEG)
    if data.startswith((b"GIF87a", b"GIF89a")):
        return _image(data, GIF)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return _image(data, WEBP)
    if data.startswith(b"PK\x03\x04"):
        return _office_zip(data)
    if data.startswith(_OLE_SIGNATURE):
        return _office_ole(data)
    if data.startswith(_EXECUTABLE_SIGNATURES):
        raise UploadRefused(EXECUTABLE)
    return _text(data, name)


def refuse_polyglot(data: bytes, kind: FileKind) -> None:
    head = data[:1024]
    if kind is not PDF and b"%PDF-" in head:
        raise UploadRefused(POLYGLOT)
    if kind not in ZIP_KINDS and _ZIP_END in data[-_ZIP_END_WINDOW:]:
        raise UploadRefused(POLYGLOT)
    if _MARKUP.search(head):
        raise UploadRefused(
            "Ce fichier contient du code de page web (HTML, SVG ou script) : il n'est pas "
            "accepté. " + ACCEPTED
        )


def _pdf(data: bytes) -> FileKind:
    if b"%%EOF" not in data[-1024:]:
        raise UploadRefused(
            "Ce PDF est incomplet ou suivi d'autres données : enregistrez-le à nouveau en PDF."
        )
    if _PDF_ACTIVE.search(data):
        raise UploadRefused(
            "Ce PDF contient du JavaScript ou une action qui lance un programme : il n'est pas "
            "accepté. Imprimez-le en PDF (« Microsoft Print to PDF », « Enregistrer au format "
            "PDF ») puis déposez la copie."
        )
    return PDF


def _image(data: bytes, kind: FileKind) -> FileKind:
    from PIL import Image

    with warnings.catch_warnings():
        # Pillow warns, then raises, on images big enough to exhaust memory when decoded.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                found = image.format
                image.verify()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise UploadRefused("Cette image est trop grande (nombre de pixels).") from None
        except Exception:
            raise UploadRefused(f"Ce fichier n'est pas une {kind.label} lisible.") from None
    if found != IMAGE_FORMATS[kind]:
        raise UploadRefused(f"Ce fichier n'est pas une {kind.label} lisible.")
    return kind


def _office_zip(data: bytes) -> FileKind:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadRefused(
            "Ce fichier ressemble à une archive ZIP mais il est illisible."
        ) from None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise UploadRefused(
            "Ce document contient des macros : enregistrez-le sans macros (.docx, .xlsx, .pptx)."
        )
    if any(_EXECUTABLE_ENTRY.search(name) for name in names):
        raise UploadRefused(EXECUTABLE)
    kind = _odf_kind(archive, names) or _ooxml_kind(names)
    if kind is None:
        raise UploadRefused(
            "Les archives (ZIP) ne sont pas acceptées : déposez les documents un par un. "
            + ACCEPTED
        )
    return kind


def _odf_kind(archive: zipfile.ZipFile, names: list[str]) -> FileKind | None:
    if not names or names[0] != "mimetype" or archive.getinfo("mimetype").file_size > 100:
        return None
    mimetype = archive.read("mimetype").decode("ascii", errors="replace").strip()
    return {k.content_type: k for k in (ODT, ODS, ODP)}.get(mimetype)


def _ooxml_kind(names: list[str]) -> FileKind | None:
    if "[Content_Types].xml" not in names:
        return None
    for part, kind in (
        ("word/document.xml", DOCX),
        ("xl/workbook.xml", XLSX),
        ("ppt/presentation.xml", PPTX),
    ):
        if part in names:
            return kind
    return None


def _office_ole(data: bytes) -> FileKind:
    if _OLE_MACROS in data:
        raise UploadRefused(
            "Ce document contient des macros : enregistrez-le sans macros (.docx, .xlsx, .pptx)."
        )
    for stream, kind in _OLE_STREAMS:
        if stream in data:
            return kind
    raise UploadRefused("Ce fichier Office d'ancien format n'est pas reconnu. " + ACCEPTED)


def _text(data: bytes, name: str) -> FileKind:
    refused = UploadRefused("Ce type de fichier n'est pas accepté. " + ACCEPTED)
    if b"\x00" in data:
        raise refused
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # French spreadsheets often export CSV in Windows-1252.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise refused from None
    if any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text):
        raise refused
    if text.lstrip().startswith("<"):
        raise UploadRefused(
            "Ce fichier contient du HTML ou du XML : il n'est pas accepté. " + ACCEPTED
        )
    return CSV if split_name(name)[1] == "csv" else TXT


def _too_big(size: int, max_bytes: int) -> str:
    return (
        f"Le fichier pèse {human_size(size)} : la taille maximale est de {human_size(max_bytes)}."
    )


def human_size(size: int) -> str:
    """French, decimal units (as the limit is set): 20 Mo, 1,5 Mo, 800 ko."""
    for unit, scale in (("Mo", 1_000_000), ("ko", 1_000)):
        if size >= scale:
            text = f"{size / scale:.1f}".removesuffix(".0").replace(".", ",")
            return f"{text} {unit}"
    return f"{size} octet{'s' if size > 1 else ''}"
