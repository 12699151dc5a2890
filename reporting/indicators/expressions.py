"""Database expressions the indicators need on both SQLite and PostgreSQL."""

import statistics
from typing import TYPE_CHECKING, Any

from django.db.backends.signals import connection_created
from django.db.models import Aggregate, FloatField, Func

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType


class Median(Aggregate):
    """Median of an expression: PostgreSQL ``percentile_cont``, a registered SQLite aggregate."""

    function = "DLA_MEDIAN"
    name = "Median"
    output_field = FloatField()
    allow_distinct = False

    def as_sqlite(
        self, compiler: "SQLCompiler", connection: "BaseDatabaseWrapper", **extra_context: Any
    ) -> "_AsSqlType":
        # Also covers connections opened before this module was imported.
        _register(connection)
        return self.as_sql(compiler, connection, **extra_context)

    def as_postgresql(
        self, compiler: "SQLCompiler", connection: "BaseDatabaseWrapper", **extra_context: Any
    ) -> "_AsSqlType":
        return self.as_sql(
            compiler,
            connection,
            template="percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s",
            **extra_context,
        )


class DaysBetween(Func):
    """``end - start`` in days (fractional), for dates and datetimes alike."""

    arity = 2
    output_field = FloatField()

    def as_sqlite(
        self, compiler: "SQLCompiler", connection: "BaseDatabaseWrapper", **extra_context: Any
    ) -> "_AsSqlType":
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra_context,
        )

    def as_postgresql(
        self, compiler: "SQLCompiler", connection: "BaseDatabaseWrapper", **extra_context: Any
    ) -> "_AsSqlType":
        return self.as_sql(
            compiler,
            connection,
            template=(
                "CAST(EXTRACT(EPOCH FROM (CAST(%(expressions)s AS timestamp))) / 86400.0 "
                "AS double precision)"
            ),
            arg_joiner=" AS timestamp) - CAST(",
            **extra_context,
        )


class _SqliteMedian:
    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: float | None) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        return statistics.median(self.values) if self.values else None


def _register(connection: "BaseDatabaseWrapper") -> None:
    connection.ensure_connection()
    connection.connection.create_aggregate("DLA_MEDIAN", 1, _SqliteMedian)


def register_sqlite_functions(
    sender: object, connection: "BaseDatabaseWrapper", **kwargs: Any
) -> None:
    # SQLite has no median: register one, as Django registers its own SQLite functions.
    if connection.vendor == "sqlite":
        _register(connection)


connection_created.connect(register_sqlite_functions)
