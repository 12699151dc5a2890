"""The officer's workboard: their open cases by phase, each shown as a card.

The cards are written here rather than by a loop of the template, which printed
ten variables, a filter and four properties per case: the board lists the whole
portfolio (no pagination: it is the officer's desk), so its cost grows with it.
"""

from __future__ import annotations

import datetime

from django.db.models import F
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from francais import pluriel
from webinput.markup import escaped
from webinput.reverse import reverse_pk

from .models import Accompagnement, State
from .models.case import phase_overdue
from .models.echanges import lacks_contact, with_last_contact

# What a card shows of a case, no more: read as rows (``values_list(named=True)``), not
# as a case, its structure and its department made into three instances each.
_CARD_FIELDS = (
    "pk",
    "state",
    "state_entered_at",
    "opened_on",
    "structure_name",
    "departement_code",
    "last_contact_at",
    "followup_due",
)
_BADGE = '\n        <span class="badge badge--overdue">{}</span>'


def phases(user, now: datetime.datetime) -> list[dict]:
    """The five open phases, each with ``user``'s cases in it (longest in phase first,
    as rows of ``_CARD_FIELDS``) and their cards (``cards``)."""
    cases = (
        Accompagnement.objects.visible_to(user)
        .open()
        .filter(officer=user)
        .annotate(
            structure_name=F("structure__name"),
            departement_code=F("structure__departement__code"),
        )
        .with_followup_due(now)
        .order_by("state_entered_at")
    )
    columns: dict[str, list] = {state: [] for state in State.OPEN}
    for case in with_last_contact(cases).values_list(*_CARD_FIELDS, named=True):
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
    """The cases' cards (``<li>``), as the template printed them; ``cases``: rows of
    ``_CARD_FIELDS``."""
    items = []
    for case in cases:
        badges = ""
        if phase_overdue(case.state, case.state_entered_at, now):
            badges += _BADGE.format("phase en retard")
        if case.followup_due:
            badges += _BADGE.format("point de suivi à faire")
        contact = (
            f"{timezone.localtime(case.last_contact_at):%d/%m/%Y}"
            if case.last_contact_at
            else "aucun"
        )
        name = escaped(case.structure_name)
        code = escaped(case.departement_code)
        items.append(
            f'<li class="card">\n'
            f'        <a href="{reverse_pk("accompagnements:detail", case.pk)}">{name}</a>\n'
            f'        <p class="help">{code} · depuis '
            f"{pluriel((now - case.state_entered_at).days, 'jour')}</p>{badges}\n"
            f'        <p class="help">Dernier contact : {contact}</p>'
            f"{_BADGE.format('sans contact récent') if lacks_contact(case, now) else ''}\n"
            f"      </li>"
        )
    return mark_safe("\n      ".join(items))  # names and codes escaped above
