"""Writing tables: CSV (UTF-8 with BOM, ';'), XLSX and ODS, row by row.

``export_response(fmt, filename, headers, rows)``: CSV streams row by row; XLSX and
ODS are written row by row into a spooled temporary file. Text that a spreadsheet
would evaluate as a formula is neutralised: prefixed with an apostrophe in CSV
(which has no cell types), written as a typed text cell in XLSX and ODS so it is
shown, never evaluated.
"""

import csv
import datetime as dt
import decimal
import io
import itertools
import logging
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any
from xml.sax.saxutils import escape as xml_escape

from django.http import FileResponse, StreamingHttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
FORMATS = tuple(CONTENT_TYPES)
# The last line of a CSV export that failed after its first bytes were sent.
INTERRUPTED_LINE = (
    "EXPORT INTERROMPU : une erreur est survenue pendant l'export, ce fichier est "
    "incomplet. Relancez l'export ; si l'erreur persiste, signalez-la."
)

logger = logging.getLogger(__name__)
_FORMULA_FIRST = frozenset(FORMULA_PREFIXES)


def neutralise(value: object) -> object:
    """The text a CSV cell must hold so that no spreadsheet evaluates it."""
    if type(value) is str and value[:1] in _FORMULA_FIRST:
        return "'" + value
    return value


def _plain(value: object) -> object:
    if value is None:
        return ""
    if value is True or value is False:
        return "oui" if value else "non"
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(headers: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """CSV lines as French spreadsheet software expects them: BOM, ';', CRLF."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        yield writer.writerow([_csv_cell(v) for v in row])


def _csv_cell(value: Any) -> object:
    kind = type(value)
    if kind is str:
        return "'" + value if value[:1] in _FORMULA_FIRST else value
    if kind is int:
        return value
    if value is None:
        return ""
    if kind is bool:
        return "oui" if value else "non"
    if isinstance(value, float | decimal.Decimal):
        return str(value).replace(".", ",")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return neutralise(str(value))


# XLSX and ODS are zipped XML. Writing the XML directly, row by row, keeps a
# 50,000-row export to seconds and a few megabytes (openpyxl and odfpy build
# every cell as an object). Text is always a typed string cell: never a formula.

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: object) -> str:
    return xml_escape(_XML_INVALID.sub("", str(value)), {'"': "&quot;"})


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _is_number(value: object) -> bool:
    return type(value) is not bool and isinstance(value, int | float | decimal.Decimal)


def _xlsx_cell(ref: str, value: object) -> str:
    value = _plain(value)
    if _is_number(value):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_xml_text(value)}</t></is></c>'


_XLSX_STATIC = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        "</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}


def write_xlsx(
    output: IO[bytes], headers: Sequence[str], rows: Iterable[Sequence], title: str = "Export"
) -> None:
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in _XLSX_STATIC.items():
            archive.writestr(name, content)
        archive.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{_xml_text(title[:31])}" sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>",
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as raw:
            sheet = io.TextIOWrapper(raw, encoding="utf-8")
            sheet.write(
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                "<sheetData>"
            )
            letters: list[str] = []
            for number, values in enumerate(itertools.chain([headers], rows), start=1):
                while len(letters) < len(values):
                    letters.append(_column_letter(len(letters)))
                cells = "".join(
                    _xlsx_cell(f"{letters[i]}{number}", v) for i, v in enumerate(values)
                )
                sheet.write(f'<row r="{number}">{cells}</row>')
            sheet.write("</sheetData></worksheet>")
            sheet.flush()
            sheet.detach()


def _ods_cell(value: object) -> str:
    value = _plain(value)
    if _is_number(value):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if isinstance(value, dt.datetime | dt.date):
        value = value.isoformat()
    # A string cell with no table:formula attribute is never evaluated.
    return (
        '<table:table-cell office:value-type="string">'
        f"<text:p>{_xml_text(value)}</text:p></table:table-cell>"
    )


_ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"'
)
_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def write_ods(
    output: IO[bytes], headers: Sequence[str], rows: Iterable[Sequence], title: str = "Export"
) -> None:
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        # The mimetype comes first, uncompressed (ODF packaging rule).
        archive.writestr(
            zipfile.ZipInfo("mimetype"), CONTENT_TYPES["ods"], compress_type=zipfile.ZIP_STORED
        )
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST)
        archive.writestr(
            "styles.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {_ODS_NAMESPACES}/>',
        )
        with archive.open("content.xml", "w") as raw:
            content = io.TextIOWrapper(raw, encoding="utf-8")
            content.write(
                f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NAMESPACES}>'
                f'<office:body><office:spreadsheet><table:table table:name="{_xml_text(title)}">'
            )
            for values in itertools.chain([headers], rows):
                content.write(
                    "<table:table-row>"
                    + "".join(_ods_cell(v) for v in values)
                    + "</table:table-row>"
                )
            content.write(
                "</table:table></office:spreadsheet></office:body></office:document-content>"
            )
            content.flush()
            content.detach()


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence], title: str = "Export") -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, headers, rows, title)
    return buffer.getvalue()


def ods_bytes(headers: Sequence[str], rows: Iterable[Sequence], title: str = "Export") -> bytes:
    buffer = io.BytesIO()
    write_ods(buffer, headers, rows, title)
    return buffer.getvalue()


def export_response(
    fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> StreamingHttpResponse:
    """An attachment response; ``filename`` has no extension."""
    if fmt == "csv":
        response = StreamingHttpResponse(
            _reporting_failure(csv_rows(headers, rows), filename),
            content_type=CONTENT_TYPES["csv"],
        )
    elif fmt in ("xlsx", "ods"):
        # A zip cannot be streamed before it is complete; spill to disk past a few MB.
        output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
        (write_xlsx if fmt == "xlsx" else write_ods)(output, headers, rows)
        output.seek(0)
        response = FileResponse(output, content_type=CONTENT_TYPES[fmt])
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _reporting_failure(lines: Iterator[str], filename: str) -> Iterator[bytes]:
    """Encode a streamed CSV; an error after the first bytes does not pass for the end.

    The status line (200) is already sent, so the failure is told three ways: the
    log says which export failed and after how many lines, the file ends with
    ``INTERRUPTED_LINE``, and the error is raised again so that the server aborts
    the transfer (the browser reports a failed download, not a short file).
    """
    sent = 0
    try:
        for line in lines:
            yield line.encode("utf-8")
            sent += 1
    except Exception:
        logger.exception("Export %s interrupted after %d lines: file incomplete", filename, sent)
        yield (INTERRUPTED_LINE + "\r\n").encode("utf-8")
        raise
