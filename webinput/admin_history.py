"""History pages of the admin (django-simple-history) with ids parsed before any query.

``SimpleHistoryAdmin`` passes the id typed in the URL straight to a lookup, so
``/admin/<app>/<model>/abc/history/`` (or ``…/1/history/abc/``) raised ``ValueError``,
a 500. Here an id that cannot be a primary key is a 404, as on the admin's own pages.
"""

from typing import Any

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin

from .lists import MAX_ID


class HistoryAdmin(SimpleHistoryAdmin):
    def _checked_id(self, raw: str, field: Any = None) -> str:
        """``raw`` if it may be a primary key of the model (or of ``field``), else a 404."""
        field = field or self.model._meta.pk
        try:
            value = field.to_python(unquote(raw))
        except ValidationError:
            raise Http404("Cet objet n'existe pas.") from None
        if isinstance(value, int) and not 0 <= value <= MAX_ID:
            raise Http404("Cet objet n'existe pas.")
        return raw

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return super().history_view(request, self._checked_id(object_id), extra_context)

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        opts = self.model._meta
        history_pk = getattr(self.model, opts.simple_history_manager_attribute).model._meta.pk
        return super().history_form_view(
            request,
            self._checked_id(object_id),
            self._checked_id(version_id, history_pk),
            extra_context,
        )
