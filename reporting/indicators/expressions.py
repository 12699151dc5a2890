"""Database expressions the indicators need on both SQLite and PostgreSQL."""

import statistics

from django.db.backends.signals import connection_created
from django.db.models import Aggregate, FloatField, Func


class Median(Aggregate):
    """Median of an expression: PostgreSQL ``percentile_cont``, a registered SQLite aggregate."""

    function = "DLA_MEDIAN"
    name = "Median"
    output_field = FloatField()
    allow_distinct = False

    def as_sqlite(self, compiler, connection, **extra_context):
        # Also covers connections opened before this module was imported.
        _register(connection)
        return self.as_sql(compiler, connection, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
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

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra_context,
        )

    def as_postgresql(self, compiler, connection, **extra_context):
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
    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return statistics.median(self.values) if self.values else None


def _register(connection):
    connection.ensure_connection()
    connection.connection.create_aggregate("DLA_MEDIAN", 1, _SqliteMedian)


def register_sqlite_functions(sender, connection, **kwargs):
    # SQLite has no median: register one, as Django registers its own SQLite functions.
    if connection.vendor == "sqlite":
        _register(connection)


connection_created.connect(register_sqlite_functions)
