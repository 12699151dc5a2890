"""Screens: access per persona, the case page's actions, a case taken through every phase."""

import pytest
from django.urls import reverse

from accompagnements.forms import CaseForm
from accompagnements.models import (
    Accompagnement,
    ActeurAppui,
    Axis,
    ComiteReview,
    Diagnostic,
    Prestataire,
    State,
)
from accompagnements.services import Conflict, advance, update_case
from territoires.models import Departement
from tests.accompagnements.factories import (
    AccompagnementFactory,
    ActeurAppuiFactory,
    ComiteAppuiFactory,
    IngenierieFactory,
    PrestataireFactory,
)
from tests.accounts.factories import UserFactory
from tests.structures.factories import StructureFactory


@pytest.fixture
def case(personas):
    return AccompagnementFactory(officer=personas.officer_a)


def detail_url(case):
    return reverse("accompagnements:detail", args=[case.pk])


def transition_url(case, name):
    return reverse("accompagnements:transition", args=[case.pk, name])


def test_anonymous_visitor_is_sent_to_login(client, case):
    response = client.get(detail_url(case))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["officer_a", "coordinator", "national", "admin"])
def test_case_page_is_readable_in_scope(client_for, personas, case, persona):
    response = client_for(personas.all_users()[persona]).get(detail_url(case))
    assert response.status_code == 200
    assert case.structure.name in response.text


@pytest.mark.parametrize("persona", ["officer_b", "other_coordinator", "other_officer"])
def test_case_page_out_of_scope_gets_404(client_for, personas, case, persona):
    assert client_for(personas.all_users()[persona]).get(detail_url(case)).status_code == 404


@pytest.mark.parametrize("persona", ["coordinator", "national"])
def test_readers_see_the_case_read_only_without_actions(client_for, personas, case, persona):
    response = client_for(personas.all_users()[persona]).get(detail_url(case))
    assert "lecture seule" in response.text
    assert transition_url(case, "start_diagnostic") not in response.text
    assert reverse("accompagnements:diagnostic", args=[case.pk]) not in response.text


def test_owner_sees_only_the_transitions_possible_now(client_for, personas, case):
    response = client_for(personas.officer_a).get(detail_url(case))
    for name in ("start_diagnostic", "reorient", "abandon"):
        assert transition_url(case, name) in response.text
    for name in ("start_parcours", "close", "reopen"):
        assert transition_url(case, name) not in response.text


def test_case_page_explains_what_blocks_the_next_phase(client_for, personas):
    case = AccompagnementFactory(officer=personas.officer_a, state=State.SUIVI)
    response = client_for(personas.officer_a).get(detail_url(case))
    assert "Enregistrez un point de suivi avant de clôturer" in response.text


@pytest.mark.parametrize(
    ("persona", "status"), [("coordinator", 403), ("national", 403), ("officer_b", 404)]
)
def test_transition_by_non_writer_is_refused(client_for, personas, case, persona, status):
    response = client_for(personas.all_users()[persona]).post(
        transition_url(case, "start_diagnostic"),
        {"start_diagnostic-expected_state": "accueil"},
    )
    assert response.status_code == status
    case.refresh_from_db()
    assert case.state == State.ACCUEIL


def test_refused_transition_shows_the_missing_items(client_for, personas):
    case = AccompagnementFactory(officer=personas.officer_a, state=State.DIAGNOSTIC)
    response = client_for(personas.officer_a).post(
        transition_url(case, "start_parcours"),
        {"start_parcours-expected_state": "diagnostic"},
        follow=True,
    )
    assert "n&#x27;est pas encore rédigé" in response.text
    case.refresh_from_db()
    assert case.state == State.DIAGNOSTIC


def test_stale_form_gets_the_conflict_message(client_for, personas, case):
    client = client_for(personas.officer_a)
    client.post(
        transition_url(case, "start_diagnostic"), {"start_diagnostic-expected_state": "accueil"}
    )
    response = client.post(
        transition_url(case, "abandon"),
        {"abandon-expected_state": "accueil", "abandon-reason": "autre"},
        follow=True,
    )
    assert "en même temps que vous" in response.text
    case.refresh_from_db()
    assert case.state == State.DIAGNOSTIC


