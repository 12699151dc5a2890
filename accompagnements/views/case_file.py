"""What the case page adds for the case file: last contact, tasks, documents, timeline."""

from django.db.models import Max, Prefetch
from django.urls import reverse

from .. import timeline
from ..forms_echanges import TimelineFilterForm
from ..models import Tache
from ..models.echanges import (
    contact_delays,
    lacks_contact,
    last_contact_or_opening,
    with_last_contact,
)

__all__ = ["case_file_context", "lacks_contact", "my_pending_tasks", "with_last_contact"]


def my_pending_tasks(user, limit: int | None = None):
    """``user``'s tasks still to do, earliest due first (home page and workboard)."""
    tasks = (
        Tache.objects.visible_to(user)
        .pending()
        .filter(assignee=user)
        .select_related("accompagnement__structure")
        .order_by("due_on", "pk")
    )
    return list(tasks[:limit] if limit else tasks)


def case_file_context(request, case, *, writable: bool) -> dict:
    form = TimelineFilterForm(request.GET or None, choices=timeline.filter_choices())
    choice = form.cleaned_data["quoi"] if form.is_valid() else ""
    tasks = timeline.load_tasks(case)
    documents = timeline.load_documents(case)
    case.last_contact_at = case.echanges.aggregate(last=Max("occurred_at"))["last"]
    structure_documents = case.structure.documents.alive().prefetch_related(
        Prefetch("versions", to_attr="all_versions")
    )
    return {
        "timeline": timeline.build(case, choice, tasks=tasks, documents=documents),
        "timeline_filter": form,
        "timeline_choice": choice,
        "pending_tasks": [t for t in tasks if not t.is_done],
        "done_tasks": [t for t in tasks if t.is_done],
        "case_documents": [d for d in documents if d.deleted_at is None],
        "structure_documents": list(structure_documents),
        "last_contact_at": case.last_contact_at,
        "contact_since": last_contact_or_opening(case),
        "lacks_contact": case.is_open and lacks_contact(case),
        "contact_delay": contact_delays().get(case.state),
        "document_add_url": (reverse("dossiers:add_to_case", args=[case.pk]) if writable else ""),
    }
