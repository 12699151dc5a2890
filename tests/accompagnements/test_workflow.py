"""The state machine: every transition allowed and refused, per guard and per persona."""

import pytest
from django.core.exceptions import PermissionDenied

from accompagnements.models import AbandonReason, ReorientationReason, State, TransitionLog
from accompagnements.services import (
    CaseAlreadyOpen,
    Conflict,
    TransitionRefused,
    advance,
    available_transitions,
    open_case,
)
from tests.accompagnements.factories import (
    AccompagnementFactory,
    ActeurAppuiFactory,
    DiagnosticFactory,
    FollowUpFactory,
    IngenierieFactory,
    ParcoursFactory,
    PlanActionFactory,
)
from tests.accounts.factories import UserFactory
from tests.structures.factories import StructureFactory


@pytest.fixture
def case(personas):
    return AccompagnementFactory(officer=personas.officer_a)


def at(state, personas, **traits):
    return AccompagnementFactory(officer=personas.officer_a, state=state, **traits)


def refusal(case, transition, by, **params):
    with pytest.raises(TransitionRefused) as excinfo:
        advance(case, transition, by=by, **params)
    return " ".join(excinfo.value.messages)


def test_officer_takes_a_case_from_accueil_to_cloture_through_every_phase(personas, case):
    officer = personas.officer_a
    case = advance(case, "start_diagnostic", by=officer)
    DiagnosticFactory(accompagnement=case, validated=True)
    case = advance(case, "start_parcours", by=officer)
    ParcoursFactory(accompagnement=case, validated=True)
    action = PlanActionFactory(
        accompagnement=case, ingenierie_action=True, ingenierie__attributed=True
    )
    case = advance(case, "start_coordination", by=officer)
    action.ingenierie.status = "terminee"
    action.ingenierie.save()
    case = advance(case, "start_suivi", by=officer)
    FollowUpFactory(accompagnement=case)
    case = advance(case, "close", by=officer, comment="Objectifs atteints.")

    case.refresh_from_db()
    assert case.state == State.CLOTURE
    assert case.closed_on is not None
    journal = list(case.journal.values_list("from_state", "to_state", "user_id"))
    assert journal == [
        ("accueil", "diagnostic", officer.pk),
        ("diagnostic", "parcours", officer.pk),
        ("parcours", "coordination", officer.pk),
        ("coordination", "suivi", officer.pk),
        ("suivi", "cloture", officer.pk),
    ]
    assert case.journal.last().comment == "Objectifs atteints."


def test_plan_without_ingenierie_goes_straight_to_suivi(personas):
    case = at(State.PARCOURS, personas, plan_without_ingenierie=True)
    case = advance(case, "skip_to_suivi", by=personas.officer_a)
    assert case.state == State.SUIVI


def test_leaving_diagnostic_without_a_diagnostic_is_refused(personas):
    case = at(State.DIAGNOSTIC, personas)
    assert "n'est pas encore rédigé" in refusal(case, "start_parcours", personas.officer_a)


def test_leaving_diagnostic_names_who_and_when_missing_for_validation(personas):
    case = at(State.DIAGNOSTIC, personas)
    DiagnosticFactory(accompagnement=case)
    message = refusal(case, "start_parcours", personas.officer_a)
    assert "qui, à la structure, a validé le diagnostic" in message
    assert "date de validation du diagnostic" in message


def test_leaving_diagnostic_validated_only_by_name_asks_for_the_date(personas):
    case = at(State.DIAGNOSTIC, personas)
    DiagnosticFactory(accompagnement=case, validated_by_name="M. Martin, trésorier")
    message = refusal(case, "start_parcours", personas.officer_a)
    assert "date de validation du diagnostic" in message
    assert "qui" not in message


def test_leaving_parcours_without_a_plan_is_refused(personas):
    case = at(State.PARCOURS, personas)
    assert "pas encore élaboré" in refusal(case, "skip_to_suivi", personas.officer_a)
    assert "pas encore élaboré" in refusal(case, "start_coordination", personas.officer_a)


def test_leaving_parcours_with_an_empty_validated_plan_is_refused(personas):
    case = at(State.PARCOURS, personas)
    ParcoursFactory(accompagnement=case, validated=True)
    assert "au moins une action" in refusal(case, "skip_to_suivi", personas.officer_a)


