"""Tabular files in and out: CSV (UTF-8 with BOM, ';'), XLSX and ODS.

Shared by the structure register and the national statistics exports.

Writing: ``export_response(fmt, filename, headers, rows)``. CSV streams row by
row; XLSX and ODS are written row by row into a spooled temporary file.
Text that a spreadsheet would evaluate as a formula is neutralised: prefixed
with an apostrophe in CSV (which has no cell types), written as a typed text
cell in XLSX and ODS so it is shown, never evaluated.

Reading: ``read_table(data, filename)`` returns the header row and the data rows
(with their line numbers) as strings, whatever the format and encoding.
"""

import csv
import datetime as dt
import decimal
import io
import itertools
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape as xml_escape

from django.http import FileResponse, StreamingHttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
FORMATS = tuple(CONTENT_TYPES)
# Guards against decompression bombs hidden in XLSX/ODS uploads.
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 200


class SpreadsheetError(ValueError):
    """A file that cannot be read as a table; the message is for the user (French)."""


_FORMULA_FIRST = frozenset(FORMULA_PREFIXES)


def neutralise(value):
    """The text a CSV cell must hold so that no spreadsheet evaluates it."""
    if type(value) is str and value[:1] in _FORMULA_FIRST:
        return "'" + value
    return value


def _plain(value):
    if value is None:
        return ""
    if value is True or value is False:
        return "oui" if value else "non"
    return value


# --- Writing ---------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


def csv_rows(headers: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """CSV lines as French spreadsheet software expects them: BOM, ';', CRLF."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        yield writer.writerow([_csv_cell(v) for v in row])


def _csv_cell(value):
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


def _xml_text(value) -> str:
    return xml_escape(_XML_INVALID.sub("", str(value)), {'"': "&quot;"})


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _is_number(value) -> bool:
    return type(value) is not bool and isinstance(value, int | float | decimal.Decimal)


def _xlsx_cell(ref: str, value) -> str:
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


def write_xlsx(output, headers: Sequence[str], rows: Iterable[Sequence], title="Export"):
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


def _ods_cell(value) -> str:
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


def write_ods(output, headers: Sequence[str], rows: Iterable[Sequence], title="Export"):
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


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence], title="Export") -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, headers, rows, title)
    return buffer.getvalue()


def ods_bytes(headers: Sequence[str], rows: Iterable[Sequence], title="Export") -> bytes:
    buffer = io.BytesIO()
    write_ods(buffer, headers, rows, title)
    return buffer.getvalue()


def export_response(fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence]):
    """An attachment response; ``filename`` has no extension."""
    if fmt == "csv":
        response = StreamingHttpResponse(
            (line.encode("utf-8") for line in csv_rows(headers, rows)),
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


# --- Reading ---------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    headers: list[str]
    # (line number in the file, cells as stripped strings)
    rows: list[tuple[int, list[str]]]


def read_table(data: bytes, filename: str) -> Table:
    """Read a CSV, XLSX or ODS file; raises SpreadsheetError with a French message."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _read_xlsx(data)
    elif name.endswith(".ods"):
        rows = _read_ods(data)
    elif name.endswith(".csv") or name.endswith(".txt"):
        rows = _read_csv(data)
    else:
        raise SpreadsheetError("Format non pris en charge : utilisez un fichier CSV, XLSX ou ODS.")
    numbered = []
    headers = None
    for line, cells in rows:
        cells = _trim(cells)
        if not any(cells):
            continue
        if len(cells) > MAX_COLUMNS:
            raise SpreadsheetError(f"Le fichier a trop de colonnes (plus de {MAX_COLUMNS}).")
        if headers is None:
            headers = cells
            continue
        numbered.append((line, cells))
        if len(numbered) > MAX_ROWS:
            raise SpreadsheetError(f"Le fichier a trop de lignes (plus de {MAX_ROWS}).")
    if headers is None:
        raise SpreadsheetError("Le fichier est vide : aucune ligne d'en-tête trouvée.")
    return Table(headers=headers, rows=numbered)


def _trim(cells: list[str]) -> list[str]:
    cells = [c.strip() for c in cells]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as older spreadsheet software writes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise SpreadsheetError(
            "Encodage du fichier non reconnu : enregistrez-le en CSV UTF-8."
        ) from None


def sniff_delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


def _read_csv(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = decode_text(data)
    if "\x00" in text:
        raise SpreadsheetError("Ce fichier n'est pas un fichier CSV texte.")
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first_line))
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as error:
        raise SpreadsheetError(f"CSV illisible à la ligne {reader.line_num} : {error}.") from None


