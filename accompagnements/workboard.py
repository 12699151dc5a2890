"""The officer's workboard: their open cases by phase, each shown as a card.

The cards are written here rather than by a loop of the template, which printed
ten variables, a filter and four properties per case: the board lists the whole
portfolio (no pagination: it is the officer's desk), so its cost grows with it.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from francais import pluriel
from webinput.markup import escaped

from .models import Accompagnement, State
from .models.echanges import lacks_contact, with_last_contact

# What a card shows of a case, no more (the structure's other columns cost their reading).
_CARD_FIELDS = (
    "state",
    "state_entered_at",
    "opened_on",
    "structure__name",
    "structure__departement__code",
)
_BADGE = '\n        <span class="badge badge--overdue">{}</span>'


def phases(user, now: datetime.datetime) -> list[dict]:
    """The five open phases, each with ``user``'s cases in it (longest in phase first)
    and their cards (``cards``)."""
    cases = (
        Accompagnement.objects.visible_to(user)
        .open()
        .filter(officer=user)
        .select_related("structure__departement")
        .only(*_CARD_FIELDS)
        .with_followup_due(now)
        .order_by("state_entered_at")
    )
    columns: dict[str, list] = {state: [] for state in State.OPEN}
    for case in with_last_contact(cases):
        case.lacks_contact = lacks_contact(case, now)
        columns[case.state].append(case)
    return [
        {
            "state": state,
            "label": State(state).label,
            "cases": columns[state],
            "cards": cards(columns[state], now),
        }
        for state in State.OPEN
    ]


def cards(cases: list, now: datetime.datetime) -> SafeString:
    """The cases' cards (``<li>``), as the template printed them."""
    items = []
    for case in cases:
        badges = ""
        if case.overdue_at(now):
            badges += _BADGE.format("phase en retard")
        if case.followup_due:
            badges += _BADGE.format("point de suivi à faire")
        contact = (
            f"{timezone.localtime(case.last_contact_at):%d/%m/%Y}"
            if case.last_contact_at
            else "aucun"
        )
        name = escaped(case.structure.name)
        code = escaped(case.structure.departement.code)
        items.append(
            f'<li class="card">\n'
            f'        <a href="{case.get_absolute_url()}">{name}</a>\n'
            f'        <p class="help">{code} · depuis '
            f"{pluriel((now - case.state_entered_at).days, 'jour')}</p>{badges}\n"
            f'        <p class="help">Dernier contact : {contact}</p>'
            f"{_BADGE.format('sans contact récent') if case.lacks_contact else ''}\n"
            f"      </li>"
        )
    return mark_safe("\n      ".join(items))  # names and codes escaped above
