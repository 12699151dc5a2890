"""Indicators for a year and a territory, and the anonymised dataset, through the API.

The dataset is tests/reporting/factories.py's, whose 2025 figures are worked out by hand
in tests/reporting/test_indicators.py: 4 structures accompanied in France, 3 of them in
Bretagne (53); 5 cases active in the year.
"""

import base64
from urllib.parse import unquote

import jsonschema
import pytest

from accompagnements.models import Diagnostic
from reporting import anonymity, campaigns, exports, figures, snapshots
from reporting.indicators import REGISTRY, Query, Scope
from territoires.actors import SYSTEM
from territoires.models import Region
from tests.reporting.factories import YEAR, build_dataset
from tests.reporting.known_answers import build_known_answers
from tests.reporting.test_exports import parse_csv

pytestmark = pytest.mark.django_db

INDICATOR = "/api/v1/indicateurs/{}/"
DATASET = "/api/v1/jeux-de-donnees/accompagnements/"


@pytest.fixture
def dataset(personas):
    return build_dataset(personas)


def assert_matches_the_schema(client, body, component="IndicatorValue"):
    """A frozen year's answer against the published OpenAPI schema (the fuzz test only
    meets provisional years)."""
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    jsonschema.Draft202012Validator(
        {"$ref": f"#/components/schemas/{component}", "components": schema["components"]}
    ).validate(body)


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
    # Not frozen: computed live, nothing published yet.
    assert (body["statut"], body["valeur_publiee"], body["instantane"]) == (
        "provisoire",
        None,
        None,
    )


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
    for live in ("", "direct"):
        refused = client.get(INDICATOR.format("ACT_STRUCTURES"), {"calcul": live})
        assert refused.status_code == 400
        assert list(refused.json()["errors"]) == ["calcul"]
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


def test_a_frozen_year_is_read_from_its_snapshot_as_every_output_publishes_it(personas, api):
    """The known-answer data set (tests/reporting/known_answers.py), 2025 frozen, then a
    correction: the API keeps the frozen figures and the cells the publication hides."""
    known = build_known_answers(personas)
    snapshot = campaigns.freeze_year(2025, by=SYSTEM).snapshot
    # After the freeze, K10's diagnostic gets its validator: live 2025 has 4 validated
    # diagnostics (K6, K7, K9, K10), the frozen figures keep 3.
    Diagnostic.objects.filter(accompagnement=known.cases["k10"]).update(
        validated_by_name="Mme Le Bihan"
    )
    national = api(personas.national)
    body = national.get(INDICATOR.format("ACT_DIAGNOSTICS"), {"annee": 2025}).json()
    assert (body["valeur"], body["valeur_publiee"]) == (3, 3)
    assert (body["statut"], body["version"], body["provisoire"]) == ("publie", 1, False)
    assert body["instantane"]["version"] == 1
    assert body["instantane"]["sha256"] == snapshot.checksum
    assert_matches_the_schema(national, body)
    live = national.get(
        INDICATOR.format("ACT_DIAGNOSTICS"), {"annee": 2025, "calcul": "provisoire"}
    ).json()
    assert (live["valeur"], live["statut"], live["version"]) == (4, "provisoire", None)
    refused = api(personas.coordinator).get(
        INDICATOR.format("ACT_DIAGNOSTICS"), {"annee": 2025, "calcul": "provisoire"}
    )
    assert refused.status_code == 403

    # Structures accompanied in 2025: 35 has 6 (K2, K3, K6, K10, K11, K12), 29 has 2 (K5,
    # K7), Bretagne 8; all hidden (test_known_answers.py works the plan out), 22 and 56 0.
    def api_cell(client, **territory):
        found = client.get(INDICATOR.format("ACT_STRUCTURES"), {"annee": 2025, **territory})
        return found.json()["valeur"], found.json()["valeur_publiee"]

    assert api_cell(national, region="53") == (8, "s")
    assert api_cell(national, departement="35") == (6, "s")
    assert api_cell(national, departement="29") == (2, "s")
    assert api_cell(national, departement="22") == (0, 0)
    # An officer's own department: the whole department as frozen.
    assert api_cell(api(personas.officer_a)) == (6, "s")
    # The same hidden cells in the regional PDF's data, the indicator export and the
    # snapshot's publication.
    region = Query(2025, Scope.for_region(Region.objects.get(code="53")), SYSTEM)
    report = figures.build(region, public=True)
    assert report["snapshot"]["version"] == 1
    pdf = report["public"]["by_territory"]["ACT_STRUCTURES"]
    api_values = {d: api_cell(national, departement=d)[1] for d in ("22", "29", "35", "56")}
    assert pdf == api_values == {"22": 0, "29": "s", "35": "s", "56": 0}
    export = exports.export_file(Query(2025, Scope.national(), SYSTEM), "indicateurs", "csv")
    exported = {
        (row[4], row[5]): row[10]
        for row in parse_csv(export)[1:]
        if row[1] == "ACT_STRUCTURES" and not row[7]
    }
    frozen = snapshots.publication_of(snapshot)
    for d, shown in api_values.items():
        assert exported[("departement", d)] == str(shown)
        assert frozen.public("ACT_STRUCTURES", "departement", d) == shown
    # A breakdown: Bretagne's size classes 0: K10; 1-9: K2, K5, K7, K11; 10-49: K3, K6;
    # 50+: K12; each on fewer than 5 structures, so each hidden.
    sizes = national.get(INDICATOR.format("STR_SIZE_CLASS"), {"annee": 2025, "region": "53"})
    sizes = sizes.json()
    assert {k: sizes["valeur"][k] for k in ("0", "1-9", "10-49", "50+")} == {
        "0": 1,
        "1-9": 4,
        "10-49": 2,
        "50+": 1,
    }
    assert {k: sizes["valeur_publiee"][k] for k in ("0", "1-9", "10-49", "50+")} == dict.fromkeys(
        ("0", "1-9", "10-49", "50+"), "s"
    )
    assert report["public"]["totals"]["STR_SIZE_CLASS"] == sizes["valeur_publiee"]
    assert_matches_the_schema(national, sizes)