def _post(client, url, data, expected=302):
    response = client.post(url, data)
    assert response.status_code == expected, getattr(response, "context", None) and [
        f.errors for f in [response.context.get("form")] if f
    ]
    return response


def _step(client, case, name, **data):
    payload = {f"{name}-expected_state": Accompagnement.objects.get(pk=case.pk).state}
    payload.update({f"{name}-{key}": value for key, value in data.items()})
    _post(client, transition_url(case, name), payload)
    return Accompagnement.objects.get(pk=case.pk).state


def test_officer_takes_a_structure_from_first_contact_to_closed_case_in_the_browser(
    client_for, personas
):
    client = client_for(personas.officer_a)
    structure = StructureFactory()
    prestataire = PrestataireFactory()
    _post(
        client,
        reverse("accompagnements:create", args=[structure.pk]),
        {"channel": "reseau", "request": "Consolider les emplois", "opened_on": "2026-01-05"},
    )
    case = Accompagnement.objects.get(structure=structure)
    assert _step(client, case, "start_diagnostic") == State.DIAGNOSTIC

    diagnostic_url = reverse("accompagnements:diagnostic", args=[case.pk])
    # Opening the form writes nothing: one form per axis, the rows come with the POST.
    forms = client.get(diagnostic_url).context["formset"].forms
    assert not Diagnostic.objects.filter(accompagnement=case).exists()
    axes = [form.initial["axis"] for form in forms]
    assert sorted(axes) == sorted(Axis.values)
    data = {
        "first_interview_on": "2026-01-10",
        "last_interview_on": "2026-01-20",
        "summary": "Fragilité du modèle économique.",
        "validated_by_name": "Mme Durand, présidente",
        "validated_on": "2026-01-25",
        "axes-TOTAL_FORMS": len(axes),
        "axes-INITIAL_FORMS": 0,
        "axes-MIN_NUM_FORMS": 0,
        "axes-MAX_NUM_FORMS": 10,
    }
    for i, axis in enumerate(axes):
        data |= {
            f"axes-{i}-axis": axis,
            f"axes-{i}-priority": 1 if axis == Axis.MODELE_ECONOMIQUE else 4,
            f"axes-{i}-assessment": "",
            f"axes-{i}-recommendations": "",
        }
    _post(client, diagnostic_url, data)
    assert _step(client, case, "start_parcours") == State.PARCOURS

    _post(
        client,
        reverse("accompagnements:parcours", args=[case.pk]),
        {
            "priorities": "Modèle économique",
            "validated_by_name": "Mme Durand",
            "validated_on": "2026-02-01",
        },
    )
    _post(
        client,
        reverse("accompagnements:ingenierie_add", args=[case.pk]),
        {"kind": "individuelle", "title": "Modèle éco", "theme": "restructuration"},
    )
    ingenierie = case.ingenieries.get()
    _post(
        client,
        reverse("accompagnements:proposal_add", args=[ingenierie.pk]),
        {"prestataire": prestataire.pk, "score": 61, "max_score": 70},
    )
    # No convention year in this test: the fund is zero, the overrun is confirmed.
    _post(
        client,
        reverse("pilotage:engagement_add", args=[ingenierie.pk]),
        {
            "funder": "etat",
            "amount": "4000",
            "committed_on": "2026-01-05",
            "confirm_overrun": "on",
        },
    )
    edit = {
        "kind": "individuelle",
        "title": "Modèle éco",
        "theme": "restructuration",
        "selected_prestataire": prestataire.pk,
        "days": "4",
        "daily_rate": "1000",
        "status": "attribuee",
    }
    _post(client, reverse("accompagnements:ingenierie_edit", args=[ingenierie.pk]), edit)
    assert _step(client, case, "start_coordination") == State.COORDINATION

    _post(
        client,
        reverse("accompagnements:ingenierie_edit", args=[ingenierie.pk]),
        edit | {"status": "terminee", "satisfaction": 4},
    )
    assert _step(client, case, "start_suivi") == State.SUIVI
    _post(
        client,
        reverse("accompagnements:followup_add", args=[case.pk]),
        {
            "checked_on": "2026-09-01",
            "headcount": 7,
            "fte": "6.5",
            "cdi_count": 5,
            "cdd_count": 2,
            "situation": "consolidee",
            "satisfaction": 4,
        },
    )
    assert _step(client, case, "close", comment="Objectifs atteints") == State.CLOTURE
    ingenierie.refresh_from_db()
    assert ingenierie.cost == 4000

    page = client_for(personas.coordinator).get(detail_url(case))
    assert page.status_code == 200
    assert "lecture seule" in page.text
    assert case.journal.count() == 6  # the opening and five transitions
    timeline = client_for(personas.coordinator).get(
        reverse("accompagnements:timeline", args=[case.pk])
    )
    assert "<strong>Suivi de l&#x27;accompagnement → clôturé</strong>" in timeline.text


