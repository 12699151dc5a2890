"""Writing tables: CSV (UTF-8 with BOM, ';'), XLSX and ODS, row by row.

``export_response(fmt, filename, headers, rows)``: CSV streams row by row; XLSX and
ODS are written row by row into a spooled temporary file. Text that a spreadsheet
would evaluate as a formula is neutralised: prefixed with an apostrophe in CSV
(which has no cell types), written as a typed text cell in XLSX and ODS so it is
shown, never evaluated.

XLSX sheets are made to be worked in: header row in bold and frozen, an auto-filter
over the table, column widths fitted to the headers and the first rows (or given),
drop-down lists for coded columns (``SheetColumn.choices``, read from a hidden
« Listes » sheet) and, when given, an « Instructions » sheet in French. Dates are
date cells shown ``30/11/2026`` (``30/11/2026 12:02`` with a time, Paris time);
CSV writes them the same way, as text.
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
from dataclasses import dataclass, field
from typing import IO, Any
from xml.sax.saxutils import escape as xml_escape

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone


@dataclass(frozen=True)
class SheetColumn:
    """How an XLSX column is shown: its width (characters; None: fitted) and, for a coded
    column, the accepted values offered as a drop-down list."""

    width: float | None = None
    choices: Sequence[str] = field(default_factory=tuple)


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


def _writer() -> Any:
    # One per use: a writer keeps the line it is building (threads share the module).
    return csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")


def csv_header(headers: Sequence[str]) -> str:
    """The first line of ``csv_rows``: the BOM, then the column names."""
    return "\ufeff" + _writer().writerow([neutralise(h) for h in headers])


def csv_rows(headers: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """CSV lines as French spreadsheet software expects them: BOM, ';', CRLF."""
    writer = _writer()
    yield csv_header(headers)
    formula_first = _FORMULA_FIRST
    for row in rows:
        # Numbers and plain text as they are, without a call each (most cells of a
        # 90,000-row export); _csv_cell for the rest.
        yield writer.writerow(
            [
                cell
                if (kind := type(cell)) is int or (kind is str and cell[:1] not in formula_first)
                else _csv_cell(cell)
                for cell in row
            ]
        )


def csv_fields(cells: Sequence) -> str:
    """``cells`` as a line of ``csv_rows`` holds them, without the line's end: a run of
    consecutive cells, to be joined with the line's other runs by ';'. An exporter whose
    rows repeat runs (coded columns) writes each distinct run once."""
    line = _writer().writerow([_csv_cell(cell) for cell in cells])
    # A line of one empty field is written '""' (so as not to read as no field at all);
    # within a longer line the field is empty.
    return "" if line == '""\r\n' else line[:-2]


def csv_text_sql(expression: str) -> str:
    """SQL (PostgreSQL) giving the text ``expression`` as ``csv_fields`` writes a str
    cell: neutralised (``FORMULA_PREFIXES``), then quoted as the csv module's minimal
    quoting does (a ';', a quote, CR or LF). For a dataset whose lines PostgreSQL writes
    (``reporting.exports``); a test holds both writings equal on hostile text.
    ``expression`` is a text that is never NULL (COALESCE it)."""
    firsts = ", ".join(f"chr({ord(prefix)})" for prefix in FORMULA_PREFIXES)
    quote = "chr(34)"
    neutral = (
        f"(CASE WHEN left({expression}, 1) IN ({firsts}) "
        f"THEN chr(39) || {expression} ELSE {expression} END)"
    )
    # The delimiter, the quote, CR and LF, written as chr() (the planner folds them) so
    # the SQL holds no quote or percent sign of its own; strpos, not a regular
    # expression: the text is scanned four times, but a regular expression a cell costs
    # more.
    special = " OR ".join(f"strpos({expression}, chr({ord(c)})) > 0" for c in ';"\r\n')
    return (
        f"(CASE WHEN {special} THEN {quote} || replace({neutral}, {quote}, {quote} || {quote})"
        f" || {quote} ELSE {neutral} END)"
    )


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
        return french_date(value)
    return neutralise(str(value))


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def french_date(value: dt.date) -> str:
    """``30/11/2026``, or ``30/11/2026 12:02`` (Paris time) for a date and time."""
    if isinstance(value, dt.datetime):
        return _local(value).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


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


_EPOCH = dt.datetime(1899, 12, 30)  # day 0 of spreadsheet serial dates
# Cell styles of styles.xml: 0 normal, 1 header (bold), 2 date, 3 date and time.
_HEADER, _DATE, _DATETIME = 1, 2, 3


def _serial(value: dt.date) -> str:
    if isinstance(value, dt.datetime):
        delta = _local(value).replace(tzinfo=None) - _EPOCH
        return f"{delta.days + delta.seconds / 86400:.10f}"
    return str((value - _EPOCH.date()).days)


def _xlsx_cell(ref: str, value: object, style: int = 0) -> str:
    value = _plain(value)
    if _is_number(value):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, dt.date):
        kind = _DATETIME if isinstance(value, dt.datetime) else _DATE
        return f'<c r="{ref}" s="{kind}"><v>{_serial(value)}</v></c>'
    styled = f' s="{style}"' if style else ""
    return (
        f'<c r="{ref}"{styled} t="inlineStr"><is><t xml:space="preserve">'
        f"{_xml_text(value)}</t></is></c>"
    )


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_STYLES = (
    _XML_HEAD + f'<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    "</cellStyleXfs>"
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
LISTS_SHEET = "Listes"
INSTRUCTIONS_SHEET = "Instructions"
# Rows a drop-down list covers below the data: room to add lines to a template.
_VALIDATED_ROWS = 1000
_MIN_WIDTH, _MAX_WIDTH = 8, 60
_SAMPLED_ROWS = 100


def _width(header: str, sample: list[Sequence], index: int, given: float | None) -> float:
    if given is not None:
        return given
    longest = len(str(header)) + 3  # room for the filter button
    for values in sample:
        if index < len(values):
            value = _plain(values[index])
            text = french_date(value) if isinstance(value, dt.date) else str(value)
            longest = max(longest, len(text) + 1)
    return float(min(max(longest, _MIN_WIDTH), _MAX_WIDTH))


def _sheet_xml_start(widths: Sequence[float], frozen: bool) -> str:
    views = (
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        if frozen
        else '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
    )
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{w:.1f}" customWidth="1"/>'
        for i, w in enumerate(widths, start=1)
    )
    return (
        _XML_HEAD
        + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        + views
        + (f"<cols>{cols}</cols>" if cols else "")
        + "<sheetData>"
    )


def _write_rows(sheet: IO[str], rows: Iterable[Sequence], header_style: bool) -> tuple[int, int]:
    """Rows as XML; the first in bold when ``header_style``. Returns (rows, columns) written."""
    letters: list[str] = []
    number = 0
    for number, values in enumerate(rows, start=1):
        while len(letters) < len(values):
            letters.append(_column_letter(len(letters)))
        style = _HEADER if header_style and number == 1 else 0
        cells = "".join(_xlsx_cell(f"{letters[i]}{number}", v, style) for i, v in enumerate(values))
        sheet.write(f'<row r="{number}">{cells}</row>')
    return number, len(letters)


def write_xlsx(
    output: IO[bytes],
    headers: Sequence[str],
    rows: Iterable[Sequence],
    title: str = "Export",
    *,
    columns: Sequence[SheetColumn | None] | None = None,
    instructions: Sequence[str] = (),
) -> None:
    """The table on a first sheet (the one an import reads), then « Instructions » if
    given, then the hidden « Listes » sheet that the drop-down lists read."""
    columns = list(columns or [])
    columns += [None] * (len(headers) - len(columns))
    rows = iter(rows)
    sample = list(itertools.islice(rows, _SAMPLED_ROWS))
    widths = [
        _width(h, sample, i, getattr(columns[i], "width", None)) for i, h in enumerate(headers)
    ]
    coded = [(i, list(c.choices)) for i, c in enumerate(columns) if c and c.choices]
    sheets = [title[:31] or "Export"]
    if instructions:
        sheets.append(INSTRUCTIONS_SHEET)
    if coded:
        sheets.append(LISTS_SHEET)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_SHEET_TYPE}"/>'
            for n in range(1, len(sheets) + 1)
        )
        archive.writestr(
            "[Content_Types].xml",
            _XML_HEAD
            + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + overrides
            + '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            _XML_HEAD + f'<Relationships xmlns="{_PACKAGE_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        sheet_rels = "".join(
            f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(sheets) + 1)
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            _XML_HEAD
            + f'<Relationships xmlns="{_PACKAGE_REL}">'
            + sheet_rels
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL}/styles" '
            'Target="styles.xml"/></Relationships>',
        )
        archive.writestr("xl/styles.xml", _STYLES)

        with archive.open("xl/worksheets/sheet1.xml", "w") as raw:
            sheet = io.TextIOWrapper(raw, encoding="utf-8")
            sheet.write(_sheet_xml_start(widths, frozen=True))
            last_row, last_column = _write_rows(
                sheet, itertools.chain([headers], sample, rows), header_style=True
            )
            sheet.write("</sheetData>")
            last_letter = _column_letter(max(last_column, len(headers), 1) - 1)
            table_range = f"A1:{last_letter}{last_row}"
            sheet.write(f'<autoFilter ref="{table_range}"/>')
            if coded:
                bottom = max(last_row, 1) + _VALIDATED_ROWS
                validations = []
                for list_column, (index, choices) in enumerate(coded):
                    letter, source = _column_letter(index), _column_letter(list_column)
                    validations.append(
                        '<dataValidation type="list" allowBlank="1" showErrorMessage="1" '
                        'errorTitle="Valeur non reconnue" '
                        'error="Choisissez une valeur de la liste déroulante." '
                        f'sqref="{letter}2:{letter}{bottom}">'
                        f"<formula1>{LISTS_SHEET}!${source}$2:${source}${len(choices) + 1}"
                        "</formula1></dataValidation>"
                    )
                sheet.write(
                    f'<dataValidations count="{len(validations)}">'
                    + "".join(validations)
                    + "</dataValidations>"
                )
            sheet.write("</worksheet>")
            sheet.flush()
            sheet.detach()

        number = 2
        if instructions:
            text = io.StringIO()
            text.write(_sheet_xml_start([100.0], frozen=False))
            _write_rows(text, ([line] for line in instructions), header_style=True)
            text.write("</sheetData></worksheet>")
            archive.writestr(f"xl/worksheets/sheet{number}.xml", text.getvalue())
            number += 1
        if coded:
            lists = io.StringIO()
            lists.write(_sheet_xml_start([30.0] * len(coded), frozen=False))
            list_headers = [headers[index] for index, _ in coded]
            longest = max(len(choices) for _, choices in coded)
            list_rows = [
                [choices[r] if r < len(choices) else "" for _, choices in coded]
                for r in range(longest)
            ]
            _write_rows(lists, [list_headers, *list_rows], header_style=True)
            lists.write("</sheetData></worksheet>")
            archive.writestr(f"xl/worksheets/sheet{number}.xml", lists.getvalue())

        sheet_entries = "".join(
            f'<sheet name="{_xml_text(name)}" sheetId="{n}" r:id="rId{n}"'
            + (' state="hidden"' if name == LISTS_SHEET and n > 1 else "")
            + "/>"
            for n, name in enumerate(sheets, start=1)
        )
        archive.writestr(
            "xl/workbook.xml",
            _XML_HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            f"<sheets>{sheet_entries}</sheets>"
            '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" '
            f'hidden="1">{_quoted_sheet(sheets[0])}!$A$1:${last_letter}${last_row}'
            "</definedName></definedNames></workbook>",
        )


def _quoted_sheet(name: str) -> str:
    return "'" + _xml_text(name.replace("'", "''")) + "'"


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


def xlsx_bytes(
    headers: Sequence[str],
    rows: Iterable[Sequence],
    title: str = "Export",
    *,
    columns: Sequence[SheetColumn | None] | None = None,
    instructions: Sequence[str] = (),
) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, headers, rows, title, columns=columns, instructions=instructions)
    return buffer.getvalue()


def ods_bytes(headers: Sequence[str], rows: Iterable[Sequence], title: str = "Export") -> bytes:
    buffer = io.BytesIO()
    write_ods(buffer, headers, rows, title)
    return buffer.getvalue()


def export_response(
    fmt: str,
    filename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    columns: Sequence[SheetColumn | None] | None = None,
    instructions: Sequence[str] = (),
    title: str = "Export",
    csv_lines: Iterable[str] | None = None,
) -> StreamingHttpResponse:
    """An attachment response; ``filename`` has no extension. ``columns``, ``instructions``
    and ``title`` shape the XLSX file (see ``write_xlsx``); CSV and ODS ignore them.
    ``csv_lines``: the CSV file's lines already written (``csv_rows``' text), for CSV."""
    if fmt == "csv":
        lines = csv_rows(headers, rows) if csv_lines is None else iter(csv_lines)
        response = StreamingHttpResponse(
            _reporting_failure(lines, filename),
            content_type=CONTENT_TYPES["csv"],
        )
    elif fmt in ("xlsx", "ods"):
        # A zip cannot be streamed before it is complete; spill to disk past a few MB.
        output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
        if fmt == "xlsx":
            write_xlsx(output, headers, rows, title, columns=columns, instructions=instructions)
        else:
            write_ods(output, headers, rows, title)
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
