"""Form fields whose integers are checked against the column's range before any query.

Django checks a single choice (``pk = 10**20`` finds nothing) but sends a list of
choices to the database as ``pk IN (...)``: a number past the column's range
raises there (``OverflowError`` on SQLite, "bigint out of range" on PostgreSQL)
instead of giving the form's "not a valid value" message.
"""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db import connections, models
from django.db.models import QuerySet


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value: Sequence[Any]) -> QuerySet[Any]:
        queryset = self.queryset
        assert queryset is not None, "the form sets the queryset before it is cleaned"
        meta = queryset.model._meta
        key = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        if isinstance(key, models.IntegerField):
            ops = connections[queryset.db].ops
            low, high = ops.integer_field_range(key.get_internal_type())
            for item in value:
                if not _integer_within(item, low, high):
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": item},
                    )
        return super()._check_values(value)  # type: ignore[misc]


def _integer_within(raw: object, low: int | None, high: int | None) -> bool:
    try:
        number = int(str(raw).strip())
    except ValueError:
        return False
    return (low is None or number >= low) and (high is None or number <= high)