def test_a_frozen_dataset_is_read_page_by_page_from_its_snapshot_and_so_are_figures(
    dataset, personas, api, monkeypatch
):
    # k = 1 at the freeze: the 5 cases of the data set are in the frozen dataset.
    monkeypatch.setattr(anonymity, "K", 1)
    stored = snapshots.dataset_of(campaigns.freeze_year(YEAR, by=SYSTEM).snapshot)
    assert len(stored["rows"]) == 5
    # With k = 5 every structure would be left out of a live dataset (test_anonymity.py).
    monkeypatch.setattr(anonymity, "K", 5)
    client = api(personas.national)
    rows, url, params, previous = [], DATASET, {"annee": YEAR, "page_size": 2}, None
    while url:
        body = client.get(url, params).json()
        rows += body["results"]
        previous = body["previous"] or previous
        url, params = body["next"], None
    assert rows == [dict(zip(stored["columns"], row, strict=True)) for row in stored["rows"]]
    # Back from the last page (rows 5) to the one before (rows 3 and 4).
    back = client.get(previous).json()["results"]
    assert back == rows[2:4]
    live = client.get(DATASET, {"annee": YEAR, "calcul": "provisoire"}).json()
    assert live["results"] == []
    forged = client.get(DATASET, {"annee": YEAR, "cursor": "cD0x"})
    assert forged.status_code == 404
    # The same frozen year through the indicator endpoint: France's 4 structures, published.
    body = client.get(INDICATOR.format("ACT_STRUCTURES"), {"annee": YEAR}).json()
    assert (body["valeur"], body["valeur_publiee"], body["statut"]) == (4, 4, "publie")
    # An indicator added to the dictionary after the freeze has no frozen figure.
    frozen_totals = snapshots.scope_totals

    def without_structures(snapshot, scope):
        return {k: v for k, v in frozen_totals(snapshot, scope).items() if k != "ACT_STRUCTURES"}

    monkeypatch.setattr(snapshots, "scope_totals", without_structures)
    body = client.get(INDICATOR.format("ACT_STRUCTURES"), {"annee": YEAR}).json()
    assert (body["valeur"], body["valeur_publiee"], body["statut"]) == (None, None, "publie")