def _open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SpreadsheetError(f"Ce fichier n'est pas un fichier {kind} valide.") from None
    if total > MAX_UNCOMPRESSED_BYTES:
        raise SpreadsheetError(f"Le fichier {kind} est trop volumineux une fois décompressé.")
    return archive


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _read_xlsx(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    _open_zip(data, "XLSX")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types on a corrupt file
        raise SpreadsheetError("Ce fichier n'est pas un fichier XLSX valide.") from None
    try:
        sheet = workbook.worksheets[0]
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, [_cell_text(v) for v in values[: MAX_COLUMNS + 1]]
    finally:
        workbook.close()


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def _read_ods(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """Stream content.xml (odfpy would build the whole document in memory)."""
    from xml.etree.ElementTree import ParseError, iterparse

    archive = _open_zip(data, "ODS")
    names = archive.namelist()
    if "mimetype" not in names or b"spreadsheet" not in archive.read("mimetype"):
        raise SpreadsheetError("Ce fichier n'est pas un fichier ODS valide.")
    if "content.xml" not in names:
        raise SpreadsheetError("Ce fichier n'est pas un fichier ODS valide.")
    line = 0
    tables = 0
    try:
        with archive.open("content.xml") as content:
            for event, element in iterparse(content, events=("start", "end")):
                if element.tag == f"{_ODS_TABLE}table":
                    if event == "start":
                        tables += 1
                    elif tables == 1:
                        return  # only the first sheet is read
                    continue
                if event != "end" or element.tag != f"{_ODS_TABLE}table-row" or tables != 1:
                    continue
                cells = _ods_row_cells(element)
                repeat = int(element.get(f"{_ODS_TABLE}number-rows-repeated") or 1)
                element.clear()
                if not any(c.strip() for c in cells):
                    line += repeat
                    continue
                for _ in range(min(repeat, MAX_ROWS + 2)):
                    line += 1
                    yield line, cells
    except (ParseError, ValueError, zipfile.BadZipFile):
        raise SpreadsheetError("Ce fichier n'est pas un fichier ODS valide.") from None


def _ods_row_cells(row) -> list[str]:
    cells: list[str] = []
    for cell in row:
        if cell.tag not in (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell"):
            continue
        repeat = int(cell.get(f"{_ODS_TABLE}number-columns-repeated") or 1)
        text = _ods_cell_value(cell)
        # Trailing empty cells are repeated up to the sheet's width: do not expand them all.
        cells.extend([text] * min(repeat, MAX_COLUMNS + 1))
        if len(cells) > MAX_COLUMNS * 10:
            break
    return cells


def _ods_cell_value(cell) -> str:
    kind = cell.get(f"{_ODS_OFFICE}value-type")
    if kind in ("float", "percentage", "currency"):
        value = cell.get(f"{_ODS_OFFICE}value") or ""
        try:
            number = decimal.Decimal(value)
        except decimal.InvalidOperation:
            return value
        if not number.is_finite():
            return value
        return str(int(number)) if number == number.to_integral_value() else str(number)
    if kind == "date":
        return (cell.get(f"{_ODS_OFFICE}date-value") or "").removesuffix("T00:00:00")
    if kind == "boolean":
        return "oui" if cell.get(f"{_ODS_OFFICE}boolean-value") == "true" else "non"
    return "\n".join(_ods_paragraph(p) for p in cell if p.tag == f"{_ODS_TEXT}p")


def _ods_paragraph(paragraph) -> str:
    """Text of a <text:p>, with <text:s/> (runs of spaces) and <text:tab/> expanded."""
    parts = [paragraph.text or ""]
    for child in paragraph:
        if child.tag == f"{_ODS_TEXT}s":
            parts.append(" " * int(child.get(f"{_ODS_TEXT}c") or 1))
        elif child.tag == f"{_ODS_TEXT}tab":
            parts.append("\t")
        elif child.tag == f"{_ODS_TEXT}line-break":
            parts.append("\n")
        else:
            parts.append(_ods_paragraph(child))
        parts.append(child.tail or "")
    return "".join(parts)
