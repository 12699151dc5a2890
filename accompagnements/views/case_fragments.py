"""Parts of the case page loaded after it: the timeline and what was sent outside the DLA.

The case page stays within its query budget by leaving these out: it loads them
with htmx (``hx-trigger="load"``), and links to them for readers without
JavaScript. Each route answers the fragment to htmx and a page of its own to
anyone else; both only read (GET), with the case's scope (out of scope is 404).
"""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from ..models import Ingenierie
from .case_file import timeline_context
from .common import timeline_queryset, visible_case_page
from .outside import outside_context


def _render(request, case, name: str, context: dict):
    fragment = (
        request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
    )
    template = f"accompagnements/_{name}.html" if fragment else f"accompagnements/{name}.html"
    response = render(request, template, {"case": case, **context})
    # The same URL answers a fragment or a page: caches must tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def case_timeline(request, pk):
    """Phases, exchanges, documents, tasks and corrections, newest first (``?quoi=``)."""
    case = visible_case_page(request, pk, timeline_queryset(request.user))
    writable = case.is_writable_by(request.user)
    context = timeline_context(request, case, editable=writable and case.is_open)
    return _render(request, case, "timeline", context)


@require_GET
def case_outside(request, pk):
    """Emails sent, personal links and what was done through them, handovers."""
    case = visible_case_page(request, pk)
    ingenieries = list(Ingenierie.objects.filter(plan_actions__accompagnement=case).distinct())
    context = {
        "writable": case.is_writable_by(request.user),
        **outside_context(case, ingenieries),
    }
    return _render(request, case, "exterieur", context)
