"""The workboard's cards, written in Python (accompagnements/workboard.py): the HTML
the template printed, worked out by hand for each badge, count and date."""

import datetime

from django.urls import reverse

from accompagnements.models import Echange, EchangeKind, State
from accompagnements.workboard import phases
from tests.accompagnements.factories import AccompagnementFactory, FollowUpFactory

# Noon in Paris is 11:00 UTC in winter.
NOW = datetime.datetime(2026, 11, 30, 11, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


def _case(personas, name, state, in_phase, opened_on=datetime.date(2026, 11, 1)):
    return AccompagnementFactory(
        officer=personas.officer_a,
        state=state,
        state_entered_at=NOW - in_phase,
        opened_on=opened_on,
        structure__name=name,
    )


def _contact(case, at):
    Echange.objects.create(
        accompagnement=case,
        occurred_at=at,
        kind=EchangeKind.TELEPHONE,
        subject="Point d'étape",
        created_by=case.officer,
    )


def _card(case, lines):
    return (
        '<li class="card">\n'
        f'        <a href="/accompagnements/{case.pk}/">{lines[0]}</a>\n'
        + "\n".join(f"        {line}" for line in lines[1:])
        + "\n      </li>"
    )


def test_cards_show_each_badge_count_and_date_as_the_template_did(personas):
    # Diagnostic for 91 days (delay 90: late), called on the 29th at 23:30 UTC, which is
    # the 30th in Paris; its last contact is a day old (delay 30: recent enough).
    late = _case(personas, "Café & Co <Rennes>", State.DIAGNOSTIC, 91 * DAY)
    _contact(late, datetime.datetime(2026, 11, 29, 23, 30, tzinfo=datetime.UTC))
    _contact(late, datetime.datetime(2026, 10, 2, 9, 0, tzinfo=datetime.UTC))
    # Accueil for a day and an hour, opened on 1 November, never called: the cutoff of
    # 15 days is the 15th, so it lacks contact; not late (delay 30).
    new = _case(personas, "Atelier Vélo", State.ACCUEIL, DAY + datetime.timedelta(hours=1))
    # Suivi for 181 days without a checkpoint (due after 180), opened in 2025, never
    # called (delay 180): both badges; not late (delay 365).
    followed = _case(
        personas, "Régie de quartier", State.SUIVI, 181 * DAY, datetime.date(2025, 1, 1)
    )
    # Parcours for two hours: 0 days, said in the singular.
    fresh = _case(personas, "Ressourcerie", State.PARCOURS, datetime.timedelta(hours=2))
    _contact(fresh, NOW - DAY)
    # Neither shown: a closed case, a case of another officer, a suivi with its checkpoint.
    _case(personas, "Close", State.CLOTURE, 10 * DAY)
    AccompagnementFactory(officer=personas.officer_b, structure__name="Ailleurs")
    FollowUpFactory(
        accompagnement=_case(personas, "Suivie", State.SUIVI, 200 * DAY),
        checked_on=datetime.date(2026, 11, 2),
    )

    board = {phase["state"]: phase for phase in phases(personas.officer_a, NOW)}

    assert list(board) == list(State.OPEN)
    assert board[State.DIAGNOSTIC]["cards"] == _card(
        late,
        [
            "Café &amp; Co &lt;Rennes&gt;",
            '<p class="help">35 · depuis 91 jours</p>',
            '<span class="badge badge--overdue">phase en retard</span>',
            '<p class="help">Dernier contact : 30/11/2026</p>',
        ],
    )
    assert board[State.ACCUEIL]["cards"] == _card(
        new,
        [
            "Atelier Vélo",
            '<p class="help">35 · depuis 1 jour</p>',
            '<p class="help">Dernier contact : aucun</p>'
            '\n        <span class="badge badge--overdue">sans contact récent</span>',
        ],
    )
    suivi = board[State.SUIVI]
    assert [case.structure_name for case in suivi["cases"]] == ["Suivie", "Régie de quartier"]
    assert suivi["cards"].endswith(
        _card(
            followed,
            [
                "Régie de quartier",
                '<p class="help">35 · depuis 181 jours</p>',
                '<span class="badge badge--overdue">point de suivi à faire</span>',
                '<p class="help">Dernier contact : aucun</p>'
                '\n        <span class="badge badge--overdue">sans contact récent</span>',
            ],
        )
    )
    assert board[State.PARCOURS]["cards"] == _card(
        fresh,
        [
            "Ressourcerie",
            '<p class="help">35 · depuis 0 jour</p>',
            '<p class="help">Dernier contact : 29/11/2026</p>',
        ],
    )
    assert board[State.COORDINATION]["cards"] == ""


def test_workboard_page_prints_the_cards_once_each(client_for, personas):
    first = _case(personas, "Première", State.ACCUEIL, DAY)
    second = _case(personas, "Seconde", State.ACCUEIL, 2 * DAY)
    response = client_for(personas.officer_a).get(reverse("accompagnements:workboard"))
    assert response.status_code == 200
    text = response.text
    assert text.count('<li class="card">') == 2
    # Longest in phase first.
    assert text.index(second.get_absolute_url()) < text.index(first.get_absolute_url())
    assert '<span class="count">(2)</span>' in text
