"""The import's bulk writes: rows by COPY (PostgreSQL), history records in bulk.

simple-history's ``bulk_create_with_history`` builds each history record as a model
instance and Django compiles every row of both tables into SQL: about 2 s of Python
for 10,000 structures; ``bulk_update`` is far worse (a ``CASE`` of the whole batch for
each field). Here PostgreSQL's ``COPY`` loads the rows (psycopg formats them in C):
new rows straight into their table, updated rows into a temporary table that one
``UPDATE … FROM`` reads. The history records are copied by the database from the rows
just written, in one ``INSERT … SELECT``: the records ``bulk_history_create`` writes
(every tracked field, the date, the user, no change reason, the type). Other
databases (SQLite in development and tests) take Django's bulk methods.
"""

import contextlib
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.db.backends.utils import CursorDebugWrapper
from simple_history.utils import get_history_manager_for_model

from territoires.policy import Actor

# Fields whose Python value PostgreSQL's COPY takes as it is (psycopg adapts it). Any
# other kind of field would need Django's conversion: refused rather than misrecorded.
_PLAIN_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.BooleanField,
    models.CharField,
    models.DateField,  # DateTimeField too
    models.DecimalField,
    models.ForeignKey,
    models.IntegerField,  # and its positive, small and big forms
    models.TextField,
)


def insert_rows(objs: Sequence[models.Model], batch_size: int = 500) -> None:
    """Insert new rows of one model and set their primary keys.

    PostgreSQL: the keys are drawn from the table's sequence, then one ``COPY`` (a
    duplicate key raises ``IntegrityError``, as an ``INSERT`` does). Other databases
    (SQLite in development and tests): ``bulk_create`` in batches. The caller sets
    ``auto_now`` fields: the rows are written as they are."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        return
    meta = model._meta
    pk = _pk(model)
    fields = [pk, *(f for f in meta.concrete_fields if not f.primary_key)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s) ORDER BY 1",
            [meta.db_table, _column(pk), len(objs)],
        )
        for obj, (key,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = key
        with _gin_merged_once(cursor, meta.db_table):
            _copy(cursor, meta.db_table, fields, objs)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def update_rows(objs: Sequence[models.Model], names: Sequence[str], batch_size: int = 500) -> None:
    """Write the fields ``names`` of existing rows of one model.

    PostgreSQL: one ``COPY`` into a temporary table, then one ``UPDATE … FROM`` it.
    Django's ``bulk_update`` writes a ``CASE`` of every row of the batch for every
    field, which PostgreSQL evaluates for every row: 10,000 updated structures took
    87 s. Other databases: ``bulk_update`` in batches."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(objs, names, batch_size=batch_size)
        return
    meta = model._meta
    pk = _pk(model)
    fields = [pk, *(_concrete(model, name) for name in names)]
    columns = [quote(_column(f)) for f in fields]
    table, scratch = quote(meta.db_table), quote(f"import_{meta.db_table}")
    assignments = ", ".join(f"{c} = scratch.{c}" for c in columns[1:])
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {scratch} ON COMMIT DROP AS "
            f"SELECT {', '.join(columns)} FROM {table} WITH NO DATA"
        )
        _copy(cursor, f"import_{meta.db_table}", fields, objs)
        with _gin_merged_once(cursor, meta.db_table):
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM {scratch} AS scratch "
                f"WHERE {table}.{columns[0]} = scratch.{columns[0]}"
            )
        cursor.execute(f"DROP TABLE {scratch}")


# A GIN index (the register's trigram search) takes new entries into a pending list,
# merged into the index whenever the list outgrows gin_pending_list_limit (4 MB): three
# or four merges during 10,000 rows, ~0.6 s of the import's writes. One merge of the
# whole list after the statement costs ~0.2 s. The list of an import of 100,000 rows
# (~140 MB) still fits.
_BULK_PENDING_LIST = "256MB"


