"""Rules that keep a case's data coherent, each written once.

The models' ``clean()`` call these; ModelForms run ``clean()`` through
``full_clean`` and the services call ``full_clean`` before saving
(``services.history.save_checked``), so a form, an import, a secure link or the
API meet the same rule and the same French message, keyed by field.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

Errors = dict[str, str]


def _label(obj: Any, field: str) -> str:
    return str(obj._meta.get_field(field).verbose_name).capitalize()


def _date(value: datetime.date) -> str:
    return f"{value:%d/%m/%Y}"


def not_in_future(obj: Any, *fields: str, today: datetime.date | None = None) -> Errors:
    """Dates that record what happened cannot be after today."""
    today = today or timezone.localdate()
    return {
        field: f"{_label(obj, field)} : la date ne peut pas être dans le futur "
        f"(au plus tard le {_date(today)})."
        for field in fields
        if getattr(obj, field) is not None and getattr(obj, field) > today
    }


def not_before(obj: Any, field: str, limit: datetime.date | None, what: str) -> Errors:
    value = getattr(obj, field)
    if value is None or limit is None or value >= limit:
        return {}
    return {field: f"{_label(obj, field)} : la date ne peut pas précéder {what} ({_date(limit)})."}


def merge(*parts: Errors) -> Errors:
    """The first message for each field wins (the most basic rule is listed first)."""
    errors: Errors = {}
    for part in parts:
        for field, message in part.items():
            errors.setdefault(field, message)
    return errors


def case_opened_on(obj: Any) -> datetime.date | None:
    """The opening date of the case ``obj`` belongs to, when it has one yet."""
    if getattr(obj, "accompagnement_id", None) is None:
        return None
    return obj.accompagnement.opened_on
