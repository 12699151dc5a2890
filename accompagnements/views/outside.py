"""What the case page shows of the people outside the DLA: emails sent, personal links
sent and what was done through them, handovers of a réorientation."""

from django.db.models import Prefetch

from liens.models import LinkEvent
from liens.services import links_about
from messagerie.services import messages_about

# The links the officer may send from the case page (espace:send), in phase order.
STRUCTURE_LINKS = [
    ("diagnostic", "Faire valider le diagnostic par la structure"),
    ("parcours", "Faire valider le parcours par la structure"),
    ("suivi", "Envoyer le questionnaire de suivi"),
    ("satisfaction", "Envoyer l'enquête de satisfaction"),
]


def outside_actions(case, *, writable: bool) -> dict:
    """What the case page offers to send outside the DLA (no query)."""
    return {
        "structure_links": STRUCTURE_LINKS if writable and case.is_open else [],
        "may_hand_over": writable
        and case.state == "reoriente"
        and case.reoriented_to is not None
        and bool(case.reoriented_to.email),
    }


def outside_context(case, ingenieries) -> dict:
    """What was sent (the fragment): messages, handovers, links with their journal.

    Four queries at most: handovers, messages, links, their events (when there are links).
    """
    handovers = list(case.handovers.select_related("acteur"))
    outbox = list(messages_about([case, *ingenieries]).order_by("-created_at", "-pk")[:100])
    links = list(
        links_about([case, *handovers])
        .select_related("content_type")
        .prefetch_related(Prefetch("events", queryset=LinkEvent.objects.order_by("at", "pk")))
    )
    return {"outbox": outbox, "case_links": links, "handovers": handovers}
