"""Every API error is JSON with a French message: ``{"detail", "code"[, "errors"]}``."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import set_rollback

NOT_FOUND = "Introuvable, ou hors de votre périmètre."
FORBIDDEN = "Vous n'avez pas accès à cette ressource."
INVALID = "Paramètres invalides : voir « errors »."


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        # Django's own 404 messages are English and may name a model: one French message.
        exc = exceptions.NotFound(NOT_FOUND)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or FORBIDDEN)
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    codes = exc.get_codes()
    if isinstance(exc.detail, dict | list):
        data = {"detail": INVALID, "code": "invalid", "errors": _flatten(exc.detail)}
    else:
        data = {"detail": str(exc.detail), "code": codes if isinstance(codes, str) else "error"}
    if isinstance(exc, exceptions.Throttled) and exc.wait:
        data["detail"] = f"Trop de requêtes : réessayez dans {int(exc.wait)} s."
    set_rollback()
    return Response(data, status=exc.status_code, headers=headers)


def _flatten(detail):
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in detail]}
    return {
        field: [str(item) for item in (items if isinstance(items, list) else [items])]
        for field, items in detail.items()
    }


def not_found(request, exception=None):
    """Unknown address under /api/: JSON too, not the HTML 404 page."""
    return JsonResponse({"detail": NOT_FOUND, "code": "not_found"}, status=404)
