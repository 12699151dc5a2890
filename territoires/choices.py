"""Territories as form choices: plain ``(pk, label)`` pairs read with ``values_list``.

A ``ModelChoiceField`` builds a model instance per option (and on PostgreSQL iterates a
server-side cursor) on every render: for a filter offering 101 departments, a few hundred
objects per list page. The labels are those of the models' ``__str__``.
"""

from django.db.models import QuerySet

from .models import Departement


def departement_choices(departements: QuerySet[Departement] | None = None) -> list[tuple[str, str]]:
    """``(pk, "35 – Ille-et-Vilaine")`` for ``departements`` (default: all), by code."""
    departements = Departement.objects.all() if departements is None else departements
    rows = departements.order_by("code").values_list("pk", "code", "name")
    return [(str(pk), f"{code} – {name}") for pk, code, name in rows]
