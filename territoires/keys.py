"""A column among many values read earlier, sent as one parameter whatever their number.

``filter(siret__in=[...])`` sends one parameter per value: psycopg and Django then
parse and adapt a statement of thousands of placeholders (the 10,000 SIRETs of an
import: a fifth of a second of Python), and SQLite caps their number.
"""

import json
from collections.abc import Collection, Sequence
from typing import Any

from django.db.models import BooleanField, Expression, F


class InKeys(Expression):
    """``column`` is one of ``keys``: ``= ANY(%s)`` (an array) on PostgreSQL, ``IN
    (SELECT value FROM json_each(%s))`` on SQLite."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: F, keys: Collection[int | str]):
        super().__init__()
        self.column, self.keys = column, list(keys)

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.column,) = exprs

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, tuple]:
        column_sql, params = compiler.compile(self.column)
        return (
            f"{column_sql} IN (SELECT value FROM json_each(%s))",
            (*params, json.dumps(self.keys)),
        )

    def as_postgresql(
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, tuple]:
        column_sql, params = compiler.compile(self.column)
        return f"{column_sql} = ANY(%s)", (*params, self.keys)
