"""Structures, cases and registers through the API: what the pages show, nothing more."""

import re

import pytest
from django.urls import reverse

from tests.accompagnements.factories import (
    AccompagnementFactory,
    ActeurAppuiFactory,
    DiagnosticFactory,
    IngenierieFactory,
    PlanActionFactory,
    PrestataireFactory,
)
from tests.security.world import build_world
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db

CASES = "/api/v1/accompagnements/"
STRUCTURES = "/api/v1/structures/"


def all_ids(api_client, url, **params):
    """Follow the cursor links to the end."""
    ids, data = [], {**params, "page_size": 2}
    while url:
        body = api_client.get(url, data).json()
        ids += [item["id"] for item in body["results"]]
        url, data = body["next"], None
    return ids


def page_case_ids(client, user):
    client.force_login(user)
    # Every case, closed ones included: the web list opens on open cases, the API lists all.
    html = client.get(reverse("accompagnements:list"), {"statut": "tous"}).text
    client.logout()
    return sorted({int(pk) for pk in re.findall(r'href="/accompagnements/(\d+)/"', html)})


@pytest.mark.parametrize(
    "persona", ["officer_a", "officer_b", "coordinator", "other_coordinator", "national"]
)
def test_a_token_lists_exactly_the_cases_its_owner_sees_on_the_case_list(
    personas, client, api, persona
):
    build_world(personas)
    user = getattr(personas, persona)
    expected = page_case_ids(client, user)
    assert expected, "the world gives every persona something to see"
    assert sorted(all_ids(api(user), CASES)) == expected


def test_a_case_out_of_scope_is_a_json_404(personas, api):
    world = build_world(personas)
    theirs = world.get("case", "o")
    response = api(personas.officer_a).get(f"{CASES}{theirs.pk}/")
    assert response.status_code == 404
    assert response.json() == {
        "detail": "Introuvable, ou hors de votre périmètre.",
        "code": "not_found",
    }
    assert api(personas.other_officer).get(f"{CASES}{theirs.pk}/").status_code == 200


def test_an_unknown_api_address_is_a_json_404(personas, api):
    response = api(personas.officer_a).get("/api/v1/nimporte-quoi/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_anonymous_calls_get_a_json_401_in_french(client):
    response = client.get(CASES)
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Informations d'authentification non fournies.",
        "code": "not_authenticated",
    }


def test_a_signed_in_browser_reads_the_api_with_its_session(personas, client):
    build_world(personas)
    client.force_login(personas.officer_a)
    assert client.get(STRUCTURES).status_code == 200


def test_the_case_detail_has_its_phase_journal_diagnostic_and_ingenieries(personas, api):
    case = AccompagnementFactory(
        officer=personas.officer_a, opened_on="2026-02-03", request="Consolider l'emploi"
    )
    DiagnosticFactory(accompagnement=case, validated=True, summary="Gouvernance à clarifier")
    ingenierie = IngenierieFactory(attributed=True, title="Modèle économique", days=4)
    PlanActionFactory(accompagnement=case, ingenierie_action=True, ingenierie=ingenierie)
    from accompagnements.services import advance

    advance(case, "start_diagnostic", by=personas.officer_a, comment="Premier entretien")
    body = api(personas.officer_a).get(f"{CASES}{case.pk}/").json()
    assert body["phase"] == "diagnostic"
    assert body["ouvert_le"] == "2026-02-03"
    assert body["structure"] == {"id": case.structure_id, "nom": case.structure.name}
    assert body["charge"]["id"] == personas.officer_a.pk
    assert [(j["de"], j["vers"], j["commentaire"]) for j in body["journal"]] == [
        ("accueil", "diagnostic", "Premier entretien")
    ]
    iso = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d"
    assert re.fullmatch(iso, body["journal"][0]["le"])
    assert body["diagnostic"]["synthese"] == "Gouvernance à clarifier"
    assert body["diagnostic"]["valide"] is True
    assert "validated_by_name" not in str(body)
    assert "Marie Durand" not in str(body)
    [ing] = body["ingenieries"]
    assert (ing["id"], ing["intitule"], ing["statut"], ing["jours"], ing["cout"]) == (
        ingenierie.pk,
        "Modèle économique",
        "attribuee",
        4.0,
        4000.0,
    )
    assert ing["prestataire"]["id"] == ingenierie.selected_prestataire_id


def test_a_case_without_diagnostic_says_null(personas, api):
    case = AccompagnementFactory(officer=personas.officer_a)
    body = api(personas.officer_a).get(f"{CASES}{case.pk}/").json()
    assert body["diagnostic"] is None
    assert body["journal"] == []
    assert body["ingenieries"] == []


def test_case_filters_are_those_of_the_case_list(personas, api):
    in_accueil = AccompagnementFactory(officer=personas.officer_a)
    in_suivi = AccompagnementFactory(officer=personas.officer_a, state="suivi")
    client = api(personas.officer_a)
    assert all_ids(client, CASES, state="suivi") == [in_suivi.pk]
    assert all_ids(client, CASES, state="accueil") == [in_accueil.pk]
    assert all_ids(client, CASES, officer=personas.officer_a.pk) == [in_accueil.pk, in_suivi.pk]


