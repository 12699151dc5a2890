"""The one territorial scope helper behind every ``visible_to`` / ``editable_by``.

Read wide, write narrow (DOMAIN.md):
- an officer reads their department and what their DLA owns, and writes what
  their DLA owns (plus, for models that allow it, records of their department);
- a coordinator reads their region and writes what their regional DLA owns;
- a national operator reads everything and writes only reference data;
- an admin reads and writes everything (corrections);
- a funder reads only the rows its funding body funds (``financeur`` lookup), a
  resource centre only those shared with it (``centre`` lookup); neither writes;
- anyone else (anonymous, no DLA) sees nothing.

Who reaches which territory is asked of ``territoires.policy``; this module turns
the answers into filters. Models describe where their territory lives with ``ScopeFields`` and get
``visible_to`` / ``editable_by`` from ``ScopedQuerySet``.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Self

from django.db import models
from django.db.models import BooleanField, Exists, Expression, F, OuterRef, Q, Subquery

from . import policy

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class ScopeFields:
    """Lookups from a model to its region, department and owning DLA."""

    region: str
    departement: str
    dla: str | None = None
    # Officers may also write records of their department (not only their DLA's).
    officer_writes_departement: bool = False
    # Lookup to the funding bodies (territoires.Financeur) that fund the row: what a
    # funder reads. None: funders read none of these rows.
    financeur: str | None = None
    # Lookup to the resource centres (territoires.CentreRessources) the row is shared
    # with, by the structure's consent: what a CRDLA reads. None: none of these rows.
    centre: str | None = None


def _match(model: type[models.Model], lookup: str | None, value: object) -> Q:
    """``lookup == value``, as ``EXISTS`` on the first relation the lookup crosses.

    Rows never repeat (a to-many relation is not joined), and ORed with the DLA's own
    rows PostgreSQL picks per query between probing the relation row by row (a person's
    ten tasks: 0.2 ms) and reading its key set once into a hash (an officer's case list
    walking its ordering index: 7 ms). A join made it probe row by row in every case
    (45 ms for that list); ``IN (subquery)`` made it hash in every case (18 ms for the
    ten tasks).
    """
    if not lookup:
        return NOTHING
    first, _, rest = lookup.partition("__")
    if not rest:
        return Q(**{lookup: value})
    field = model._meta.get_field(first)
    related = field.related_model
    if related is None or isinstance(related, str):
        return Q(**{lookup: value})
    keys = None
    if (
        isinstance(field, models.ForeignKey)
        and field.many_to_one
        and field.target_field.primary_key
    ):
        rows = related._base_manager.filter(pk=OuterRef(field.attname))
    elif (
        isinstance(field, models.ManyToOneRel)
        and field.one_to_many
        and field.field.target_field.primary_key  # the foreign key pointing here
    ):
        rows = related._base_manager.filter(**{field.field.attname: OuterRef("pk")})
        if "__" not in rest:
            # A column of the related rows (a structure's cases of one DLA): the same
            # condition also as their keys read once (``_InKeys``), which PostgreSQL can
            # OR with an index of this table; EXISTS, written first, then filters the
            # rows an ordered walk reads at the cost of a hash probe each.
            related_keys = related._base_manager.filter(**{rest: value}).order_by()
            keys = Q(_InKeys(F("pk"), Subquery(related_keys.values(field.field.attname))))
    elif _crosses_many(model, lookup):
        # A many-to-many path (an ingénierie's cases' structures): EXISTS over this
        # table's own row joined along it, correlated on its key. ``pk IN (subquery)``
        # hashed every matching key first, even for a page reading one row by its key
        # (an ingénierie at 3× the national data: 29 ms for the department's 1,454).
        rows = model._base_manager.filter(pk=OuterRef("pk"), **{lookup: value})
        return Q(Exists(rows.order_by()))
    else:
        return Q(**{lookup: value})
    exists = Q(Exists(rows.filter(_match(related, rest, value))))
    return exists if keys is None else exists & keys


class _InKeys(Expression):
    """``column = ANY(ARRAY(subquery))``: the subquery runs once, before the scan, and
    its keys are probed through an index; ORed with another indexed condition, a
    ``BitmapOr`` of the two. ``EXISTS`` there read the whole table (an officer's
    structure list: a 26 ms sequential scan of 42,000 structures for 598, 4.5 ms this
    way). ``IN (subquery)`` elsewhere (SQLite has no arrays)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: F, keys: Subquery):
        super().__init__()
        self.column, self.keys = column, keys

    def get_source_expressions(self) -> list[Any]:
        return [self.column, self.keys]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.column, self.keys = exprs

    def as_sql(self, compiler: Any, connection: Any, array: bool = False) -> tuple[str, tuple]:
        column_sql, column_params = compiler.compile(self.column)
        keys_sql, keys_params = compiler.compile(self.keys)
        sql = f"{column_sql} = ANY(ARRAY{keys_sql})" if array else f"{column_sql} IN {keys_sql}"
        return sql, (*column_params, *keys_params)

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple]:
        return self.as_sql(compiler, connection, array=True)


def read_q(user: Any, model: type[models.Model], fields: ScopeFields) -> Q:
    if policy.reads_everything(user):
        return Q()
    if (financeur_id := policy.financeur_id(user)) is not None:
        return _match(model, fields.financeur, financeur_id)
    if (centre_id := policy.resource_centre_id(user)) is not None:
        return _match(model, fields.centre, centre_id)
    dla_id = policy.member_dla_id(user)
    if dla_id is None:
        return NOTHING
    owned = _match(model, fields.dla, dla_id)
    if (region_id := policy.read_region_id(user)) is not None:
        return _match(model, fields.region, region_id) | owned
    if (departement_id := policy.read_departement_id(user)) is not None:
        return _match(model, fields.departement, departement_id) | owned
    return owned


def write_q(user: Any, model: type[models.Model], fields: ScopeFields) -> Q:
    if policy.writes_everything(user):
        return Q()
    dla_id = policy.member_dla_id(user)
    if dla_id is None:
        return NOTHING
    owned = _match(model, fields.dla, dla_id)
    departement_id = policy.write_departement_id(user)
    if fields.officer_writes_departement and departement_id is not None:
        # The department first: a record of it is decided without the DLA's keys.
        return _match(model, fields.departement, departement_id) | owned
    return owned


class ScopedQuerySet[M: models.Model](models.QuerySet[M]):
    scope_fields: ScopeFields

    def visible_to(self, user: Any) -> Self:
        return self.filter(read_q(user, self.model, self.scope_fields))

    def editable_by(self, user: Any) -> Self:
        return self.filter(write_q(user, self.model, self.scope_fields))


def _crosses_many(model: type[models.Model] | Any, lookup: str) -> bool:
    for part in lookup.split("__"):
        field = model._meta.get_field(part)
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False
