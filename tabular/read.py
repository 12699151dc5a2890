"""Reading tables: ``read_table(data, filename)`` returns the header row and the data
rows (with their line numbers) as strings, whatever the format (CSV, XLSX, ODS) and
the encoding; a file that cannot be read raises ``SpreadsheetError`` (French message).
"""

import csv
import datetime as dt
import decimal
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

# Guards against decompression bombs hidden in XLSX/ODS uploads.
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 200


class SpreadsheetError(ValueError):
    """A file that cannot be read as a table; the message is for the user (French)."""


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
    best = max(counts, key=counts.__getitem__)
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


def _cell_text(value: object) -> str:
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


def _ods_row_cells(row: "Element") -> list[str]:
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


def _ods_cell_value(cell: "Element") -> str:
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


def _ods_paragraph(paragraph: "Element") -> str:
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
