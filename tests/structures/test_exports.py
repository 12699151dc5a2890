import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from structures.importing import apply_import, plan_import
from structures.models import Structure
from tabular import csv_rows, neutralise, ods_bytes, read_table, xlsx_bytes
from territoires.actors import SYSTEM
from tests.structures.factories import StructureFactory

EXPORT_URL = reverse("structures:export")
DANGEROUS = ["=1+1", "+33 6", "-2", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_like_text_is_neutralised_in_csv(value):
    assert neutralise(value) == "'" + value


def test_numbers_and_plain_text_are_left_alone():
    assert neutralise(-2) == -2
    assert neutralise("Rennes") == "Rennes"


def test_xlsx_writes_formula_like_text_as_text_cells():
    # XML turns a bare CR into LF, so "\rx" is left out here.
    values = DANGEROUS[:-1]
    data = xlsx_bytes(["Nom"], [[value] for value in values])
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == values
    assert {c.data_type for c in cells} == {"s"}


def test_ods_writes_formula_like_text_as_string_cells():
    data = ods_bytes(["Nom"], [["=1+1"]])
    import zipfile

    content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml").decode()
    assert "table:formula" not in content
    assert 'office:value-type="string"' in content


def test_csv_writes_each_kind_of_cell_as_a_french_spreadsheet_reads_it():
    row = ["=1+1", "-2", "Rennes", "", 7, -3, None, True, False, Decimal("2.50"), 0.5]
    lines = list(csv_rows(["A"], [row]))
    assert lines[1] == "'=1+1;'-2;Rennes;;7;-3;;oui;non;2,50;0,5\r\n"


def test_csv_has_bom_semicolons_and_crlf():
    text = "".join(csv_rows(["Nom", "ETP"], [["A;B", 1.5]]))
    assert text.startswith("\ufeffNom;ETP\r\n")
    assert '"A;B";1,5\r\n' in text


class TestExportView:
    def test_csv_export_streams_the_filtered_visible_list(self, personas, client_for):
        StructureFactory(name='=HYPERLINK("http://x")')
        StructureFactory(name="Autre", sector="sport")
        StructureFactory(in_loire_atlantique=True, name="Hors territoire")
        response = client_for(personas.officer_a).get(
            EXPORT_URL, {"format": "csv", "sector": "culture"}
        )
        assert response.status_code == 200
        assert response.streaming
        text = b"".join(response.streaming_content).decode("utf-8")
        assert text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
        assert len(rows) == 2
        assert rows[1][0] == '\'=HYPERLINK("http://x")'
        assert "Hors territoire" not in text

    @pytest.mark.parametrize("fmt", ["xlsx", "ods"])
    def test_spreadsheet_exports_can_be_reimported_unchanged(self, personas, client_for, fmt):
        StructureFactory.create_batch(3)
        response = client_for(personas.officer_a).get(EXPORT_URL, {"format": fmt})
        assert response["Content-Disposition"] == f'attachment; filename="structures.{fmt}"'
        plan = plan_import(b"".join(response.streaming_content), f"export.{fmt}", SYSTEM)
        assert plan.is_valid, plan.errors
        assert [row.action for row in plan.rows] == ["unchanged"] * 3
        assert set(plan.ignored_columns) == {"Région", "Accompagnement en cours"}
        apply_import(plan, SYSTEM)
        assert Structure.objects.count() == 3

    def test_unknown_format_is_400_in_french(self, personas, client_for):
        response = client_for(personas.officer_a).get(EXPORT_URL, {"format": "pdf"})
        assert response.status_code == 400
        assert response.content.decode() == "Format d'export inconnu : choisissez csv, xlsx, ods."


def test_read_table_sniffs_comma_separator():
    table = read_table(b"Nom,Commune\r\nA,Rennes\r\n", "a.csv")
    assert table.headers == ["Nom", "Commune"]
    assert table.rows == [(2, ["A", "Rennes"])]