def test_leaving_parcours_with_a_plan_not_validated_by_the_structure_is_refused(personas):
    case = at(State.PARCOURS, personas)
    ParcoursFactory(accompagnement=case)
    PlanActionFactory(accompagnement=case)
    message = refusal(case, "skip_to_suivi", personas.officer_a)
    assert "a validé le parcours" in message
    assert "date de validation du parcours" in message


def test_coordination_needs_a_selected_consultant_for_every_ingenierie(personas):
    case = at(State.PARCOURS, personas, plan_with_ingenierie=True)
    PlanActionFactory(accompagnement=case, ingenierie_action=True, ingenierie__attributed=True)
    pending = case.plan_actions.get(ingenierie__selected_prestataire__isnull=True).ingenierie
    message = refusal(case, "start_coordination", personas.officer_a)
    assert f"« {pending} » n'a pas de prestataire retenu" in message


def test_coordination_without_any_ingenierie_points_to_the_suivi_shortcut(personas):
    case = at(State.PARCOURS, personas, plan_without_ingenierie=True)
    assert "passez directement au suivi" in refusal(case, "start_coordination", personas.officer_a)


def test_suivi_shortcut_is_refused_when_the_plan_holds_an_ingenierie(personas):
    case = at(State.PARCOURS, personas, plan_with_ingenierie=True)
    assert "passez par la coordination" in refusal(case, "skip_to_suivi", personas.officer_a)


def test_suivi_after_coordination_needs_every_ingenierie_finished(personas):
    case = at(State.COORDINATION, personas)
    action = PlanActionFactory(
        accompagnement=case, ingenierie_action=True, ingenierie__attributed=True
    )
    message = refusal(case, "start_suivi", personas.officer_a)
    assert f"« {action.ingenierie} » n'est ni terminée ni annulée" in message


def test_closing_without_a_followup_checkpoint_is_refused(personas):
    case = at(State.SUIVI, personas)
    assert "point de suivi" in refusal(case, "close", personas.officer_a)


def test_closing_after_a_followup_checkpoint_is_allowed(personas):
    case = at(State.SUIVI, personas, followup_recorded=True)
    assert advance(case, "close", by=personas.officer_a).state == State.CLOTURE


@pytest.mark.parametrize("state", [State.ACCUEIL, State.DIAGNOSTIC])
def test_reorientation_records_reason_and_destination(personas, state):
    case = at(state, personas)
    acteur = ActeurAppuiFactory()
    case = advance(
        case,
        "reorient",
        by=personas.officer_a,
        reason=ReorientationReason.NOT_ELIGIBLE,
        acteur=acteur,
        comment="Pas de salarié.",
    )
    assert (case.state, case.reoriented_to, case.left_state) == (State.REORIENTE, acteur, state)
    log = case.journal.last()
    assert log.details == {
        "reason": "not_eligible",
        "acteur": {"id": acteur.pk, "label": acteur.name},
    }


@pytest.mark.parametrize("state", [State.PARCOURS, State.COORDINATION, State.SUIVI])
def test_reorientation_after_diagnostic_is_refused(personas, state):
    case = at(state, personas)
    message = refusal(
        case, "reorient", personas.officer_a, reason="autre", acteur=ActeurAppuiFactory()
    )
    assert "n'est pas possible depuis la phase" in message


@pytest.mark.parametrize("state", State.OPEN)
def test_abandon_is_possible_from_every_open_phase_and_reopen_returns_there(personas, state):
    case = at(state, personas)
    case = advance(case, "abandon", by=personas.officer_a, reason=AbandonReason.NO_ANSWER)
    assert case.state == State.ABANDONNE
    case = advance(case, "reopen", by=personas.officer_a, comment="La structure revient.")
    assert case.state == state
    assert case.closed_on is None
    assert case.abandon_reason == ""


@pytest.mark.parametrize("state", State.TERMINAL)
def test_abandon_from_a_terminal_state_is_refused(personas, state):
    case = at(state, personas)
    assert "n'est pas possible" in refusal(
        case, "abandon", personas.officer_a, reason=AbandonReason.AUTRE
    )


