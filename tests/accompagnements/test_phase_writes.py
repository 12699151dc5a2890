"""Phase writes go through services: created on POST only, atomic, with their history rows."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from accompagnements.models import (
    ActionKind,
    Axis,
    Diagnostic,
    DiagnosticAxis,
    Ingenierie,
    IngenierieTheme,
    Parcours,
    PlanAction,
    Priority,
)
from accompagnements.services.diagnostic import save_diagnostic
from accompagnements.services.ingenierie import create_ingenierie, mark_informed
from tests.accompagnements.factories import (
    AccompagnementFactory,
    IngenierieFactory,
    PlanActionFactory,
    PrestataireFactory,
)


@pytest.fixture
def case(personas):
    return AccompagnementFactory(officer=personas.officer_a, state="diagnostic")


def axes_post(values, **changes):
    data = {
        "axes-TOTAL_FORMS": len(values),
        "axes-INITIAL_FORMS": 0,
        "axes-MIN_NUM_FORMS": 0,
        "axes-MAX_NUM_FORMS": 10,
    }
    for i, value in enumerate(values):
        data |= {
            f"axes-{i}-axis": value,
            f"axes-{i}-priority": changes.get(value, Priority.NONE),
            f"axes-{i}-assessment": "",
            f"axes-{i}-recommendations": "",
        }
    return data


def test_opening_the_diagnostic_and_parcours_forms_writes_nothing(client_for, personas, case):
    client = client_for(personas.officer_a)
    diagnostic = client.get(reverse("accompagnements:diagnostic", args=[case.pk]))
    parcours = client.get(reverse("accompagnements:parcours", args=[case.pk]))
    assert (diagnostic.status_code, parcours.status_code) == (200, 200)
    assert len(diagnostic.context["formset"].forms) == len(Axis.values) == 10
    assert not Diagnostic.objects.exists()
    assert not DiagnosticAxis.objects.exists()
    assert not Parcours.objects.exists()


def test_first_diagnostic_save_writes_all_ten_axes_with_their_history(client_for, personas, case):
    client = client_for(personas.officer_a)
    # Only one axis changed: the nine untouched forms are not saved by the formset,
    # the service still creates their rows.
    data = {"summary": "Fragile."} | axes_post(
        sorted(Axis.values), **{Axis.GOUVERNANCE: Priority.HIGH}
    )
    response = client.post(reverse("accompagnements:diagnostic", args=[case.pk]), data)
    assert response.status_code == 302
    diagnostic = Diagnostic.objects.get(accompagnement=case)
    priorities = dict(diagnostic.axes.values_list("axis", "priority"))
    assert len(priorities) == 10
    assert priorities[Axis.GOUVERNANCE] == Priority.HIGH
    assert {p for axis, p in priorities.items() if axis != Axis.GOUVERNANCE} == {Priority.NONE}
    assert DiagnosticAxis.history.filter(history_type="+").count() == 10
    assert set(DiagnosticAxis.history.values_list("history_user", flat=True)) == {
        personas.officer_a.pk
    }
    assert diagnostic.history.get().history_user == personas.officer_a


def test_a_tampered_duplicate_axis_is_a_form_error_and_writes_nothing(client_for, personas, case):
    client = client_for(personas.officer_a)
    values = [Axis.GOUVERNANCE, Axis.GOUVERNANCE]
    data = axes_post(values, **{Axis.GOUVERNANCE: Priority.HIGH})
    response = client.post(reverse("accompagnements:diagnostic", args=[case.pk]), data)
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors()
    assert not Diagnostic.objects.exists()


def test_diagnostic_service_writes_nothing_when_an_axis_fails(personas, case):
    axes = [DiagnosticAxis(axis=Axis.GOUVERNANCE), DiagnosticAxis(axis=Axis.GOUVERNANCE)]
    with pytest.raises(IntegrityError):
        save_diagnostic(case, Diagnostic(), axes, by=personas.officer_a)
    assert not Diagnostic.objects.exists()
    assert not DiagnosticAxis.objects.exists()


def test_new_ingenierie_is_commissioned_by_the_case_dla_and_joins_the_plan(personas, case):
    PlanActionFactory(accompagnement=case)
    ingenierie = create_ingenierie(
        case,
        Ingenierie(kind="individuelle", title="Organisation", theme=IngenierieTheme.ORGANISATION),
        by=personas.officer_a,
    )
    action = PlanAction.objects.get(ingenierie=ingenierie)
    assert ingenierie.dla == case.dla
    assert (action.accompagnement, action.position, action.kind) == (case, 2, ActionKind.INGENIERIE)
    assert action.history.get().history_user == personas.officer_a
    assert ingenierie.history.get().history_user == personas.officer_a


def test_informing_a_candidate_leaves_a_history_row(personas):
    ingenierie = IngenierieFactory()
    proposal = ingenierie.proposals.create(prestataire=PrestataireFactory(), score=40)
    mark_informed(proposal, by=personas.officer_a)
    proposal.refresh_from_db()
    assert proposal.informed
    latest = proposal.history.order_by("-history_id").first()
    assert (latest.informed, latest.history_user) == (True, personas.officer_a)