def test_reorientation_in_the_browser_records_the_destination(client_for, personas, case):
    acteur = ActeurAppuiFactory()
    client = client_for(personas.officer_a)
    state = _step(client, case, "reorient", reason="not_eligible", acteur=acteur.pk)
    assert state == State.REORIENTE
    assert Accompagnement.objects.get(pk=case.pk).reoriented_to == acteur


def test_reopen_in_the_browser_requires_a_reason(client_for, personas):
    case = AccompagnementFactory(officer=personas.officer_a, state=State.CLOTURE)
    client = client_for(personas.officer_a)
    assert _step(client, case, "reopen") == State.CLOTURE
    assert _step(client, case, "reopen", comment="Nouveau besoin") == State.SUIVI


@pytest.mark.parametrize(
    ("persona", "status"),
    [("officer_a", 200), ("coordinator", 200), ("officer_b", 404), ("national", 403)],
)
def test_opening_a_case_from_a_structure(client_for, personas, persona, status):
    structure = StructureFactory()
    url = reverse("accompagnements:create", args=[structure.pk])
    assert client_for(personas.all_users()[persona]).get(url).status_code == status


def test_opening_a_second_case_shows_the_open_one(client_for, personas, case):
    url = reverse("accompagnements:create", args=[case.structure.pk])
    response = client_for(personas.officer_a).post(
        url, {"channel": "reseau", "request": "x", "opened_on": "2026-01-05"}
    )
    assert response.status_code == 200
    assert "déjà un accompagnement ouvert" in response.text


@pytest.mark.parametrize(
    "name", ["edit", "diagnostic", "parcours", "action_add", "ingenierie_add", "followup_add"]
)
def test_phase_forms_are_403_for_readers_and_404_out_of_scope(client_for, personas, case, name):
    url = reverse(f"accompagnements:{name}", args=[case.pk])
    assert client_for(personas.coordinator).get(url).status_code == 403
    assert client_for(personas.officer_b).get(url).status_code == 404
    assert client_for(personas.officer_a).get(url).status_code == 200


def test_phase_forms_of_a_terminated_case_are_closed(client_for, personas):
    case = AccompagnementFactory(officer=personas.officer_a, state=State.ABANDONNE)
    url = reverse("accompagnements:diagnostic", args=[case.pk])
    assert client_for(personas.officer_a).get(url).status_code == 403


def test_case_list_shows_only_cases_in_scope(client_for, personas, case):
    other = AccompagnementFactory(
        officer=personas.officer_b, structure=StructureFactory(in_finistere=True)
    )
    response = client_for(personas.officer_b).get(reverse("accompagnements:list"))
    assert other.structure.name in response.text
    assert case.structure.name not in response.text


def test_case_list_filters_by_phase_and_overdue(client_for, personas, case):
    late = AccompagnementFactory(
        officer=personas.officer_a,
        state=State.DIAGNOSTIC,
        state_entered_at="2020-01-01T00:00:00Z",
    )
    client = client_for(personas.officer_a)
    response = client.get(reverse("accompagnements:list"), {"overdue": "true"})
    assert late.structure.name in response.text
    assert case.structure.name not in response.text
    response = client.get(reverse("accompagnements:list"), {"state": "accueil"})
    assert case.structure.name in response.text
    assert late.structure.name not in response.text


