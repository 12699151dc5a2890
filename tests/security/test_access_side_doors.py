"""The access matrix, continued: the side doors that name other objects.

A duplicate warning, an "already exists" refusal or a conflict names the object it
found. The look-ups behind them search wider than the reader's territory (a SIREN
knows no border), so each message must go through ``visible_to`` like the pages:
as every persona, the world's markers of objects they may not see never appear.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from stdnum import luhn

from tests.security.test_access_matrix import assert_no_leak
from tests.security.world import build_world
from tests.structures.factories import StructureFactory
from tests.structures.spreadsheet_files import csv_bytes

# Who may register structures, with a department they may register in.
IMPORTERS = {
    "officer_a": ("35000", "Rennes"),
    "officer_b": ("29200", "Brest"),
    "coordinator": ("35000", "Rennes"),
    "other_coordinator": ("44000", "Nantes"),
    "other_officer": ("44000", "Nantes"),
    "admin": ("35000", "Rennes"),
}
HEADERS = ["Nom", "SIRET", "Forme juridique", "Secteur", "Code postal", "Commune"]


def sibling_siret(siret: str, establishment: int) -> str:
    """Another establishment of the same company: same SIREN, so a likely duplicate."""
    body = f"{siret[:9]}{establishment:04d}"
    return body + luhn.calc_check_digit(body)


def similar_name(structure) -> str:
    """A name the duplicate check finds close, which does not contain the marker itself."""
    return structure.name.replace("-", " ", 1)


def near_copies(world, postal_code, commune):
    """One row per structure of the world: its SIREN, a name close to its own."""
    rows = []
    for n, key in enumerate(["a", "b", "o"], start=2):
        structure = world.get("structure", key)
        rows.append(
            [
                similar_name(structure),
                sibling_siret(structure.siret, n),
                "association",
                "culture",
                postal_code,
                commune,
            ]
        )
    return rows


@pytest.mark.parametrize("label", sorted(IMPORTERS))
def test_import_preview_names_only_the_duplicates_its_reader_may_see(label, personas, client):
    world = build_world(personas)
    user = personas.all_users()[label]
    client.force_login(user)
    data = csv_bytes(HEADERS, near_copies(world, *IMPORTERS[label]))
    response = client.post(
        reverse("structures:import"), {"file": SimpleUploadedFile("doublons.csv", data)}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Doublons probables" in body, "the rows must be warned about, or nothing is tested"
    assert_no_leak(response, user, world, "import preview")


@pytest.mark.parametrize("label", sorted(IMPORTERS))
def test_create_form_duplicate_and_siret_messages_name_only_what_the_reader_sees(
    label, personas, client
):
    world = build_world(personas)
    user = personas.all_users()[label]
    client.force_login(user)
    postal_code, commune = IMPORTERS[label]
    for key in ["a", "b", "o"]:
        structure = world.get("structure", key)
        base = {
            "name": similar_name(structure),
            "legal_form": "association",
            "sector": "culture",
            "postal_code": postal_code,
            "commune": commune,
            "headcount": "0",
            "cdi_count": "0",
            "cdd_count": "0",
            "fte": "0",
        }
        for siret in (sibling_siret(structure.siret, 7), structure.siret):
            response = client.post(reverse("structures:create"), {**base, "siret": siret})
            assert response.status_code == 200, f"{key} {siret}: nothing may be created"
            assert_no_leak(response, user, world, f"create form ({key}, {siret})")


def test_the_import_preview_says_a_hidden_duplicate_exists_without_naming_it(personas, client):
    """Officer A, Ille-et-Vilaine: a row sharing the SIREN of a Loire-Atlantique structure."""
    other = StructureFactory(in_loire_atlantique=True, name="Les Ateliers de Chantenay")
    client.force_login(personas.officer_a)
    data = csv_bytes(
        HEADERS,
        [["Nouvelle structure", sibling_siret(other.siret, 3), "association", "culture",
          "35000", "Rennes"]],
    )  # fmt: skip
    response = client.post(
        reverse("structures:import"), {"file": SimpleUploadedFile("doublon.csv", data)}
    )
    body = response.content.decode()
    assert (
        "ressemble à\n      une structure hors de votre territoire (contactez le DLA concerné)"
        " : même SIREN." in body
    )
    assert "Chantenay" not in body
    assert "Nantes" not in body
