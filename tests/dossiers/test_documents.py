"""Documents on a case: upload, versions, download, soft delete, consent to share."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dossiers.models import Document, DocumentKind, DocumentVersion, Source
from dossiers.services import add_document, add_version, delete_document, set_shared_with_comite
from tests.accompagnements.factories import AccompagnementFactory, IngenierieFactory
from tests.structures.factories import StructureFactory
from tests.uploads.files import EXE, pdf_bytes, png_bytes, zip_bytes

from .factories import case_document, upload


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "documents"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def case(personas):
    return AccompagnementFactory(officer=personas.officer_a)


def test_an_upload_is_stored_under_our_own_name_with_its_checked_type(case, settings):
    document = case_document(case, upload=upload("../../Statuts signés.pdf"))
    version = document.versions.get()
    assert version.original_name == "Statuts signés.pdf"
    assert version.content_type == "application/pdf"
    assert version.size == len(pdf_bytes())
    assert version.storage_name.startswith("documents/")
    assert version.storage_name.endswith(".pdf")
    assert "Statuts" not in version.storage_name
    [path] = stored_files(settings)
    assert path.read_bytes() == pdf_bytes()
    assert document.title == "Statuts signés"


def test_a_refused_upload_stores_nothing(case, settings):
    with pytest.raises(Exception, match="programme exécutable"):
        case_document(case, upload=upload("facture.pdf", EXE))
    assert Document.objects.count() == 0
    assert stored_files(settings) == []


def test_an_oversized_upload_is_refused_with_the_limit(case, settings):
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 1_000
    with pytest.raises(Exception, match="pèse 2,1 ko : la taille maximale est de 1 ko"):
        case_document(case, upload=upload("gros.pdf", pdf_bytes(b"%" + b"x" * 2_000 + b"\n")))
    assert Document.objects.count() == 0
    assert stored_files(settings) == []


def test_a_polyglot_upload_is_refused_and_stores_nothing(case, personas, client_for, settings):
    # A PDF hiding an archive: ZIP readers would open it as one (docs/case-file.md).
    polyglot = pdf_bytes(b"% " + zip_bytes({"payload.txt": b"x"}) + b"\n")
    response = client_for(personas.officer_a).post(
        reverse("dossiers:add_to_case", args=[case.pk]),
        {"kind": "statuts", "file": upload("statuts.pdf", polyglot)},
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["file"]
    assert "polyglotte" in message
    assert Document.objects.count() == 0
    assert DocumentVersion.objects.count() == 0
    assert stored_files(settings) == []


def test_a_new_version_keeps_the_old_one(case, personas):
    document = case_document(case)
    add_version(document, upload=upload("statuts-v2.pdf"), by=personas.officer_a)
    versions = list(document.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert [v.original_name for v in versions] == ["statuts.pdf", "statuts-v2.pdf"]
    assert versions[0].storage_name != versions[1].storage_name


def test_soft_delete_hides_the_document_and_is_journaled(case, personas, client_for):
    document = case_document(case)
    version = document.versions.get()
    delete_document(document, by=personas.officer_a, reason="Doublon")
    document.refresh_from_db()
    assert document.deleted_by == personas.officer_a
    assert document.deletion_reason == "Doublon"
    last = document.history.latest()
    assert last.history_user == personas.officer_a
    assert last.deleted_at is not None
    assert not Document.objects.alive().exists()
    assert DocumentVersion.objects.filter(pk=version.pk).exists()  # the file is kept
    client = client_for(personas.officer_a)
    assert client.get(reverse("dossiers:download", args=[version.pk])).status_code == 404
    assert client.get(reverse("dossiers:document", args=[document.pk])).status_code == 404


def test_consent_to_share_with_the_comite_is_journaled(case, personas):
    document = case_document(case)
    assert document.shared_with_comite is False
    set_shared_with_comite(document, shared=True, by=personas.officer_a)
    document.refresh_from_db()
    assert document.shared_with_comite is True
    assert document.history.latest().history_user == personas.officer_a


def test_an_officer_of_another_department_cannot_add_a_document(case, personas):
    with pytest.raises(PermissionDenied):
        case_document(case, by=personas.officer_b)
    assert Document.objects.count() == 0


def test_a_document_without_an_author_must_come_from_a_secure_link(case):
    with pytest.raises(PermissionDenied):
        add_document(upload=upload(), kind="autre", by=None, accompagnement=case)
    document = add_document(
        upload=upload("proposition.pdf"),
        kind=DocumentKind.PROPOSITION,
        by=None,
        accompagnement=case,
        source=Source.PRESTATAIRE,
    )
    assert document.versions.get().source == Source.PRESTATAIRE


def test_documents_attach_to_a_structure_or_an_ingenierie(personas):
    structure = StructureFactory(departement=personas.departement_a)
    ingenierie = IngenierieFactory(dla=personas.officer_a.dla)
    on_structure = add_document(
        upload=upload(), kind="statuts", by=personas.officer_a, structure=structure
    )
    on_ingenierie = add_document(
        upload=upload("cdc.png", png_bytes()),
        kind="cahier_des_charges",
        by=personas.officer_a,
        ingenierie=ingenierie,
    )
    assert on_structure.anchor == structure
    assert on_ingenierie.anchor == ingenierie
    assert on_ingenierie.versions.get().content_type == "image/png"


# -- Views ------------------------------------------------------------------------------


def test_officer_uploads_through_the_case_page_form(case, personas, client_for, settings):
    client = client_for(personas.officer_a)
    url = reverse("dossiers:add_to_case", args=[case.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"kind": "statuts", "title": "Statuts 2024", "file": upload("statuts.pdf")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accompagnements:detail", args=[case.pk]) + "#documents"
    assert case.documents.get().title == "Statuts 2024"


def test_a_disguised_file_is_refused_on_the_form_naming_the_field(case, personas, client_for):
    client = client_for(personas.officer_a)
    url = reverse("dossiers:add_to_case", args=[case.pk])
    response = client.post(url, {"kind": "facture", "file": upload("facture.pdf", EXE)})
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Ce fichier est un programme exécutable, quel que soit son nom : il n'est pas accepté."
    ]
    assert Document.objects.count() == 0


def test_download_is_an_attachment_that_no_browser_sniffs(case, personas, client_for):
    document = case_document(case, upload=upload("Compte rendu « AG ».pdf"))
    version = document.versions.get()
    response = client_for(personas.coordinator).get(reverse("dossiers:download", args=[version.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=utf-8''Compte%20rendu%20%C2%AB%20AG%20%C2%BB.pdf"
        in (response["Content-Disposition"])
    )
    assert b"".join(response.streaming_content) == pdf_bytes()
    response.close()


def test_officer_of_another_region_gets_404_on_every_document_route(case, personas, client_for):
    document = case_document(case)
    version = document.versions.get()
    client = client_for(personas.other_officer)
    for name, pk in [
        ("dossiers:document", document.pk),
        ("dossiers:delete", document.pk),
        ("dossiers:download", version.pk),
        ("dossiers:add_to_case", case.pk),
    ]:
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    for name in ("dossiers:version_add", "dossiers:sharing", "dossiers:delete"):
        assert client.post(reverse(name, args=[document.pk])).status_code == 404, name


def test_a_reader_of_the_region_may_download_but_not_delete(case, personas, client_for):
    document = case_document(case)
    client = client_for(personas.coordinator)
    assert client.get(reverse("dossiers:document", args=[document.pk])).status_code == 200
    assert client.post(reverse("dossiers:delete", args=[document.pk])).status_code == 403
    assert Document.objects.alive().count() == 1


def test_delete_asks_for_confirmation_then_deletes(case, personas, client_for):
    document = case_document(case)
    client = client_for(personas.officer_a)
    url = reverse("dossiers:delete", args=[document.pk])
    assert "Supprimer le document" in client.get(url).text
    assert Document.objects.alive().count() == 1
    response = client.post(url, {"reason": "Mauvais fichier"})
    assert response.status_code == 302
    assert Document.objects.alive().count() == 0


def test_a_new_version_through_the_document_page(case, personas, client_for):
    document = case_document(case)
    client = client_for(personas.officer_a)
    url = reverse("dossiers:version_add", args=[document.pk])
    response = client.post(url, {"file": upload("statuts-signes.pdf")})
    assert response.status_code == 302
    page = client.get(reverse("dossiers:document", args=[document.pk])).text
    assert "statuts-signes.pdf" in page
    assert "v2" in page
