"""A coordinator's regional dashboard and PDF report; the national operator's yearly exports."""

import csv
import datetime
import io
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from accompagnements.models import State
from tests.accompagnements.factories import AccompagnementFactory
from tests.e2e.axe import audit
from tests.e2e.conftest import TASK_TIMEOUT_MS, login, screenshot
from tests.e2e.pages import fill_form
from tests.reporting.factories import journal
from tests.reporting.pdf import has_text_string
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def year():
    return timezone.localdate().year


@pytest.fixture
def activity(personas, year):
    """A few cases in both departments of the region, in several phases, with the journal
    the statistics read (docs/statistics.md: a case counts in the years its journal puts
    it in an accompanying phase), written as ``open_case`` and ``advance`` write it."""
    opened = timezone.make_aware(datetime.datetime(year, 1, 2, 9, 0))
    moved = opened + datetime.timedelta(hours=1)
    spread = (
        (personas.officer_a, None, (State.ACCUEIL, State.DIAGNOSTIC, State.CLOTURE)),
        (personas.officer_b, True, (State.ACCUEIL, State.REORIENTE)),
    )
    for officer, in_finistere, states in spread:
        for state in states:
            extra = {"structure": StructureFactory(in_finistere=True)} if in_finistere else {}
            case = AccompagnementFactory(officer=officer, state=state, **extra)
            steps = [("", State.ACCUEIL, opened)]
            if state != State.ACCUEIL:
                steps.append((State.ACCUEIL, state, moved))
            journal(case, officer, steps)


def documented_columns(dataset: str) -> list[str]:
    """The column names listed in docs/exports.md's table for this dataset."""
    text = (Path(settings.BASE_DIR) / "docs" / "exports.md").read_text(encoding="utf-8")
    section = text.split(f"## Jeu `{dataset}`", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| \d+ \| `([a-z_0-9]+)` \|", section, re.M)


def test_coordinator_reviews_the_dashboard_then_downloads_the_regional_report(
    page, personas, activity, year
):
    login(page, personas.coordinator)
    nav = page.get_by_role("navigation", name="Navigation principale")
    nav.get_by_role("link", name="Tableaux de bord").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bretagne")
    expect(page.get_by_role("heading", name="Départements comparés")).to_be_visible()
    screenshot(page, "tableau-de-bord-regional")

    nav.get_by_role("link", name="Rapports").click()
    form = page.locator("main form")
    fill_form(form, {"annee": year, "territoire": "53"})
    screenshot(page, "rapports")
    with page.expect_navigation():
        form.get_by_role("button", name="Produire le rapport").click()

    # The job page polls its status (htmx); the real worker renders the PDF meanwhile.
    status = page.get_by_role("status").filter(has_text=re.compile(r"\w"))
    expect(status).to_have_attribute("aria-live", "polite")  # progress is read out
    screenshot(page, "rapport-en-cours")
    assert not audit(page, "rapport-en-cours")
    download_link = page.get_by_role("link", name="Télécharger le fichier")
    expect(download_link).to_be_visible(timeout=TASK_TIMEOUT_MS)
    expect(status).to_contain_text("Terminé", ignore_case=True)
    screenshot(page, "rapport-pret")

    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF-")
    title = f"Rapport d'activité {year} du DLA"
    assert has_text_string(content, title)  # the document's title metadata
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-l", "2", "-", "-"],
            input=content,
            capture_output=True,
            check=True,
        ).stdout.decode()
        assert title.replace("'", "’") in text.replace("'", "’")
        assert "Bretagne" in text


def test_national_operator_exports_the_yearly_statistics(page, personas, activity, year):
    login(page, personas.national)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Statistiques"
    ).click()
    screenshot(page, "statistiques")
    form = page.locator("main form")
    expected = documented_columns("accompagnements")
    assert expected, "docs/exports.md ne décrit pas le jeu accompagnements"

    # CSV: streamed at once.
    fill_form(form, {"annee": year, "jeu": "accompagnements", "format": "csv"})
    with page.expect_download() as download_info:
        form.get_by_role("button", name="Exporter").click()
    download = download_info.value
    # A year not frozen yet: its file says « provisoire » where a version would be.
    name = f"dla-accompagnements-national-{year}-provisoire-schema-v2.0"
    assert download.suggested_filename == f"{name}.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == expected
    # One row per case active in the year: 5 structures of Bretagne, k-anonymous together
    # once their departments and what else needs be are hidden (docs/exports.md).
    assert len(rows) == 1 + 5
    assert {row[0] for row in rows[1:]} == {str(year)}

    # XLSX: prepared by the worker, then offered on the job page.
    fill_form(form, {"annee": year, "jeu": "accompagnements", "format": "xlsx"})
    with page.expect_navigation():
        form.get_by_role("button", name="Exporter").click()
    download_link = page.get_by_role("link", name="Télécharger le fichier")
    expect(download_link).to_be_visible(timeout=TASK_TIMEOUT_MS)
    screenshot(page, "export-pret")
    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    # docs/exports.md: dla-<jeu>-national-<année>-<version>-schema-v<schéma>.<format>.
    assert download.suggested_filename == f"{name}.xlsx"
    content = io.BytesIO(Path(download.path()).read_bytes())
    workbook = openpyxl.load_workbook(content, read_only=True)
    sheet_rows = list(workbook.active.iter_rows(values_only=True))
    assert list(sheet_rows[0]) == expected
    assert len(sheet_rows) == 1 + 5