def test_a_filter_outside_ones_territory_is_a_clear_400(personas, api):
    response = api(personas.officer_a).get(CASES, {"officer": personas.other_officer.pk})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"] == "Paramètres invalides : voir « errors »."
    assert list(body["errors"]) == ["officer"]
    assert "Sélectionnez un choix valide" in body["errors"]["officer"][0]


def test_structure_filters_are_those_of_the_structure_list(personas, api):
    rennes = StructureFactory(name="Théâtre de Rennes", in_qpv=True)
    StructureFactory(name="Chorale de Saint-Malo", postal_code="35400", commune="Saint-Malo")
    client = api(personas.officer_a)
    assert all_ids(client, STRUCTURES, q="theatre") == [rennes.pk]
    assert all_ids(client, STRUCTURES, in_qpv="oui") == [rennes.pk]
    body = client.get(f"{STRUCTURES}{rennes.pk}/").json()
    assert (body["nom"], body["departement"], body["region"], body["qpv"]) == (
        "Théâtre de Rennes",
        "35",
        "53",
        True,
    )


def test_pages_follow_ids_and_a_forged_cursor_is_a_404(personas, api):
    structures = [StructureFactory() for _ in range(5)]
    client = api(personas.officer_a)
    assert all_ids(client, STRUCTURES) == [s.pk for s in structures]
    forged = client.get(STRUCTURES, {"cursor": "cD1hYmM="})  # base64 of "p=abc"
    assert forged.status_code == 404
    assert forged.json()["code"] == "not_found"
    too_big = client.get(STRUCTURES, {"page_size": "500"})
    assert too_big.status_code == 400
    assert too_big.json()["errors"] == {"page_size": ["Entier entre 1 et 200."]}


def test_registers_are_scoped_like_their_pages(personas, api):
    own = PrestataireFactory(name="Conseil Breton")
    PrestataireFactory(name="Conseil Ligérien", in_other_region=True)
    acteur = ActeurAppuiFactory(name="Incubateur rennais")
    client = api(personas.officer_a)
    prestataires = client.get("/api/v1/prestataires/").json()["results"]
    assert [p["nom"] for p in prestataires] == ["Conseil Breton"]
    assert prestataires[0]["region"] == "53"
    assert client.get(f"/api/v1/prestataires/{own.pk}/").status_code == 200
    acteurs = client.get("/api/v1/acteurs-appui/").json()["results"]
    assert [(a["nom"], a["departements"]) for a in acteurs] == [("Incubateur rennais", ["35"])]
    assert api(personas.other_officer).get(f"/api/v1/acteurs-appui/{acteur.pk}/").status_code == 404


def _cases(personas, n):
    return [AccompagnementFactory(officer=personas.officer_a) for _ in range(n)]


@pytest.mark.parametrize("n", [1, 20])
def test_case_list_query_count(personas, api, django_assert_num_queries, n):
    _cases(personas, n)
    client = api(personas.officer_a)
    # 1. the token with its holder and DLA; 2. the page of cases with structure, DLA, officer.
    with django_assert_num_queries(2):
        response = client.get(CASES)
    assert len(response.json()["results"]) == n


@pytest.mark.parametrize("n", [1, 20])
def test_structure_list_query_count(personas, api, django_assert_num_queries, n):
    for _ in range(n):
        StructureFactory()
    client = api(personas.officer_a)
    # 1. the token with its holder and DLA; 2. the page of structures with department, region.
    with django_assert_num_queries(2):
        response = client.get(STRUCTURES)
    assert len(response.json()["results"]) == n


@pytest.mark.parametrize("n", [1, 5])
def test_case_detail_query_count(personas, api, django_assert_num_queries, n):
    case = AccompagnementFactory(officer=personas.officer_a)
    DiagnosticFactory(accompagnement=case)
    for _ in range(n):
        PlanActionFactory(accompagnement=case, ingenierie_action=True)
    client = api(personas.officer_a)
    # 1. token; 2. the case with structure, DLA, officer; 3. journal with users;
    # 4. diagnostic; 5. its axes; 6. visible ingénieries with their consultant.
    with django_assert_num_queries(6):
        response = client.get(f"{CASES}{case.pk}/")
    assert len(response.json()["ingenieries"]) == n


@pytest.mark.parametrize("n", [1, 20])
def test_acteur_list_query_count(personas, api, django_assert_num_queries, n):
    for _ in range(n):
        ActeurAppuiFactory()
    client = api(personas.officer_a)
    # 1. token; 2. actors with region and DLA; 3. their departments.
    with django_assert_num_queries(3):
        response = client.get("/api/v1/acteurs-appui/")
    assert len(response.json()["results"]) == n
