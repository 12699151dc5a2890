"""French alphabetical order, the same on PostgreSQL, SQLite and in Python.

A name is sorted as a French reader looks it up: ``École`` among the E's,
``Île-de-France`` among the I's, ``abbaye`` before ``Bretagne`` (case ignored),
``Œuvre`` as ``oeuvre``. Ties (``ecole`` / ``École``) are broken by accents, then
case, then the text itself, so the order is total and stable.

- PostgreSQL: the ICU collation ``FRENCH`` (locale ``fr``), created by the migration
  ``territoires.0006_french_collation``. It is *deterministic*, so equality, unique
  constraints and ``LIKE`` work as before; only the order changes.
- SQLite: a collation of the same name, registered on every connection
  (``register_sqlite_collation``, wired in ``TerritoiresConfig.ready``), comparing
  ``sort_key``: accents and case stripped first, independent of the machine's locale.
- Python: ``sort_key`` for lists sorted in memory (choices, rows already loaded).

Every ordering by a name goes through ``french(...)`` / ``french_order(...)``:
models' ``Meta.ordering``, tables, selects, exports and the admin.
"""

import functools
import unicodedata
from typing import Any

from django.db.models import Expression, F, OrderBy
from django.db.models.functions import Collate

FRENCH = "fr_natural"
# PostgreSQL's ICU collation; the SQLite side mirrors it with ``sort_key``.
POSTGRESQL_CREATE = (
    f"CREATE COLLATION IF NOT EXISTS \"{FRENCH}\" (provider = icu, locale = 'fr', "
    "deterministic = true)"
)
POSTGRESQL_DROP = f'DROP COLLATION IF EXISTS "{FRENCH}"'

# Letters NFD does not decompose but a French dictionary spells out.
_EXPANSIONS = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


@functools.lru_cache(maxsize=4096)
def sort_key(text: str) -> tuple[str, str, str]:
    """Base letters (no accent, no case), then accents, then the text: ICU's three levels."""
    expanded = (text or "").translate(_EXPANSIONS)
    decomposed = unicodedata.normalize("NFD", expanded)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    # ICU puts lower case first on a tie: swapcase() makes Python's order agree.
    return base, unicodedata.normalize("NFC", expanded).casefold(), (text or "").swapcase()


def _compare(a: str, b: str) -> int:
    key_a, key_b = sort_key(a), sort_key(b)
    return (key_a > key_b) - (key_a < key_b)


def register_sqlite_collation(sender: Any, connection: Any, **kwargs: Any) -> None:
    """``connection_created`` receiver: SQLite learns the ``FRENCH`` collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(FRENCH, _compare)


def french(field: str | Expression) -> Collate:
    """``field`` in French order: ``order_by(french("name"))``."""
    return Collate(F(field) if isinstance(field, str) else field, FRENCH)


def french_order(*fields: str) -> list[OrderBy | str]:
    """An ``order_by`` list: text fields collated in French, ``pk``/``-x``/ids as given.

    ``french_order("name", "pk")``, ``french_order("-name")``; a field name ending in
    ``_id``, ``pk``, ``id`` or ``code`` is not text to collate.
    """
    order: list[OrderBy | str] = []
    for spec in fields:
        name = spec.removeprefix("-")
        if name in ("pk", "id") or name.endswith(("_id", "code", "__pk")):
            order.append(spec)
        else:
            order.append(french(name).desc() if spec.startswith("-") else french(name).asc())
    return order


def sorted_french[T](items: list[T] | Any, key: Any = str) -> list[T]:
    """Items sorted in memory by ``key(item)`` in French order."""
    return sorted(items, key=lambda item: sort_key(key(item)))


def french_column(field: str, description: str) -> Any:
    """An admin ``list_display`` column for a text field that sorts in French order."""

    def column(obj: Any) -> Any:
        return getattr(obj, field)

    column.short_description = description  # type: ignore[attr-defined]
    column.admin_order_field = french(field)  # type: ignore[attr-defined]
    column.__name__ = field
    return column