def test_reopen_of_a_closed_case_returns_to_suivi(personas):
    case = at(State.CLOTURE, personas)
    case = advance(case, "reopen", by=personas.officer_a, comment="Nouveau besoin.")
    assert case.state == State.SUIVI


def test_reopen_without_a_reason_is_refused(personas):
    case = at(State.CLOTURE, personas)
    assert "raison" in refusal(case, "reopen", personas.officer_a)


def test_reopen_is_refused_while_the_structure_has_another_open_case(personas):
    old = at(State.CLOTURE, personas)
    AccompagnementFactory(officer=personas.officer_a, structure=old.structure)
    message = refusal(old, "reopen", personas.officer_a, comment="Erreur de clôture.")
    assert "déjà un autre accompagnement ouvert" in message


def test_open_phase_transitions_are_refused_from_the_wrong_phase(personas, case):
    assert "n'est pas possible depuis la phase « accueil »" in refusal(
        case, "close", personas.officer_a
    )


def test_unknown_action_is_refused(personas, case):
    assert "Action inconnue" in refusal(case, "delete", personas.officer_a)


# Permissions per persona. The case belongs to department A's DLA.
WRITERS_OF_DEPARTEMENTAL_CASE = {"officer_a", "admin"}
WRITERS_OF_REGIONAL_CASE = {"coordinator", "admin"}


ALL_PERSONAS = [
    "officer_a",
    "officer_b",
    "coordinator",
    "other_coordinator",
    "other_officer",
    "national",
    "admin",
]


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_only_the_owning_dla_and_admins_advance_a_departmental_case(personas, case, persona):
    user = personas.all_users()[persona]
    if persona in WRITERS_OF_DEPARTEMENTAL_CASE:
        assert advance(case, "start_diagnostic", by=user).state == State.DIAGNOSTIC
        assert TransitionLog.objects.get(accompagnement=case).user == user
    else:
        with pytest.raises(PermissionDenied):
            advance(case, "start_diagnostic", by=user)
        assert not TransitionLog.objects.filter(accompagnement=case).exists()


@pytest.mark.parametrize("persona", ["officer_a", "coordinator", "other_coordinator", "admin"])
def test_coordinator_advances_the_cases_their_regional_dla_owns(personas, persona):
    user = personas.all_users()[persona]
    case = AccompagnementFactory(
        officer=personas.coordinator, structure=StructureFactory(is_network=True)
    )
    if persona in WRITERS_OF_REGIONAL_CASE:
        assert advance(case, "start_diagnostic", by=user).state == State.DIAGNOSTIC
    else:
        with pytest.raises(PermissionDenied):
            advance(case, "start_diagnostic", by=user)


def test_colleague_of_the_same_dla_may_advance_the_case(personas, case):
    colleague = UserFactory(username="alice2", dla=personas.officer_a.dla)
    assert advance(case, "start_diagnostic", by=colleague).state == State.DIAGNOSTIC


def test_available_transitions_lists_only_what_the_user_may_do_now(personas, case):
    names = [name for name, _ in available_transitions(case, personas.officer_a)]
    assert names == sorted(["abandon", "reorient", "start_diagnostic"])
    for reader in ("coordinator", "national", "officer_b"):
        assert available_transitions(case, personas.all_users()[reader]) == []


def test_available_transitions_hide_those_whose_guard_fails(personas):
    case = at(State.DIAGNOSTIC, personas)
    names = {name for name, _ in available_transitions(case, personas.officer_a)}
    assert names == {"abandon", "reorient"}


def test_stale_page_gets_a_conflict_message(personas, case):
    stale_state = case.state
    advance(case, "start_diagnostic", by=personas.officer_a)
    with pytest.raises(Conflict) as excinfo:
        advance(case, "abandon", by=personas.officer_a, expected_state=stale_state, reason="autre")
    assert "en même temps que vous" in str(excinfo.value)
    assert "diagnostic partagé" in str(excinfo.value)


def test_state_cannot_be_assigned_directly(case):
    with pytest.raises(AttributeError):
        case.state = State.CLOTURE


def test_open_case_journals_the_opening(personas):
    structure = StructureFactory()
    case = open_case(structure, by=personas.officer_a, channel="reseau", request="Aide RH")
    assert (case.state, case.dla, case.officer) == (
        State.ACCUEIL,
        personas.officer_a.dla,
        personas.officer_a,
    )
    assert case.journal.get().to_state == State.ACCUEIL