def test_workboard_groups_my_cases_and_flags_overdue(client_for, personas, case):
    AccompagnementFactory(
        officer=personas.officer_a,
        state=State.DIAGNOSTIC,
        state_entered_at="2020-01-01T00:00:00Z",
    )
    response = client_for(personas.officer_a).get(reverse("accompagnements:workboard"))
    assert response.status_code == 200
    assert "phase en retard" in response.text
    assert case.structure.name in response.text


def test_only_regional_coordinators_add_consultants(client_for, personas):
    url = reverse("accompagnements:prestataire_add")
    assert client_for(personas.officer_a).get(url).status_code == 403
    client = client_for(personas.coordinator)
    response = client.post(url, {"name": "Cabinet Breizh", "is_active": "on"})
    assert response.status_code == 302
    assert Prestataire.objects.get(name="Cabinet Breizh").region == personas.region


def test_consultant_register_is_read_by_the_region_and_written_by_its_manager(client_for, personas):
    prestataire = PrestataireFactory()
    edit = reverse("accompagnements:prestataire_edit", args=[prestataire.pk])
    assert client_for(personas.officer_a).get(edit).status_code == 403
    assert client_for(personas.other_coordinator).get(edit).status_code == 404
    assert client_for(personas.coordinator).get(edit).status_code == 200
    listing = client_for(personas.officer_b).get(reverse("accompagnements:prestataires"))
    assert prestataire.name in listing.text
    other = client_for(personas.other_officer).get(reverse("accompagnements:prestataires"))
    assert prestataire.name not in other.text


def test_officer_adds_a_support_actor_of_their_department(client_for, personas):
    client = client_for(personas.officer_a)
    response = client.post(
        reverse("accompagnements:acteur_add"),
        {"name": "Couveuse 35", "kind": "incubateur", "departements": [personas.departement_a.pk]},
    )
    assert response.status_code == 302
    acteur = ActeurAppui.objects.get(name="Couveuse 35")
    assert "Couveuse 35" in client.get(reverse("accompagnements:acteurs")).text
    assert "Couveuse 35" not in (
        client_for(personas.officer_b).get(reverse("accompagnements:acteurs")).text
    )
    edit = reverse("accompagnements:acteur_edit", args=[acteur.pk])
    assert client_for(personas.coordinator).get(edit).status_code == 403


def test_regional_actor_is_visible_in_every_covered_department(client_for, personas):
    ActeurAppuiFactory(
        name="CRESS Bretagne",
        kind="cress",
        dla=personas.coordinator.dla,
        departements=list(personas.region.departements.all()),
    )
    response = client_for(personas.officer_b).get(reverse("accompagnements:acteurs"))
    assert response.text.count("CRESS Bretagne") == 1


def test_comite_records_an_opinion_on_a_case(client_for, personas, case):
    comite = ComiteAppuiFactory(dla=personas.officer_a.dla)
    url = reverse("accompagnements:comite", args=[comite.pk])
    response = client_for(personas.officer_a).post(
        url, {"accompagnement": case.pk, "opinion": "favorable"}
    )
    assert response.status_code == 302
    assert ComiteReview.objects.get(comite=comite).accompagnement == case
    assert client_for(personas.coordinator).get(url).status_code == 200
    assert client_for(personas.coordinator).post(url, {}).status_code == 403
    assert "favorable" in client_for(personas.officer_a).get(detail_url(case)).text


def test_ingenierie_page_is_404_out_of_scope(client_for, personas, case):
    ingenierie = IngenierieFactory()
    url = reverse("accompagnements:ingenierie", args=[ingenierie.pk])
    assert client_for(personas.officer_a).get(url).status_code == 200
    assert client_for(personas.other_officer).get(url).status_code == 404
    edit = reverse("accompagnements:ingenierie_edit", args=[ingenierie.pk])
    assert client_for(personas.coordinator).get(edit).status_code == 403


