"""XLSX files people like (issue 17, item 7): bold frozen header, filter, widths,
drop-down lists for coded columns, an instructions sheet, real date cells."""

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tabular import SheetColumn, csv_rows, read_table, xlsx_bytes
from tests.structures.factories import StructureFactory


def workbook(data):
    return load_workbook(io.BytesIO(data))


@pytest.fixture
def sample():
    headers = ["Nom", "Forme juridique", "Effectif"]
    rows = [["Les Amis du Livre", "association", 5], ["Ciné Club", "SCOP", 12]]
    return headers, rows


def test_header_is_bold_frozen_and_filtered(sample):
    headers, rows = sample
    sheet = workbook(xlsx_bytes(headers, rows, "Structures")).worksheets[0]
    assert sheet.title == "Structures"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C3"
    assert [c.font.b for c in sheet[1]] == [True, True, True]
    assert sheet["A2"].font.b is False


def test_column_widths_fit_headers_and_values_or_are_given(sample):
    headers, rows = sample
    data = xlsx_bytes(headers, rows, columns=[SheetColumn(40), None, None])
    sheet = workbook(data).worksheets[0]
    assert sheet.column_dimensions["A"].width == 40
    # "Forme juridique" is 15 characters, plus room for the filter button.
    assert sheet.column_dimensions["B"].width == 18
    # "Effectif" (8) + 3 = 11: wider than its values.
    assert sheet.column_dimensions["C"].width == 11


def test_coded_columns_get_a_drop_down_list_from_a_hidden_sheet(sample):
    headers, rows = sample
    choices = ["association", "SCOP", "SCIC"]
    data = xlsx_bytes(headers, rows, columns=[None, SheetColumn(choices=choices), None])
    book = workbook(data)
    sheet = book.worksheets[0]
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list"
    assert str(validation.sqref) == "B2:B1003"
    assert validation.formula1 == "Listes!$A$2:$A$4"
    lists = book["Listes"]
    assert lists.sheet_state == "hidden"
    assert [c.value for c in lists["A"]] == ["Forme juridique", *choices]


def test_instructions_sheet_comes_after_the_table(sample):
    headers, rows = sample
    data = xlsx_bytes(headers, rows, "Structures", instructions=["Mode d'emploi", "Une ligne"])
    book = workbook(data)
    assert book.sheetnames == ["Structures", "Instructions"]
    assert [c.value for c in book["Instructions"]["A"]] == ["Mode d'emploi", "Une ligne"]
    # An import reads the first sheet: the table, not the instructions.
    table = read_table(data, "a.xlsx")
    assert table.headers == headers
    assert next(cells for _, cells in table.rows)[0] == "Les Amis du Livre"


def test_dates_are_date_cells_and_french_text_in_csv():
    moment = dt.datetime(2026, 11, 30, 11, 2, tzinfo=dt.UTC)  # 12:02 in Paris
    data = xlsx_bytes(["Jour", "Moment"], [[dt.date(2026, 11, 30), moment]])
    sheet = workbook(data).worksheets[0]
    assert sheet["A2"].value == dt.datetime(2026, 11, 30)
    assert sheet["A2"].number_format == "dd/mm/yyyy"
    assert sheet["B2"].value == dt.datetime(2026, 11, 30, 12, 2)
    assert sheet["B2"].number_format == "dd/mm/yyyy hh:mm"
    lines = list(csv_rows(["Jour", "Moment"], [[dt.date(2026, 11, 30), moment]]))
    assert lines[1] == "30/11/2026;30/11/2026 12:02\r\n"


def test_an_empty_table_still_opens():
    book = workbook(xlsx_bytes(["Nom"], []))
    assert book.worksheets[0].auto_filter.ref == "A1:A1"


def test_workbook_declares_the_filter_range(sample):
    headers, rows = sample
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(headers, rows, "Structures"))) as archive:
        workbook_xml = archive.read("xl/workbook.xml").decode()
    assert "'Structures'!$A$1:$C$3" in workbook_xml


def test_import_template_has_lists_for_coded_columns_and_instructions(personas, client_for):
    response = client_for(personas.officer_a).get(
        reverse("structures:import_template", args=["xlsx"])
    )
    book = workbook(b"".join(response.streaming_content))
    assert book.sheetnames == ["Structures", "Instructions", "Listes"]
    sheet = book["Structures"]
    assert sheet.freeze_panes == "A2"
    headers = [c.value for c in sheet[1]]
    validated = {
        headers[ord(str(v.sqref)[0]) - ord("A")] for v in sheet.data_validations.dataValidation
    }
    assert validated == {
        "Forme juridique",
        "Secteur",
        "QPV",
        "ZRR",
        "Agrément ESUS",
        "Type de SIAE",
        "Entreprise adaptée",
        "Tête de réseau",
    }
    instructions = "\n".join(c.value for c in book["Instructions"]["A"])
    assert "ligne d'exemple est refusée" in instructions
    assert "Forme juridique (obligatoire)" in instructions


def test_structure_export_xlsx_is_filtered_and_frozen(personas, client_for):
    StructureFactory(name="Les Amis du Livre")
    response = client_for(personas.national).get(reverse("structures:export"), {"format": "xlsx"})
    book = workbook(b"".join(response.streaming_content))
    sheet = book["Structures"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet.auto_filter.ref.endswith("2")
    assert "Instructions" in book.sheetnames
