"""Structures from the public register of companies, on recorded answers (respx, no network)."""

import json
from pathlib import Path

import httpx
import pytest
import respx
from django.conf import settings
from django.core.cache import cache

from structures import registre
from structures.models import LegalForm, Structure
from structures.registre import RegisterUnavailable
from structures.registre.mapping import LEGAL_FORMS
from structures.tasks import recheck_register
from tests.accompagnements.factories import AccompagnementFactory
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent.parent / "fixtures" / "registre"
THEATRE = "77567227200017"
SCOP_BREST = "51234567900025"


def recorded(name):
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def register():
    """The register, answering from the recorded files; any other call fails the test."""
    with respx.mock(base_url=settings.ENTREPRISES_API_URL, assert_all_called=False) as mock:
        search = mock.get("/search")
        answers = {
            THEATRE: "siret_theatre.json",
            SCOP_BREST: "siret_scop_ferme.json",
            "vent": "nom_vent.json",
        }

        def answer(request):
            name = answers.get(request.url.params["q"], "aucun_resultat.json")
            return httpx.Response(200, json=recorded(name))

        search.side_effect = answer
        yield search


def test_an_establishment_is_read_as_a_structure_would_hold_it(register):
    entry = registre.find_siret(THEATRE)
    assert entry.name == "THEATRE DU VENT"
    assert (entry.address, entry.postal_code, entry.commune) == (
        "12 RUE DE LA PAIX",
        "35000",
        "RENNES",
    )
    assert (entry.legal_form, entry.nature_juridique) == (LegalForm.ASSOCIATION, "9220")
    assert (entry.naf_code, entry.headcount_label) == ("90.01Z", "10 à 19 salariés")
    assert entry.is_ess is True
    assert entry.rna == "W353001234"
    assert entry.closed is False
    assert register.calls.last.request.url.params["q"] == THEATRE


def test_the_matching_establishment_is_read_not_the_head_office(register):
    entry = registre.find_siret(SCOP_BREST)
    assert (entry.siret, entry.commune, entry.is_siege) == (SCOP_BREST, "BREST", False)
    assert entry.legal_form == LegalForm.SCOP
    assert entry.closed is True


@pytest.mark.parametrize(
    ("category", "form"),
    [
        ("9220", "association"),
        ("5458", "scop"),
        ("5558", "scop"),
        ("5560", "scic"),
        ("5460", "scic"),
        ("8210", "mutuelle"),
        ("9300", "fondation"),
        ("9223", "groupement_employeurs"),
    ],
)
def test_insee_legal_categories_map_to_our_legal_forms(category, form):
    assert LEGAL_FORMS[category] == form


def test_answers_are_cached(register):
    registre.find_siret(THEATRE)
    registre.find_siret(THEATRE)
    assert register.call_count == 1


def test_the_form_is_prefilled_and_nothing_is_saved_before_confirmation(register, personas, client):
    client.force_login(personas.officer_a)
    page = client.get("/structures/nouvelle/", {"repertoire": THEATRE})
    assert page.status_code == 200
    html = page.text
    assert "Formulaire prérempli depuis le répertoire des entreprises" in html
    assert 'name="name" value="THEATRE DU VENT"' in html
    assert f'name="siret" value="{THEATRE}"' in html
    assert 'name="postal_code" value="35000"' in html
    assert 'name="naf_code" value="90.01Z"' in html
    assert 'name="rna" value="W353001234"' in html
    assert '<option value="association" selected>' in html
    assert "10 à 19 salariés" in html
    assert not Structure.objects.exists()


def test_the_confirmed_form_saves_the_structure(register, personas, client):
    client.force_login(personas.officer_a)
    response = client.post(
        "/structures/nouvelle/",
        {
            "name": "THEATRE DU VENT",
            "siret": THEATRE,
            "rna": "W353001234",
            "legal_form": "association",
            "sector": "culture",
            "address": "12 RUE DE LA PAIX",
            "postal_code": "35000",
            "commune": "RENNES",
            "naf_code": "90.01Z",
            "headcount": "12",
            "fte": "10",
            "cdi_count": "10",
            "cdd_count": "2",
        },
    )
    assert response.status_code == 302
    structure = Structure.objects.get()
    assert (structure.naf_code, structure.departement.code) == ("90.01Z", "35")
    assert register.call_count == 0, "a submitted form is not looked up again"


def test_a_closed_establishment_is_flagged_on_the_form(register, personas, client):
    client.force_login(personas.officer_b)
    html = client.get("/structures/nouvelle/", {"repertoire": SCOP_BREST}).text
    assert "Établissement fermé au répertoire des entreprises." in html
    assert f'name="siret" value="{SCOP_BREST}"' in html
    assert '<option value="scop" selected>' in html


