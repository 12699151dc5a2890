"""The structure validates its diagnostic and parcours, answers surveys, through its links."""

import html

import pytest

from accompagnements.models import Diagnostic, FollowUp, Ingenierie, State
from accompagnements.services import advance
from espace.models import StructureAnswer
from liens.models import LinkEvent, SecureLink
from tests.accompagnements.factories import (
    AccompagnementFactory,
    DiagnosticFactory,
    IngenierieFactory,
    PlanActionFactory,
)
from tests.structures.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    case = AccompagnementFactory(
        officer=personas.officer_a, dla=personas.officer_a.dla, state=State.DIAGNOSTIC
    )
    ContactFactory(
        structure=case.structure, first_name="Lucie", last_name="Martin", email="lucie@asso.example"
    )
    DiagnosticFactory(accompagnement=case)
    return case


def send(client, case, purpose, callbacks, **data):
    with callbacks(execute=True):
        return client.post(
            f"/accompagnements/{case.pk}/liens/{purpose}/",
            {"name": "Lucie Martin", "email": "lucie@asso.example", **data},
        )


def test_the_structure_validates_its_diagnostic_through_its_link(
    personas, case, client_for, mailoutbox, outside_client, django_capture_on_commit_callbacks
):
    officer = client_for(personas.officer_a)
    form = officer.get(f"/accompagnements/{case.pk}/liens/diagnostic/")
    assert 'value="lucie@asso.example"' in form.text  # the structure's contact, proposed
    response = send(officer, case, "diagnostic", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    [email] = mailoutbox
    assert email.to == ["Lucie Martin <lucie@asso.example>"]

    browser, page_url = outside_client(email)
    page = browser.get(page_url)
    assert page.status_code == 200
    assert "Structure culturelle en croissance" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        done = browser.post(
            page_url,
            {"action": "valider", "v-name": "Lucie Martin", "v-role": "présidente"},
            REMOTE_ADDR="198.51.100.4",
        )
    assert "votre validation est enregistrée" in done.text
    diagnostic = Diagnostic.objects.get(accompagnement=case)
    assert diagnostic.validated_by_name == "Lucie Martin (présidente), en ligne"
    assert diagnostic.is_validated
    event = LinkEvent.objects.get()
    assert (event.action, event.email, event.ip_address) == (
        "validation",
        "lucie@asso.example",
        "198.51.100.4",
    )
    # Single use: the link is spent, the page refuses a second validation.
    again = browser.get(page_url)
    assert again.status_code == 410
    # The guard that needed a typed validator now passes.
    advance(case, "start_parcours", by=personas.officer_a)


def test_remarks_reach_the_officer_and_keep_the_link_usable(
    personas, case, client_for, mailoutbox, outside_client, django_capture_on_commit_callbacks
):
    personas.officer_a.email = "alice@dla35.example"
    personas.officer_a.save()
    send(client_for(personas.officer_a), case, "diagnostic", django_capture_on_commit_callbacks)
    browser, page_url = outside_client(mailoutbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(
            page_url,
            {
                "action": "remarques",
                "r-name": "Lucie Martin",
                "r-remarks": "La gouvernance : à revoir.",
            },
        )
    assert mailoutbox[-1].to == [f"{personas.officer_a} <alice@dla35.example>"]
    assert "La gouvernance : à revoir." in mailoutbox[-1].body
    assert not Diagnostic.objects.get(accompagnement=case).is_validated
    assert browser.get(page_url).status_code == 200


def test_a_validation_without_a_role_names_the_field_and_writes_nothing(
    personas, case, client_for, mailoutbox, outside_client, django_capture_on_commit_callbacks
):
    send(client_for(personas.officer_a), case, "diagnostic", django_capture_on_commit_callbacks)
    browser, page_url = outside_client(mailoutbox[0])
    page = browser.post(page_url, {"action": "valider", "v-name": "Lucie Martin", "v-role": ""})
    assert page.status_code == 200
    assert "Ce champ est obligatoire" in page.text
    assert not Diagnostic.objects.get(accompagnement=case).is_validated
    assert not LinkEvent.objects.exists()


def test_a_diagnostic_link_cannot_be_sent_outside_the_diagnostic_phase(
    personas, client_for, django_capture_on_commit_callbacks
):
    case = AccompagnementFactory(officer=personas.officer_a, dla=personas.officer_a.dla)
    response = send(
        client_for(personas.officer_a), case, "diagnostic", django_capture_on_commit_callbacks
    )
    assert response.status_code == 200
    assert "ne peut pas être envoyé en phase « accueil »" in html.unescape(response.text)
    assert not SecureLink.objects.exists()


def test_only_the_cases_writers_send_links(personas, case, client_for):
    url = f"/accompagnements/{case.pk}/liens/diagnostic/"
    data = {"name": "X", "email": "x@example.org"}
    # The coordinator reads the region's cases but writes only the regional DLA's.
    assert client_for(personas.coordinator).post(url, data).status_code == 403
    assert client_for(personas.officer_b).post(url, data).status_code == 404
    assert client_for(personas.other_officer).get(url).status_code == 404
    assert not SecureLink.objects.exists()


def closed_case_with_a_consultant(personas):
    case = AccompagnementFactory(
        officer=personas.officer_a,
        dla=personas.officer_a.dla,
        state=State.SUIVI,
        followup_recorded=True,
    )
    ContactFactory(
        structure=case.structure, first_name="Lucie", last_name="Martin", email="lucie@asso.example"
    )
    ingenierie = IngenierieFactory(finished=True, dla=case.dla)
    PlanActionFactory(accompagnement=case, ingenierie_action=True, ingenierie=ingenierie)
    return case, ingenierie


def test_closing_a_case_sends_the_satisfaction_survey_whose_answers_feed_the_indicators(
    personas, mailoutbox, outside_client, django_capture_on_commit_callbacks
):
    case, ingenierie = closed_case_with_a_consultant(personas)
    with django_capture_on_commit_callbacks(execute=True):
        advance(case, "close", by=personas.officer_a)
    [email] = mailoutbox
    assert email.subject == "Votre avis sur l'accompagnement DLA"
    browser, page_url = outside_client(email)
    assert page_url.endswith("/satisfaction/")
    page = browser.get(page_url)
    assert str(ingenierie.selected_prestataire) in page.text
    with django_capture_on_commit_callbacks(execute=True):
        done = browser.post(
            page_url,
            {
                "name": "Lucie Martin",
                "overall": "4",
                f"ingenierie_{ingenierie.pk}": "3",
                "comment": "Très utile.",
            },
        )
    assert "Merci pour votre réponse" in done.text
    followup = FollowUp.objects.get(accompagnement=case)
    assert followup.satisfaction == 4
    assert Ingenierie.objects.get(pk=ingenierie.pk).satisfaction == 3
    answer = StructureAnswer.objects.get()
    assert (answer.followup, list(answer.ingenieries.all())) == (followup, [ingenierie])
    # The national indicator reads the structure's answer: 1 satisfied out of 1 answer.
    from django.utils import timezone

    from reporting.indicators import Query, Scope, compute
    from territoires.actors import SYSTEM

    figures = compute(Query(timezone.localdate().year, Scope.national(), SYSTEM))
    assert figures["SUI_SATISFIED"] == 100.0


def test_the_survey_is_sent_once_even_if_the_case_is_closed_again(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    case, _ = closed_case_with_a_consultant(personas)
    with django_capture_on_commit_callbacks(execute=True):
        case = advance(case, "close", by=personas.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        case = advance(case, "reopen", by=personas.officer_a, comment="Erreur de clôture.")
    with django_capture_on_commit_callbacks(execute=True):
        advance(case, "close", by=personas.officer_a)
    assert len(mailoutbox) == 1


def test_the_followup_questionnaire_leaves_after_the_setting_and_becomes_a_checkpoint(
    personas, settings, mailoutbox, outside_client, django_capture_on_commit_callbacks
):
    import datetime

    from django.utils import timezone

    from espace.tasks import send_followup_questionnaires

    settings.FOLLOWUP_QUESTIONNAIRE_MONTHS = 6
    delivered = AccompagnementFactory(
        officer=personas.officer_a,
        dla=personas.officer_a.dla,
        state=State.SUIVI,
        state_entered_at=timezone.now() - datetime.timedelta(days=190),
    )
    recent = AccompagnementFactory(
        officer=personas.officer_a,
        dla=personas.officer_a.dla,
        state=State.SUIVI,
        state_entered_at=timezone.now() - datetime.timedelta(days=150),
    )
    for case in (delivered, recent):
        ContactFactory(structure=case.structure, email=f"contact{case.pk}@asso.example")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_followup_questionnaires.delay().get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_followup_questionnaires.delay().get() == 0  # once per case
    [email] = mailoutbox
    assert email.to[0].endswith(f"<contact{delivered.pk}@asso.example>")

    browser, page_url = outside_client(email)
    refused = browser.post(
        page_url,
        {
            "name": "Lucie",
            "headcount": "5",
            "fte": "4.5",
            "cdi_count": "4",
            "cdd_count": "3",
            "situation": "consolidee",
        },
    )
    assert "leur total dépasse l'effectif salarié" in html.unescape(refused.text)
    assert not FollowUp.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(
            page_url,
            {
                "name": "Lucie",
                "headcount": "7",
                "fte": "6.5",
                "cdi_count": "5",
                "cdd_count": "2",
                "budget": "320000",
                "situation": "developpement",
            },
        )
    followup = FollowUp.objects.get()
    assert (followup.accompagnement, followup.headcount, followup.cdi_count, followup.budget) == (
        delivered,
        7,
        5,
        320000,
    )
    assert followup.structure_answers.get().purpose == "suivi"
