"""Paperwork generated from a case's data, stored as versioned documents."""

import io
import zipfile

import pytest
from django.urls import reverse

from accompagnements.models import Proposal
from dossiers.models import DocumentKind, Source
from dossiers.paperwork import generate
from dossiers.services import DocumentRefused, open_version
from tests.accompagnements.factories import (
    AccompagnementFactory,
    DiagnosticFactory,
    IngenierieFactory,
    ParcoursFactory,
    PlanActionFactory,
    PrestataireFactory,
)
from tests.reporting.pdf import has_text_string, is_pdf


def read(document):
    with open_version(document.versions.order_by("-number").first()) as handle:
        return handle.read()


@pytest.fixture
def case(personas):
    case = AccompagnementFactory(officer=personas.officer_a, state="diagnostic")
    DiagnosticFactory(accompagnement=case, summary="Gouvernance à clarifier.")
    return case


def test_the_diagnostic_pdf_is_a_generated_document_of_the_case(case, personas):
    document = generate("diagnostic", case, by=personas.officer_a)
    assert document.accompagnement == case
    assert document.kind == DocumentKind.DIAGNOSTIC
    version = document.versions.get()
    assert version.source == Source.GENERATED
    assert version.content_type == "application/pdf"
    content = read(document)
    assert is_pdf(content)
    assert has_text_string(content, "Diagnostic partagé")  # the title, in the metadata


def test_generating_again_adds_a_version(case, personas):
    first = generate("diagnostic", case, by=personas.officer_a)
    again = generate("diagnostic", case, by=personas.officer_a)
    assert again.pk == first.pk
    assert [v.number for v in again.versions.order_by("number")] == [1, 2]


def test_missing_data_is_refused_in_french(personas):
    case = AccompagnementFactory(officer=personas.officer_a)
    with pytest.raises(DocumentRefused, match="diagnostic partagé n'est pas encore rédigé"):
        generate("diagnostic", case, by=personas.officer_a)


def test_the_editable_cahier_des_charges_is_an_odt(personas, case):
    ingenierie = IngenierieFactory(
        dla=case.dla, terms_of_reference="Clarifier la gouvernance.\nAccompagner le bureau."
    )
    PlanActionFactory(accompagnement=case, ingenierie_action=True, ingenierie=ingenierie)
    document = generate("cahier_des_charges_odt", ingenierie, by=personas.officer_a)
    assert document.ingenierie == ingenierie
    content = read(document)
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    text = archive.read("content.xml").decode()
    assert "Clarifier la gouvernance." in text
    assert str(case.structure) in text


def test_the_selection_report_lists_the_proposals(personas, case):
    chosen = PrestataireFactory(name="Cabinet Iroise")
    ingenierie = IngenierieFactory(
        dla=case.dla, selection_report="Meilleure compréhension de la demande."
    )
    PlanActionFactory(accompagnement=case, ingenierie_action=True, ingenierie=ingenierie)
    Proposal.objects.create(ingenierie=ingenierie, prestataire=chosen, score="49.5")
    ingenierie.selected_prestataire = chosen
    ingenierie.save()
    document = generate("pv_selection", ingenierie, by=personas.officer_a)
    assert is_pdf(read(document))


def test_the_case_page_button_generates_the_diagnostic(case, personas, client_for):
    client = client_for(personas.officer_a)
    url = reverse("dossiers:generate_for_case", args=[case.pk, "diagnostic"])
    response = client.post(url)
    assert response.status_code == 302
    assert case.documents.get().kind == DocumentKind.DIAGNOSTIC
    # A reader of the region may not generate; an officer elsewhere does not see the case.
    assert client_for(personas.coordinator).post(url).status_code == 403
    assert client_for(personas.other_officer).post(url).status_code == 404
    unknown = reverse("dossiers:generate_for_case", args=[case.pk, "pv_selection"])
    assert client_for(personas.officer_a).post(unknown).status_code == 404


def test_the_parcours_and_the_bilan_are_pdfs_of_the_case(case, personas):
    ParcoursFactory(accompagnement=case, priorities="Consolider la gouvernance.")
    for code, kind, title in [
        ("parcours", DocumentKind.PARCOURS, "Parcours d'accompagnement"),
        ("bilan", DocumentKind.BILAN, "Bilan de l'accompagnement"),
    ]:
        document = generate(code, case, by=personas.officer_a)
        assert (document.accompagnement, document.kind) == (case, kind)
        content = read(document)
        assert is_pdf(content)
        assert has_text_string(content, title)


def test_the_cahier_des_charges_is_a_pdf_of_the_ingenierie(case, personas):
    ingenierie = IngenierieFactory(dla=case.dla, terms_of_reference="Clarifier la gouvernance.")
    PlanActionFactory(accompagnement=case, ingenierie_action=True, ingenierie=ingenierie)
    document = generate("cahier_des_charges", ingenierie, by=personas.officer_a)
    assert (document.ingenierie, document.kind) == (ingenierie, DocumentKind.CAHIER_DES_CHARGES)
    content = read(document)
    assert is_pdf(content)
    assert has_text_string(content, "Cahier des charges")
