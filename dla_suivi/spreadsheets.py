"""Tabular files in and out: CSV (UTF-8 with BOM, ';'), XLSX and ODS.

Shared by the structure register and the national statistics exports.

Writing: ``export_response(fmt, filename, headers, rows)``. CSV streams row by
row; XLSX and ODS are built in memory (a spreadsheet is read whole anyway).
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
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
FORMATS = tuple(CONTENT_TYPES)
# Guards against decompression bombs hidden in XLSX/ODS uploads.
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
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


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence], title="Export") -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])

    def cell(value):
        value = _plain(value)
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        if isinstance(value, str):
            # openpyxl turns "=…" into a formula; force a text cell.
            written = WriteOnlyCell(sheet, value=None)
            written.value = value
            written.data_type = "s"
            return written
        return WriteOnlyCell(sheet, value=value)

    sheet.append([cell(h) for h in headers])
    for row in rows:
        sheet.append([cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def ods_bytes(headers: Sequence[str], rows: Iterable[Sequence], title="Export") -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name=title)

    def cell(value):
        value = _plain(value)
        if isinstance(value, int | float | decimal.Decimal):
            written = TableCell(valuetype="float", value=str(value))
            written.addElement(P(text=str(value)))
        elif isinstance(value, dt.datetime | dt.date):
            written = TableCell(valuetype="date", datevalue=value.isoformat())
            written.addElement(P(text=value.isoformat()))
        else:
            # A string cell with no table:formula attribute is never evaluated.
            written = TableCell(valuetype="string")
            written.addElement(P(text=str(value)))
        return written

    for values in [headers, *rows]:
        row = TableRow()
        for value in values:
            row.addElement(cell(value))
        table.addElement(row)
    document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def export_response(fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence]):
    """An attachment response; ``filename`` has no extension."""
    if fmt == "csv":
        response = StreamingHttpResponse(
            (line.encode("utf-8") for line in csv_rows(headers, rows)),
            content_type=CONTENT_TYPES["csv"],
        )
    elif fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(headers, rows), content_type=CONTENT_TYPES["xlsx"])
    elif fmt == "ods":
        response = HttpResponse(ods_bytes(headers, rows), content_type=CONTENT_TYPES["ods"])
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


def _read_ods(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from odf import opendocument, table, teletype

    archive = _open_zip(data, "ODS")
    if "mimetype" not in archive.namelist() or b"spreadsheet" not in archive.read("mimetype"):
        raise SpreadsheetError("Ce fichier n'est pas un fichier ODS valide.")
    try:
        document = opendocument.load(io.BytesIO(data))
    except Exception:  # odfpy raises many types on a corrupt file
        raise SpreadsheetError("Ce fichier n'est pas un fichier ODS valide.") from None
    sheets = document.spreadsheet.getElementsByType(table.Table)
    if not sheets:
        return
    line = 0
    for row in sheets[0].getElementsByType(table.TableRow):
        cells: list[str] = []
        for cell in row.childNodes:
            if cell.qname[1] not in ("table-cell", "covered-table-cell"):
                continue
            repeat = int(cell.getAttribute("numbercolumnsrepeated") or 1)
            text = _ods_cell_text(cell, teletype)
            # Trailing empty cells are repeated up to the sheet's width: do not expand them.
            cells.extend([text] * (min(repeat, MAX_COLUMNS + 1) if text else min(repeat, 1000)))
            if len(cells) > MAX_COLUMNS * 10:
                break
        row_repeat = int(row.getAttribute("numberrowsrepeated") or 1)
        if not any(c.strip() for c in cells):
            line += row_repeat
            continue
        for _ in range(min(row_repeat, MAX_ROWS + 2)):
            line += 1
            yield line, cells


def _ods_cell_text(cell, teletype) -> str:
    kind = cell.getAttribute("valuetype")
    if kind in ("float", "percentage", "currency"):
        value = cell.getAttribute("value")
        try:
            number = decimal.Decimal(value)
        except decimal.InvalidOperation:
            return value or ""
        return str(int(number)) if number == number.to_integral_value() else str(number)
    if kind == "date":
        return (cell.getAttribute("datevalue") or "").removesuffix("T00:00:00")
    if kind == "boolean":
        return "oui" if cell.getAttribute("booleanvalue") == "true" else "non"
    return "\n".join(teletype.extractText(p) for p in cell.childNodes if p.qname[1] == "p")
