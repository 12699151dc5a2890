"""Saving and deleting with the acting person on the history row.

django-simple-history takes the user from the request when there is one; the
services name it explicitly so that a task, a command or the API records the
same author as a form does.
"""

from typing import Any

from django.db import models

from accounts.models import User


def save_by(obj: models.Model, by: User, **kwargs: Any) -> None:
    obj._history_user = by  # type: ignore[attr-defined]
    obj.save(**kwargs)


def save_checked(obj: models.Model, by: User, **kwargs: Any) -> None:
    """``save_by`` after the model's rules (``full_clean``): a form, an import or the API
    calling the service meets the same refusal, a ``ValidationError`` keyed by field."""
    obj.full_clean()
    save_by(obj, by, **kwargs)


def delete_by(obj: models.Model, by: User) -> None:
    obj._history_user = by  # type: ignore[attr-defined]
    obj.delete()