def test_a_name_lists_candidates_as_an_htmx_fragment(register, personas, client):
    client.force_login(personas.officer_a)
    fragment = client.get("/structures/repertoire/", {"repertoire": "vent"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert fragment.text.count("Reprendre<span") == 2
    assert f'href="/structures/nouvelle/?repertoire={THEATRE}"' in fragment.text
    assert "ASSOCIATION VENT D&#x27;OUEST" in fragment.text


def test_without_javascript_the_search_reloads_the_form_page(register, personas, client):
    structure = StructureFactory()
    client.force_login(personas.officer_a)
    url = f"/structures/{structure.pk}/modifier/"
    html = client.get(url, {"repertoire": "vent"}).text
    assert f'href="{url}?repertoire={THEATRE}"' in html
    assert 'name="name" value="Association des Amis' in html, "the form keeps its values"


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (httpx.ConnectError("refusé"), "Le répertoire des entreprises est injoignable"),
        (httpx.ReadTimeout("lent"), "ne répond pas assez vite"),
        (httpx.Response(429), "reçoit trop de demandes"),
        (httpx.Response(503), "est indisponible"),
    ],
)
def test_a_register_down_or_slow_never_blocks_typing_by_hand(personas, client, failure, message):
    client.force_login(personas.officer_a)
    with respx.mock(base_url=settings.ENTREPRISES_API_URL) as mock:
        route = mock.get("/search")
        if isinstance(failure, httpx.Response):
            route.return_value = failure
        else:
            route.side_effect = failure
        page = client.get("/structures/nouvelle/", {"repertoire": THEATRE})
    assert page.status_code == 200
    assert message in page.text.replace("&#x27;", "'")
    assert "saisissez la structure à la main" in page.text or "réessayez" in page.text
    assert 'name="name"' in page.text


def test_an_unknown_siret_says_so(register, personas, client):
    client.force_login(personas.officer_a)
    html = client.get("/structures/nouvelle/", {"repertoire": "88765432500026"}).text
    assert "Le SIRET 88765432500026 est inconnu du répertoire" in html


def test_the_import_preview_cell_checks_one_siret(register, personas, client):
    client.force_login(personas.officer_b)
    cell = client.get(
        "/structures/repertoire/verifier/", {"siret": SCOP_BREST}, HTTP_HX_REQUEST="true"
    )
    assert cell.text.strip() == "<strong>oui, fermé</strong>"
    page = client.get("/structures/repertoire/verifier/", {"siret": THEATRE})
    assert "établissement actif" in page.text
    assert "<html" in page.text


def test_a_national_operator_does_not_register_structures(personas, client):
    client.force_login(personas.national)
    assert client.get("/structures/repertoire/", {"repertoire": "vent"}).status_code == 403


def test_the_weekly_check_flags_establishments_closed_since(register, personas):
    open_scop = StructureFactory(siret=SCOP_BREST, in_finistere=True)
    open_theatre = StructureFactory(siret=THEATRE)
    no_open_case = StructureFactory(siret="88765432500018", in_finistere=True)
    AccompagnementFactory(structure=open_scop, officer=personas.officer_b)
    AccompagnementFactory(structure=open_theatre, officer=personas.officer_a)
    AccompagnementFactory(
        structure=no_open_case, officer=personas.officer_b, state="cloture", closed_on="2025-01-01"
    )
    assert recheck_register.delay().get() == 1
    open_scop.refresh_from_db()
    open_theatre.refresh_from_db()
    no_open_case.refresh_from_db()
    assert open_scop.register_closed is True
    assert open_scop.register_checked_on is not None
    assert open_scop.history.first().history_change_reason == (
        "Vérification au répertoire des entreprises"
    )
    assert open_theatre.register_closed is False
    assert open_theatre.register_checked_on is not None
    assert no_open_case.register_checked_on is None, "only active structures are checked"
    assert register.call_count == 2
    # Idempotent: run again the same day, nothing is asked again.
    assert recheck_register.delay().get() == 0
    assert register.call_count == 2


def test_the_weekly_check_stops_and_retries_when_the_register_is_down(personas):
    structure = StructureFactory(siret=THEATRE)
    AccompagnementFactory(structure=structure, officer=personas.officer_a)
    with respx.mock(base_url=settings.ENTREPRISES_API_URL) as mock:
        mock.get("/search").side_effect = httpx.ConnectError("refusé")
        with pytest.raises(RegisterUnavailable):
            recheck_register.run()
    structure.refresh_from_db()
    assert structure.register_checked_on is None


def test_the_register_url_is_a_setting(settings, personas, client):
    settings.ENTREPRISES_API_URL = ""
    client.force_login(personas.officer_a)
    html = client.get("/structures/nouvelle/", {"repertoire": THEATRE}).text
    assert "Reprendre les informations du répertoire" not in html
    assert 'name="name"' in html
