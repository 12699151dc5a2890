"""The case file in the browser: an exchange, a document, the diagnostic PDF, a transfer."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accompagnements.models import Accompagnement
from dossiers.models import DocumentKind
from tests.accompagnements.factories import AccompagnementFactory, DiagnosticFactory
from tests.e2e.conftest import login, screenshot
from tests.e2e.pages import fill_form, submit
from tests.uploads.files import pdf_bytes

pytestmark = pytest.mark.e2e


@pytest.fixture
def case(personas):
    case = AccompagnementFactory(
        officer=personas.officer_a,
        state="diagnostic",
        opened_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    DiagnosticFactory(accompagnement=case, summary="Gouvernance à clarifier.")
    return case


def test_officer_logs_an_exchange_uploads_a_document_and_generates_the_diagnostic(page, case):
    login(page, case.officer)
    page.goto(case.get_absolute_url())

    page.get_by_role("link", name="Noter un échange").click()
    form = page.locator("main form")
    when = timezone.localtime() - datetime.timedelta(hours=2)
    fill_form(
        form,
        {
            "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
            "kind": "telephone",
            "subject": "Appel de la trésorière",
            "summary": "Les comptes 2025 arrivent la semaine prochaine.",
        },
    )
    submit(form)
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("Téléphone : Appel de la trésorière")

    page.get_by_role("link", name="Ajouter un document").first.click()
    form = page.locator("main form")
    fill_form(form, {"kind": "statuts", "title": "Statuts 2024"})
    form.locator('input[name="file"]').set_input_files(
        {"name": "statuts.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    submit(form)
    expect(page.locator("#documents").locator("..")).to_contain_text("Statuts 2024")

    with page.expect_navigation():
        page.get_by_role("button", name="Diagnostic partagé (PDF)").click()
    expect(page.get_by_text("généré : il est rangé dans les documents")).to_be_visible()
    screenshot(page, "dossier-accompagnement")
    link = page.get_by_role("link", name="v1 · diagnostic-partage")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert case.documents.filter(kind=DocumentKind.DIAGNOSTIC).count() == 1


def test_a_case_is_transferred_to_another_dla_which_accepts_it(page, case, personas):
    login(page, personas.officer_a)
    page.goto(case.get_absolute_url())
    page.get_by_text("Passer la main").click()
    page.get_by_role("link", name="Transférer à un autre DLA").click()
    form = page.locator("main form")
    fill_form(
        form,
        {"to_dla": personas.officer_b.dla_id, "reason": "La structure s'installe à Brest."},
    )
    submit(form)
    expect(page.locator(".message--success")).to_contain_text("Transfert proposé à")
    page.get_by_role("button", name="Se déconnecter").click()

    login(page, personas.officer_b)
    page.goto("/accompagnements/transferts/")
    page.get_by_role("link", name=str(case.structure)).click()
    expect(page.get_by_text("La structure s'installe à Brest.")).to_be_visible()
    form = page.locator("main form")
    fill_form(form, {"officer": personas.officer_b.pk})
    submit(form, "Accepter le transfert")
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(case.structure))
    moved = Accompagnement.objects.get(pk=case.pk)
    assert (moved.dla_id, moved.officer_id) == (personas.officer_b.dla_id, personas.officer_b.pk)
    # The timeline, loaded after the page, tells the handover.
    expect(page.locator("ol.timeline")).to_contain_text("Transfert accepté par")


def test_without_javascript_the_timeline_opens_as_a_page(browser, live_server, case):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, case.officer)
        page.goto(case.get_absolute_url())
        expect(page.locator("ol.timeline")).to_have_count(0)  # nothing loads it
        page.get_by_role("link", name="Voir l'historique").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Historique")
        expect(page.locator("ol.timeline")).to_contain_text("Diagnostic partagé commencé")
    finally:
        context.close()
