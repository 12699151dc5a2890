"""View helpers: out of scope is a 404, readable but not writable is a 403."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.shortcuts import get_object_or_404

from .scope import ScopedQuerySet


def get_visible_or_404[M: Model](queryset: ScopedQuerySet[M], user: Any, **lookup: Any) -> M:
    return get_object_or_404(queryset.visible_to(user), **lookup)


def get_editable_or_403[M: Model](queryset: ScopedQuerySet[M], user: Any, **lookup: Any) -> M:
    obj = get_visible_or_404(queryset, user, **lookup)
    if not queryset.editable_by(user).filter(pk=obj.pk).exists():
        raise PermissionDenied("Vous pouvez consulter cet élément mais pas le modifier.")
    return obj