def test_home_sections_show_counts_from_the_data(client_for, personas, case):
    AccompagnementFactory(officer=personas.officer_a, state=State.DIAGNOSTIC)
    response = client_for(personas.officer_a).get(reverse("home"))
    phases = response.context["sections"][0]["phases"]
    assert [p["count"] for p in phases] == [1, 1, 0, 0, 0]
    response = client_for(personas.coordinator).get(reverse("home"))
    rows = response.context["sections"][0]["rows"]
    ille_et_vilaine = Departement.objects.get(code="35")
    assert rows == [
        {
            "territory": "35 - Ille-et-Vilaine",
            # Each count links to the case list filtered on that department.
            "filter": f"departement={ille_et_vilaine.pk}",
            "counts": [
                ("accueil", 1),
                ("diagnostic", 1),
                ("parcours", 0),
                ("coordination", 0),
                ("suivi", 0),
            ],
            "overdue": 0,
        }
    ]
    assert client_for(personas.national).get(reverse("home")).status_code == 200


def test_case_is_handed_over_only_within_the_owning_dla(client_for, personas, case):
    colleague = UserFactory(username="alice2", dla=personas.officer_a.dla)
    client = client_for(personas.officer_a)
    url = reverse("accompagnements:edit", args=[case.pk])
    data = {"channel": "reseau", "request": "Aide RH", "opened_on": "2026-01-05"}
    response = client.post(url, data | {"officer": personas.officer_b.pk})
    assert response.status_code == 200
    assert client.post(url, data | {"officer": colleague.pk}).status_code == 302
    case.refresh_from_db()
    assert case.officer == colleague


def test_editing_a_case_whose_phase_just_changed_writes_nothing(client_for, personas, case):
    client = client_for(personas.officer_a)
    url = reverse("accompagnements:edit", args=[case.pk])
    form_page = client.get(url)
    assert form_page.status_code == 200
    # Another tab moves the case between the form's load and its submission.
    stale = Accompagnement.objects.get(pk=case.pk)
    advance(case, "start_diagnostic", by=personas.officer_a)
    form = CaseForm(
        {
            "officer": personas.officer_a.pk,
            "channel": "reseau",
            "request": "changé",
            "opened_on": "2026-01-05",
        },
        instance=stale,
    )
    assert form.is_valid()
    with pytest.raises(Conflict):
        update_case(form.save(commit=False), by=personas.officer_a)
    assert Accompagnement.objects.get(pk=case.pk).request != "changé"


def test_case_list_shows_a_bad_filter_value_next_to_its_field(personas, client_for):
    response = client_for(personas.officer_a).get("/accompagnements/", {"state": "inconnue"})
    assert response.status_code == 200
    assert 'id="id_state_error"' in response.text
    assert "Sélectionnez un choix valide" in response.text


def test_the_timeline_tells_which_fields_of_the_case_its_diagnostic_and_parcours_changed(
    client_for, personas, case
):
    """The histories (django-simple-history) of the case, its diagnostic and its parcours:
    a diagnostic or parcours begun, then each later record's changed fields by name."""
    from accompagnements.services.history import save_by
    from tests.accompagnements.factories import DiagnosticFactory, ParcoursFactory

    officer = personas.officer_a
    case.request = "Consolider le modèle économique"
    save_by(case, officer)
    diagnostic = DiagnosticFactory(accompagnement=case)
    diagnostic.summary, diagnostic.recommendations = "Gouvernance à revoir", "Former le bureau"
    save_by(diagnostic, officer)
    parcours = ParcoursFactory(accompagnement=case)
    parcours.priorities = "1. Gouvernance"
    save_by(parcours, officer)

    text = client_for(officer).get(reverse("accompagnements:timeline", args=[case.pk])).text
    case_changed = "Fiche de l&#x27;accompagnement modifié : demande de la structure"
    assert f"<strong>{case_changed}</strong>" in text
    assert "<strong>Diagnostic partagé commencé</strong>" in text
    assert "<strong>Diagnostic partagé modifié : synthèse, préconisations</strong>" in text
    assert "<strong>Parcours commencé</strong>" in text
    assert (
        "<strong>Parcours modifié : axes de changement retenus, par ordre de priorité</strong>"
        in text
    )
