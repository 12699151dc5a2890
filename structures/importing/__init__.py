"""Spreadsheet import of structures: parse, plan (validate every row), then apply.

All or nothing: ``plan_import`` reads the whole file and reports every bad row
(line, column, reason in French); ``apply_import`` writes only a plan without
errors, in one transaction. Rows are matched to existing structures by SIRET,
then by RNA, so importing the same file twice updates instead of duplicating.

Shared by the ``import_structures`` command and the web import.
"""

from .columns import (
    COLUMNS,
    FIELDS,
    HEADERS,
    export_instructions,
    export_rows,
    sheet_columns,
    template_instructions,
    template_rows,
)
from .plan import (
    ImportConflict,
    ImportPlan,
    ImportResult,
    PlannedRow,
    RowError,
    apply_import,
    plan_import,
)

__all__ = [
    "COLUMNS",
    "FIELDS",
    "HEADERS",
    "ImportConflict",
    "ImportPlan",
    "ImportResult",
    "PlannedRow",
    "RowError",
    "apply_import",
    "export_instructions",
    "export_rows",
    "plan_import",
    "sheet_columns",
    "template_instructions",
    "template_rows",
]
