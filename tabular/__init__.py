"""Tabular files in and out: CSV (UTF-8 with BOM, ';'), XLSX and ODS.

A library, not an app: it knows nothing of the apps' models. Shared by the
structure register (export, import, template) and the national statistics exports.

Writing (``write``): ``export_response(fmt, filename, headers, rows)``, ``csv_rows``
(``csv_header`` and ``csv_fields`` for a line joined from runs of cells, ``csv_text_sql``
for a text cell PostgreSQL writes),
``xlsx_bytes``, ``ods_bytes``; formulas are neutralised, never evaluated.
Reading (``read``): ``read_table(data, filename)`` gives headers and numbered rows as
strings, whatever the format and encoding, or raises ``SpreadsheetError``.
"""

from .read import MAX_COLUMNS, MAX_ROWS, SpreadsheetError, Table, read_table
from .write import (
    CONTENT_TYPES,
    FORMATS,
    SheetColumn,
    csv_fields,
    csv_header,
    csv_rows,
    csv_text_sql,
    export_response,
    french_date,
    neutralise,
    ods_bytes,
    write_ods,
    write_xlsx,
    xlsx_bytes,
)

__all__ = [
    "CONTENT_TYPES",
    "FORMATS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "SheetColumn",
    "SpreadsheetError",
    "Table",
    "csv_fields",
    "csv_header",
    "csv_rows",
    "csv_text_sql",
    "export_response",
    "french_date",
    "neutralise",
    "ods_bytes",
    "read_table",
    "write_ods",
    "write_xlsx",
    "xlsx_bytes",
]