@contextlib.contextmanager
def _gin_merged_once(cursor: Any, table: str) -> Iterator[None]:
    """Within the block, the table's GIN indexes keep their new entries pending; they
    are merged once after it, so that searches never read a long pending list. Two
    queries, whether or not the table has such an index."""
    # Local to the transaction: an error rolls it back with the rows (a savepoint too).
    cursor.execute(
        "SELECT current_setting('gin_pending_list_limit'), "
        "set_config('gin_pending_list_limit', %s, true), "
        "ARRAY(SELECT index.indexrelid::regclass::text FROM pg_index AS index "
        "JOIN pg_class AS relation ON relation.oid = index.indexrelid "
        "JOIN pg_am AS method ON method.oid = relation.relam "
        "WHERE index.indrelid = %s::regclass AND method.amname = 'gin')",
        [_BULK_PENDING_LIST, table],
    )
    limit, _, indexes = cursor.fetchone()
    yield
    cursor.execute(
        "SELECT set_config('gin_pending_list_limit', %s, true), "
        "(SELECT count(gin_clean_pending_list(name::regclass)) FROM unnest(%s::text[]) AS name)",
        [limit, indexes],
    )


def _copy(cursor: Any, table: str, fields: Sequence[Any], objs: Sequence[models.Model]) -> None:
    """``COPY`` the values of ``fields`` of ``objs`` into ``table`` (PostgreSQL)."""
    for f in fields:
        if not isinstance(f, _PLAIN_FIELDS):
            raise ImproperlyConfigured(f"cannot copy {f!r} without converting it.")
    columns = ", ".join(quote(_column(f)) for f in fields)
    statement = f"COPY {quote(table)} ({columns}) FROM STDIN"
    attnames = [f.attname for f in fields]
    # The raw psycopg cursor: Django's wrapper has no copy(). Its errors are translated
    # (IntegrityError) as Django's are, and it is logged as a query when queries are.
    logged = (
        cursor.debug_sql(statement)
        if isinstance(cursor, CursorDebugWrapper)
        else contextlib.nullcontext()
    )
    with logged, connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
        for obj in objs:
            copy.write_row([getattr(obj, name) for name in attnames])


def record_history(
    model: type[models.Model],
    pks: Sequence[int],
    history_type: str,
    *,
    user: Actor | None,
    date: datetime,
) -> None:
    """One history record per row of ``pks``, copied by the database from the row as it
    now is: ``history_type`` "+" after a creation, "~" after an update; ``user`` None
    for nobody. Does nothing when simple-history is disabled, as simple-history does."""
    if not pks or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = get_history_manager_for_model(model).model
    meta = model._meta
    pk = _pk(model)
    # A history record's fields: copies of the model's (tracked) fields, and its own.
    copied = {f.attname: _column(f) for f in meta.concrete_fields}
    own = {
        "history_date": connection.ops.adapt_datetimefield_value(date),
        "history_change_reason": None,
        "history_type": history_type,
        "history_user_id": user.pk if user is not None else None,
    }
    targets, sources, constants = [], [], []
    for f in history._meta.concrete_fields:
        if f.primary_key:
            continue
        if f.attname in own:
            sources.append("%s")
            constants.append(own[f.attname])
        elif f.attname in copied:
            sources.append(quote(copied[f.attname]))
        else:
            raise ImproperlyConfigured(f"record_history does not know how to fill {f!r}.")
        targets.append(quote(_column(f)))
    prefix = (
        f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(targets)}) "
        f"SELECT {', '.join(sources)} FROM {quote(meta.db_table)} "
    )
    order = f" ORDER BY {quote(_column(pk))}"
    with connection.cursor() as cursor:
        for where, params in _where_pk_in(quote(_column(pk)), pks, len(constants)):
            cursor.execute(prefix + where + order, [*constants, *params])


def _where_pk_in(
    column: str, pks: Sequence[int], other_params: int
) -> Iterator[tuple[str, list[Any]]]:
    """``WHERE`` clauses selecting ``pks``: one array on PostgreSQL, else ``IN`` lists
    within the database's limit of parameters per query."""
    if connection.vendor == "postgresql":
        yield f"WHERE {column} = ANY(%s)", [list(pks)]
        return
    limit = connection.features.max_query_params
    size = limit - other_params if limit else len(pks)
    for start in range(0, len(pks), size):
        chunk = list(pks[start : start + size])
        yield f"WHERE {column} IN ({', '.join(['%s'] * len(chunk))})", chunk


def _column(field: "models.Field[Any, Any]") -> str:
    assert field.column is not None  # concrete fields have one
    return field.column


def _pk(model: type[models.Model]) -> "models.Field[Any, Any]":
    pk = model._meta.pk
    assert pk is not None  # a concrete model always has one
    return pk


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _concrete(model: type[models.Model], name: str) -> "models.Field[Any, Any]":
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.concrete:
        raise ImproperlyConfigured(f"{name!r} is not a column of {model.__name__}.")
    return field
