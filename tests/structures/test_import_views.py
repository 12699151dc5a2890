import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demo.structures import siret_for
from structures.models import Structure
from tests.structures.spreadsheet_files import csv_bytes, xlsx_bytes
from tests.structures.test_importing import HEADERS, row, rows

IMPORT_URL = reverse("structures:import")
CONFIRM_URL = reverse("structures:import_confirm")


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, data, name="structures.csv"):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data)})


def test_upload_previews_then_confirm_writes(personas, client_for):
    client = client_for(personas.officer_a)
    response = upload(client, xlsx_bytes(HEADERS, rows()), "s.xlsx")
    assert response.status_code == 200
    assert response.context["created"] == 3
    assert Structure.objects.count() == 0
    token = response.context["token"]
    response = client.post(CONFIRM_URL, {"token": token})
    assert response.status_code == 302
    assert Structure.objects.count() == 3
    assert all(s.history.get().history_user == personas.officer_a for s in Structure.objects.all())
    # The same confirmation cannot be replayed.
    client.post(CONFIRM_URL, {"token": token})
    assert Structure.objects.count() == 3


def test_preview_lists_errors_and_offers_no_confirmation(personas, client_for):
    client = client_for(personas.officer_a)
    response = upload(client, csv_bytes(HEADERS, [row(1), row(2, SIRET="1")]))
    content = response.content.decode()
    assert "rien ne sera enregistré" in content
    assert "14 chiffres (1 saisis)" in content
    assert response.context["token"] is None
    assert CONFIRM_URL not in content


def test_confirm_with_an_unknown_token_writes_nothing(personas, client_for):
    response = client_for(personas.officer_a).post(CONFIRM_URL, {"token": "forged"})
    assert response.status_code == 302
    assert Structure.objects.count() == 0


def test_token_of_another_user_is_refused(personas, client_for, client):
    officer = client_for(personas.officer_a)
    token = upload(officer, csv_bytes(HEADERS, rows())).context["token"]
    client.force_login(personas.admin)
    client.post(CONFIRM_URL, {"token": token})
    assert Structure.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [("s.pdf", 10, "Format non pris en charge"), ("s.csv", 6 * 1024 * 1024, "5 Mo")],
)
def test_upload_type_and_size_are_checked(personas, client_for, name, size, message):
    response = upload(client_for(personas.officer_a), b"x" * size, name)
    assert message in response.content.decode()


def test_national_operator_cannot_import(personas, client_for):
    assert client_for(personas.national).get(IMPORT_URL).status_code == 403


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_template_uploaded_unchanged_is_refused_and_writes_nothing(personas, client_for, fmt):
    client = client_for(personas.officer_a)
    response = client.get(reverse("structures:import_template", args=[fmt]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    response = upload(client, data, f"modele.{fmt}")
    plan = response.context["plan"]
    assert not plan.is_valid
    assert {e.column for e in plan.errors} == {"SIRET", "RNA"}
    assert all("ligne d'exemple du modèle" in e.message for e in plan.errors)
    assert response.context["token"] is None
    assert "Confirmer l'import" not in response.content.decode()
    assert Structure.objects.count() == 0


def test_reimport_through_the_web_updates(personas, client_for):
    client = client_for(personas.officer_a)
    data = csv_bytes(HEADERS, rows())
    client.post(CONFIRM_URL, {"token": upload(client, data).context["token"]})
    changed = csv_bytes(HEADERS, [row(1, Nom="Renommée"), *rows()[1:]])
    response = upload(client, changed)
    assert (response.context["created"], response.context["updated"]) == (0, 1)
    client.post(CONFIRM_URL, {"token": response.context["token"]})
    assert Structure.objects.get(siret=siret_for(5001)).name == "Renommée"
    assert Structure.objects.count() == 3


def test_a_new_upload_drops_the_previous_pending_file(personas, client_for, tmp_path):
    client = client_for(personas.officer_a)
    first = upload(client, csv_bytes(HEADERS, rows())).context["token"]
    upload(client, csv_bytes(HEADERS, rows()))
    stored = list((tmp_path / "structure-imports").iterdir())
    assert len(stored) == 1
    client.post(CONFIRM_URL, {"token": first})
    assert Structure.objects.count() == 0
