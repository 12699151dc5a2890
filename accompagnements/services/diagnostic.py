"""Diagnostic partagé: created on the first save, with one row per axis."""

from collections.abc import Iterable

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from accounts.models import User

from ..models import Accompagnement, Axis, Diagnostic, DiagnosticAxis
from .history import save_by, save_checked


def save_diagnostic(
    case: Accompagnement,
    diagnostic: Diagnostic,
    axes: Iterable[DiagnosticAxis],
    *,
    by: User,
) -> Diagnostic:
    """Write ``diagnostic`` and the axes changed in the form, then the axes still missing.

    Every axis of DOMAIN.md has its row once the diagnostic exists, so the case
    page and the statistics never meet a diagnostic with half its axes.
    """
    with transaction.atomic():
        diagnostic.accompagnement = case
        save_checked(diagnostic, by)
        for axis in axes:
            axis.diagnostic = diagnostic
            save_by(axis, by)
        present = set(diagnostic.axes.values_list("axis", flat=True))
        missing = [
            DiagnosticAxis(diagnostic=diagnostic, axis=value)
            for value in Axis.values
            if value not in present
        ]
        if missing:
            bulk_create_with_history(missing, DiagnosticAxis, default_user=by)
    return diagnostic
