"""Indicators for a year and a territory, and the anonymised dataset, through the API.

The dataset is tests/reporting/factories.py's, whose 2025 figures are worked out by hand
in tests/reporting/test_indicators.py: 4 structures accompanied in France, 3 of them in
Bretagne (53); 5 cases active in the year.
"""

import base64
from urllib.parse import unquote

import pytest

from reporting import anonymity, exports
from reporting.indicators import REGISTRY, Query, Scope
from tests.reporting.factories import YEAR, build_dataset

pytestmark = pytest.mark.django_db

INDICATOR = "/api/v1/indicateurs/{}/"
DATASET = "/api/v1/jeux-de-donnees/accompagnements/"


@pytest.fixture
def dataset(personas):
    return build_dataset(personas)


def test_the_dictionary_lists_every_indicator(personas, api):
    body = api(personas.officer_a).get("/api/v1/indicateurs/").json()
    assert [i["code"] for i in body] == list(REGISTRY)
    size = next(i for i in body if i["code"] == "STR_SIZE_CLASS")
    assert size["ventilation"]["modalites"]["1-9"] == "1 à 9 salariés"
    by_region = next(i for i in body if i["code"] == "STR_REGION")
    assert by_region["ventilation"]["territoires"] == "region"


def test_a_national_figure_for_a_year(dataset, personas, api):
    body = api(personas.national).get(INDICATOR.format("ACT_STRUCTURES"), {"annee": YEAR}).json()
    assert body["valeur"] == 4
    assert body["territoire"] == {"niveau": "national", "code": "", "nom": "France entière"}
    assert (body["annee"], body["version"], body["provisoire"]) == (YEAR, None, True)


def test_a_coordinator_gets_their_region_by_default_and_a_breakdown(dataset, personas, api):
    client = api(personas.coordinator)
    body = client.get(INDICATOR.format("ACT_STRUCTURES"), {"annee": YEAR}).json()
    assert (body["territoire"]["code"], body["valeur"]) == ("53", 3)
    other = api(personas.other_coordinator)
    assert other.get(INDICATOR.format("ACT_STRUCTURES"), {"annee": YEAR}).json()["valeur"] == 1
    sizes = client.get(INDICATOR.format("STR_SIZE_CLASS"), {"annee": YEAR}).json()["valeur"]
    assert sum(sizes.values()) == 3


def test_a_territory_out_of_scope_is_a_404_never_a_partial_figure(dataset, personas, api):
    client = api(personas.officer_a)
    response = client.get(INDICATOR.format("ACT_STRUCTURES"), {"annee": YEAR, "region": "53"})
    assert response.status_code == 404
    other = client.get(INDICATOR.format("ACT_STRUCTURES"), {"annee": YEAR, "departement": "44"})
    assert other.status_code == 404
    own = client.get(INDICATOR.format("ACT_STRUCTURES"), {"annee": YEAR, "departement": "35"})
    assert own.status_code == 200


def test_bad_parameters_are_named_in_french(personas, api):
    client = api(personas.national)
    response = client.get(INDICATOR.format("ACT_STRUCTURES"), {"annee": "1990"})
    assert response.status_code == 400
    assert response.json()["errors"]["annee"][0].startswith("Année entre 2015 et ")
    not_a_year = client.get(INDICATOR.format("ACT_STRUCTURES"), {"annee": "deux mille"})
    assert not_a_year.json()["errors"] == {"annee": ["Un nombre entier valide est requis."]}
    unknown = client.get(INDICATOR.format("NOPE"), {"annee": YEAR})
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "Indicateur inconnu : voir /api/v1/indicateurs/."


def test_the_dataset_is_the_export_page_by_page(dataset, personas, api, monkeypatch):
    # k = 1: the 4 structures of the data set would all be left out with k = 5
    # (tests/reporting/test_anonymity.py); the pages are what is tested here.
    monkeypatch.setattr(anonymity, "K", 1)
    client = api(personas.national)
    rows, url, params = [], DATASET, {"annee": YEAR, "page_size": 2}
    while url:
        body = client.get(url, params).json()
        rows += body["results"]
        url, params = body["next"], None
        if url:
            cursor = unquote(url.split("cursor=")[1])
            # Sealed: not the base64 text "p=<id>" of a plain cursor (the id behind a pseudonym).
            with pytest.raises(UnicodeDecodeError):
                base64.urlsafe_b64decode(cursor).decode("ascii")
    assert len(rows) == 5
    columns = [c.name for c in exports.CASE_COLUMNS]
    assert all(list(row) == columns for row in rows)
    export = list(exports.case_rows(Query(YEAR, Scope.national(), personas.national)))
    assert [row["id_accompagnement"] for row in rows] == [line[1] for line in export]
    assert {row["annee"] for row in rows} == {YEAR}


def test_the_dataset_is_for_the_national_operator_only(dataset, personas, api):
    response = api(personas.coordinator).get(DATASET, {"annee": YEAR})
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Le jeu de données national est réservé à l'opérateur national."
    )


def test_a_forged_dataset_cursor_is_a_404(personas, api):
    response = api(personas.national).get(DATASET, {"annee": YEAR, "cursor": "cD0x"})
    assert response.status_code == 404