def test_open_case_is_refused_while_another_is_open(personas):
    structure = StructureFactory()
    open_case(structure, by=personas.officer_a, channel="reseau", request="Aide RH")
    with pytest.raises(CaseAlreadyOpen):
        open_case(structure, by=personas.officer_a, channel="reseau", request="Encore")


def test_officer_of_other_department_cannot_open_a_case(personas):
    with pytest.raises(PermissionDenied):
        open_case(StructureFactory(), by=personas.officer_b, channel="reseau", request="x")


def test_national_cannot_open_a_case(personas):
    with pytest.raises(PermissionDenied):
        open_case(StructureFactory(), by=personas.national, channel="reseau", request="x")


def test_a_structure_may_have_a_new_case_after_the_previous_one_closed(personas):
    old = at(State.CLOTURE, personas)
    new = open_case(old.structure, by=personas.officer_a, channel="structure", request="Retour")
    assert new.structure.accompagnements.count() == 2


def test_collective_ingenierie_is_shared_by_several_cases(personas):
    ingenierie = IngenierieFactory(kind="collective")
    cases = [at(State.PARCOURS, personas) for _ in range(3)]
    for case in cases:
        PlanActionFactory(accompagnement=case, ingenierie_action=True, ingenierie=ingenierie)
    assert set(ingenierie.accompagnements.all()) == set(cases)
    assert list(cases[0].ingenieries.all()) == [ingenierie]


def ready_for(transition, personas):
    """A case of department A where ``transition``'s guards are all satisfied."""
    officer = personas.officer_a
    setups = {
        "start_diagnostic": ({"state": State.ACCUEIL}, {}),
        "start_parcours": ({"state": State.DIAGNOSTIC, "diagnostic_validated": True}, {}),
        "start_coordination": (
            {
                "state": State.PARCOURS,
                "plan_with_ingenierie": True,
                "action__ingenierie__attributed": True,
            },
            {},
        ),
        "skip_to_suivi": ({"state": State.PARCOURS, "plan_without_ingenierie": True}, {}),
        "start_suivi": ({"state": State.COORDINATION}, {}),
        "close": ({"state": State.SUIVI, "followup_recorded": True}, {}),
        "reorient": (
            {"state": State.ACCUEIL},
            {"reason": ReorientationReason.AUTRE, "acteur": ActeurAppuiFactory()},
        ),
        "abandon": ({"state": State.PARCOURS}, {"reason": AbandonReason.AUTRE}),
        "reopen": ({"state": State.CLOTURE}, {"comment": "Nouvelle demande"}),
    }
    traits, params = setups[transition]
    return AccompagnementFactory(officer=officer, **traits), params


EXPECTED_TARGET = {
    "start_diagnostic": State.DIAGNOSTIC,
    "start_parcours": State.PARCOURS,
    "start_coordination": State.COORDINATION,
    "skip_to_suivi": State.SUIVI,
    "start_suivi": State.SUIVI,
    "close": State.CLOTURE,
    "reorient": State.REORIENTE,
    "abandon": State.ABANDONNE,
    "reopen": State.SUIVI,
}


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("transition", sorted(EXPECTED_TARGET))
def test_every_transition_is_allowed_to_writers_and_refused_to_others(
    personas, transition, persona
):
    case, params = ready_for(transition, personas)
    user = personas.all_users()[persona]
    if persona in WRITERS_OF_DEPARTEMENTAL_CASE:
        assert transition in dict(available_transitions(case, user))
        assert advance(case, transition, by=user, **params).state == EXPECTED_TARGET[transition]
        assert case.journal.get().user == user
    else:
        assert transition not in dict(available_transitions(case, user))
        with pytest.raises(PermissionDenied):
            advance(case, transition, by=user, **params)
        assert not case.journal.exists()


def test_reopen_with_an_unknown_left_phase_is_refused_not_crashed(personas):
    case = at(State.ABANDONNE, personas)  # e.g. imported data without the phase it left
    assert "phase quittée" in refusal(case, "reopen", personas.officer_a, comment="Retour")
