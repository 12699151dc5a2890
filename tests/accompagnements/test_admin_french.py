"""The admin in French: a case's « Historique » shows its history, its journal newest first."""

import datetime

import pytest
from django.urls import reverse

from accompagnements.models import State, TransitionLog
from tests.accompagnements.factories import AccompagnementFactory

pytestmark = pytest.mark.django_db


def journal_entry(case, user, to_state, comment, when):
    return TransitionLog.objects.create(
        accompagnement=case,
        user=user,
        transition=f"start_{to_state}",
        from_state=case.state,
        to_state=to_state,
        comment=comment,
        timestamp=when,
        on_date=when.date(),
    )


def test_the_case_history_screen_is_in_french_and_shows_the_case_history(client_for, personas):
    case = AccompagnementFactory(officer=personas.officer_a)
    case.request = "Nouvelle demande de la structure."
    case.save()
    client = client_for(personas.admin)
    change = client.get(reverse("admin:accompagnements_accompagnement_change", args=[case.pk]))
    history_url = reverse("admin:accompagnements_accompagnement_history", args=[case.pk])
    assert f'href="{history_url}"' in change.text
    assert "Historique" in change.text

    page = client.get(history_url).text
    for header in ("Objet", "Date", "Type", "Utilisateur", "Motif", "Modifications"):
        assert f'<th scope="col">{header}</th>' in page
    for english in ("Date/time", "Changed by", "Change reason", "Changes", "Comment", "None"):
        assert f">{english}<" not in page
    # The factory's creation and the change above, newest first.
    assert page.index("Modification") < page.index("Création")
    assert "2 entrées" in page
    assert "Nouvelle demande de la structure." in page


def test_the_journal_on_the_case_page_is_newest_first_with_every_column(client_for, personas):
    case = AccompagnementFactory(officer=personas.officer_a, state=State.DIAGNOSTIC)
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    journal_entry(case, personas.officer_a, State.DIAGNOSTIC, "Premier passage", start)
    journal_entry(
        case, personas.officer_a, State.PARCOURS, "Second passage", start + datetime.timedelta(1)
    )
    page = (
        client_for(personas.admin)
        .get(reverse("admin:accompagnements_accompagnement_change", args=[case.pk]))
        .text
    )
    assert page.index("Second passage") < page.index("Premier passage")
    columns = ("Transition", "Motif de sortie", "Réorienté vers", "Jours d&#x27;accompagnement")
    for column in columns:
        assert column in page


def test_the_journal_list_is_newest_first_with_its_comment(client_for, personas):
    case = AccompagnementFactory(officer=personas.officer_a)
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    journal_entry(case, personas.officer_a, State.DIAGNOSTIC, "Premier passage", start)
    journal_entry(
        case, personas.officer_a, State.PARCOURS, "Second passage", start + datetime.timedelta(1)
    )
    page = client_for(personas.admin).get(reverse("admin:accompagnements_transitionlog_changelist"))
    assert page.status_code == 200
    assert page.text.index("Second passage") < page.text.index("Premier passage")
    assert "Commentaire" in page.text
