"""Data that holds together: each rule refused in the service with the field named.

The services call ``full_clean`` (the models' ``clean``), which ModelForms also
run, so the forms show the same message beside the same field.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accompagnements.models import Diagnostic, FollowUp, Parcours, Proposal
from accompagnements.services.diagnostic import save_diagnostic
from accompagnements.services.ingenierie import (
    add_proposal,
    remove_proposal,
    save_ingenierie,
    update_proposal,
)
from accompagnements.services.parcours import save_parcours
from accompagnements.services.suivi import record_followup
from tests.accompagnements.factories import (
    AccompagnementFactory,
    IngenierieFactory,
    PlanActionFactory,
    PrestataireFactory,
)


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def case(personas):
    return AccompagnementFactory(officer=personas.officer_a, opened_on=days(-60))


def refused(call, field):
    with pytest.raises(ValidationError) as error:
        call()
    assert field in error.value.message_dict, error.value.message_dict
    return error.value.message_dict[field][0]


# -- Diagnostic and parcours ---------------------------------------------------------------


def diagnostic(case, **dates):
    return Diagnostic(accompagnement=case, validated_by_name="Marie Durand, présidente", **dates)


def test_a_diagnostic_cannot_be_validated_in_the_future(case, personas):
    d = diagnostic(case, first_interview_on=days(-10), validated_on=days(1))
    message = refused(lambda: save_diagnostic(case, d, [], by=personas.officer_a), "validated_on")
    assert message.startswith("Validé le : la date ne peut pas être dans le futur")
    assert not Diagnostic.objects.exists()


def test_a_diagnostic_is_validated_on_or_after_the_first_interview(case, personas):
    d = diagnostic(case, first_interview_on=days(-10), validated_on=days(-11))
    message = refused(lambda: save_diagnostic(case, d, [], by=personas.officer_a), "validated_on")
    assert "précéder le premier entretien" in message
    same_day = diagnostic(case, first_interview_on=days(-10), validated_on=days(-10))
    save_diagnostic(case, same_day, [], by=personas.officer_a)


def test_a_diagnostic_is_validated_after_the_case_opened(case, personas):
    d = diagnostic(case, validated_on=days(-61))
    message = refused(lambda: save_diagnostic(case, d, [], by=personas.officer_a), "validated_on")
    assert "précéder l'ouverture de l'accompagnement" in message


def test_interview_dates_are_not_in_the_future(case, personas):
    d = diagnostic(case, first_interview_on=days(2))
    refused(lambda: save_diagnostic(case, d, [], by=personas.officer_a), "first_interview_on")


def test_a_parcours_cannot_be_validated_in_the_future(case, personas):
    plan = Parcours(accompagnement=case, validated_by_name="Marie", validated_on=days(3))
    refused(lambda: save_parcours(case, plan, by=personas.officer_a), "validated_on")


def test_a_parcours_is_validated_after_the_case_opened(case, personas):
    plan = Parcours(accompagnement=case, validated_by_name="Marie", validated_on=days(-61))
    message = refused(lambda: save_parcours(case, plan, by=personas.officer_a), "validated_on")
    assert "précéder l'ouverture de l'accompagnement (" in message
    plan.validated_on = days(-60)  # the opening day itself
    save_parcours(case, plan, by=personas.officer_a)


def test_the_diagnostic_form_names_the_field(case, personas, client_for):
    response = client_for(personas.officer_a).post(
        reverse("accompagnements:diagnostic", args=[case.pk]),
        {
            "first_interview_on": days(-5).isoformat(),
            "validated_on": days(-6).isoformat(),
            "validated_by_name": "Marie Durand",
            "axes-TOTAL_FORMS": "0",
            "axes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "précéder le premier entretien" in response.context["form"].errors["validated_on"][0]


# -- Ingénierie: consultation, selection, end --------------------------------------------


@pytest.fixture
def ingenierie(case):
    ing = IngenierieFactory(dla=case.dla)
    PlanActionFactory(accompagnement=case, ingenierie_action=True, ingenierie=ing)
    return ing


def test_the_selected_consultant_must_have_sent_a_proposal(ingenierie, personas):
    chosen = PrestataireFactory()
    ingenierie.selected_prestataire = chosen
    message = refused(
        lambda: save_ingenierie(ingenierie, by=personas.officer_a), "selected_prestataire"
    )
    assert "n'a pas envoyé de proposition" in message
    add_proposal(ingenierie, Proposal(prestataire=chosen, score=50), by=personas.officer_a)
    save_ingenierie(ingenierie, by=personas.officer_a)


def test_selection_comes_after_the_consultation(ingenierie, personas):
    ingenierie.selection_on = days(-5)
    refused(lambda: save_ingenierie(ingenierie, by=personas.officer_a), "consultation_sent_on")
    ingenierie.consultation_sent_on = days(-4)
    message = refused(lambda: save_ingenierie(ingenierie, by=personas.officer_a), "selection_on")
    assert "précéder l'envoi de la consultation" in message


@pytest.mark.parametrize("field", ["consultation_sent_on", "selection_on"])
def test_consultation_and_selection_are_not_in_the_future(ingenierie, personas, field):
    ingenierie.consultation_sent_on = days(-1)
    setattr(ingenierie, field, days(1))
    message = refused(lambda: save_ingenierie(ingenierie, by=personas.officer_a), field)
    assert "la date ne peut pas être dans le futur" in message


def test_an_ingenierie_cannot_be_finished_before_its_end_date(ingenierie, personas):
    chosen = PrestataireFactory()
    add_proposal(ingenierie, Proposal(prestataire=chosen), by=personas.officer_a)
    ingenierie.selected_prestataire = chosen
    ingenierie.status = "terminee"
    ingenierie.end_on = days(10)
    message = refused(lambda: save_ingenierie(ingenierie, by=personas.officer_a), "status")
    assert "avant sa date de fin" in message


def test_finishing_without_an_end_date_ends_it_today(ingenierie, personas):
    chosen = PrestataireFactory()
    add_proposal(ingenierie, Proposal(prestataire=chosen), by=personas.officer_a)
    ingenierie.selected_prestataire = chosen
    ingenierie.status = "terminee"
    save_ingenierie(ingenierie, by=personas.officer_a)
    ingenierie.refresh_from_db()
    assert ingenierie.end_on == timezone.localdate()


# -- Proposals: decimals, corrections, removal --------------------------------------------


def test_a_score_with_a_french_decimal_comma(ingenierie, personas, client_for):
    prestataire = PrestataireFactory()
    client = client_for(personas.officer_a)
    response = client.post(
        reverse("accompagnements:proposal_add", args=[ingenierie.pk]),
        {"prestataire": prestataire.pk, "score": "49,5", "max_score": "70"},
    )
    assert response.status_code == 302
    assert ingenierie.proposals.get().score == Decimal("49.5")


def test_a_score_above_the_grid_is_refused_on_the_score(ingenierie, personas):
    proposal = Proposal(prestataire=PrestataireFactory(), score=Decimal("70.5"), max_score=70)
    message = refused(lambda: add_proposal(ingenierie, proposal, by=personas.officer_a), "score")
    assert "note maximale (70)" in message


def test_a_proposal_is_not_received_in_the_future(ingenierie, personas):
    proposal = Proposal(prestataire=PrestataireFactory(), received_on=days(1))
    refused(lambda: add_proposal(ingenierie, proposal, by=personas.officer_a), "received_on")


def test_a_proposal_is_corrected_and_removed_with_history(ingenierie, personas, client_for):
    proposal = add_proposal(
        ingenierie, Proposal(prestataire=PrestataireFactory(), score=40), by=personas.officer_a
    )
    proposal.score = Decimal("44.5")
    update_proposal(proposal, by=personas.officer_a)
    response = client_for(personas.officer_a).post(
        reverse("accompagnements:proposal_remove", args=[ingenierie.pk, proposal.pk])
    )
    assert response.status_code == 302
    assert not ingenierie.proposals.exists()
    history = Proposal.history.filter(id=proposal.pk).order_by("history_date")
    assert [(h.history_type, h.score) for h in history] == [
        ("+", Decimal("40.0")),
        ("~", Decimal("44.5")),
        ("-", Decimal("44.5")),
    ]
    assert {h.history_user for h in history} == {personas.officer_a}


def test_the_selected_consultant_s_proposal_cannot_be_removed(ingenierie, personas):
    chosen = PrestataireFactory()
    proposal = add_proposal(ingenierie, Proposal(prestataire=chosen), by=personas.officer_a)
    ingenierie.selected_prestataire = chosen
    save_ingenierie(ingenierie, by=personas.officer_a)
    proposal.refresh_from_db()
    refused(lambda: remove_proposal(proposal, by=personas.officer_a), "prestataire")
    assert ingenierie.proposals.count() == 1


# -- Follow-up ------------------------------------------------------------------------------


def checkpoint(case, **values):
    base = {
        "checked_on": days(-1),
        "headcount": 6,
        "fte": 5,
        "cdi_count": 4,
        "cdd_count": 2,
        "situation": "consolidee",
    }
    return FollowUp(accompagnement=case, **{**base, **values})


def test_follow_up_contracts_cannot_exceed_the_headcount(case, personas):
    followup = checkpoint(case, cdi_count=5, cdd_count=2)
    message = refused(lambda: record_followup(case, followup, by=personas.officer_a), "headcount")
    assert message == "L'effectif salarié doit être au moins égal au nombre de CDI et de CDD."
    record_followup(case, checkpoint(case), by=personas.officer_a)


def test_a_follow_up_is_not_dated_in_the_future(case, personas):
    followup = checkpoint(case, checked_on=days(1))
    refused(lambda: record_followup(case, followup, by=personas.officer_a), "checked_on")


def test_a_follow_up_is_not_dated_before_the_case_opened(case, personas):
    followup = checkpoint(case, checked_on=days(-61))
    message = refused(lambda: record_followup(case, followup, by=personas.officer_a), "checked_on")
    assert "précéder l'ouverture de l'accompagnement" in message
    record_followup(case, checkpoint(case, checked_on=days(-60)), by=personas.officer_a)
