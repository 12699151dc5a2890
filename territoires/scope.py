"""The one territorial scope helper behind every ``visible_to`` / ``editable_by``.

Read wide, write narrow (DOMAIN.md):
- an officer reads their department and what their DLA owns, and writes what
  their DLA owns (plus, for models that allow it, records of their department);
- a coordinator reads their region and writes what their regional DLA owns;
- a national operator reads everything and writes only reference data;
- an admin reads and writes everything (corrections);
- anyone else (anonymous, no DLA) sees nothing.

Models describe where their territory lives with ``ScopeFields`` and get
``visible_to`` / ``editable_by`` from ``ScopedQuerySet``.
"""

from dataclasses import dataclass

from django.db import models
from django.db.models import Q

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class ScopeFields:
    """Lookups from a model to its region, department and owning DLA."""

    region: str
    departement: str
    dla: str | None = None
    # Officers may also write records of their department (not only their DLA's).
    officer_writes_departement: bool = False


def _role(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.role


def _match(model, lookup: str | None, value) -> Q:
    """``lookup == value``; through a to-many relation, a semi-join so rows never repeat."""
    if not lookup:
        return NOTHING
    if _crosses_many(model, lookup):
        return Q(pk__in=model._base_manager.filter(**{lookup: value}).values("pk"))
    return Q(**{lookup: value})


def read_q(user, model, fields: ScopeFields) -> Q:
    role = _role(user)
    if role in {"national", "admin"}:
        return Q()
    if role is None or user.dla_id is None:
        return NOTHING
    owned = _match(model, fields.dla, user.dla_id)
    if role == "coordinator":
        return _match(model, fields.region, user.dla.region_id) | owned
    if role == "officer":
        return _match(model, fields.departement, user.dla.departement_id) | owned
    return NOTHING


def write_q(user, model, fields: ScopeFields) -> Q:
    role = _role(user)
    if role == "admin":
        return Q()
    if role not in {"officer", "coordinator"} or user.dla_id is None:
        return NOTHING
    owned = _match(model, fields.dla, user.dla_id)
    if role == "officer" and fields.officer_writes_departement:
        return owned | _match(model, fields.departement, user.dla.departement_id)
    return owned


class ScopedQuerySet(models.QuerySet):
    scope_fields: ScopeFields

    def visible_to(self, user):
        return self.filter(read_q(user, self.model, self.scope_fields))

    def editable_by(self, user):
        return self.filter(write_q(user, self.model, self.scope_fields))


def _crosses_many(model, lookup: str) -> bool:
    for part in lookup.split("__"):
        field = model._meta.get_field(part)
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False
