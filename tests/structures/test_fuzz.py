"""Fuzzing: whatever the input, the import and the form answer in French, never crash,
and never write part of a file."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demo.structures import siret_for
from structures.importing import COLUMNS, apply_import, plan_import
from structures.models import Structure
from territoires.actors import SYSTEM
from tests.structures.spreadsheet_files import csv_bytes, xlsx_bytes

FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Cells that look almost right: valid and invalid identifiers, French numbers, separators.
cell = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20),
    st.sampled_from(
        ["", "oui", "non", "association", "culture", "35000", "29200", "2A", "W351234567",
         "W1", "4,5", "1 200", "-3", "=1+1", '"', ";", ",", "\n", "é", "97411", "20090",
         siret_for(1), siret_for(2), "35600000000048", "12345678901234"]
    ),
)  # fmt: skip
headers = st.lists(
    st.sampled_from([c.header for c in COLUMNS] + ["Inconnue", ""]), min_size=1, max_size=25
)


def assert_all_or_nothing(plan, before):
    if plan.is_valid:
        result = apply_import(plan, SYSTEM)
        assert Structure.objects.count() == before + result.created
    else:
        assert all(error.message for error in plan.errors)
        with pytest.raises(ValueError, match="errors"):
            apply_import(plan, SYSTEM)
        assert Structure.objects.count() == before


@FUZZ
@given(data=st.binary(max_size=2000), extension=st.sampled_from(["csv", "xlsx", "ods"]))
def test_any_bytes_give_a_report_not_an_exception(personas, data, extension):
    before = Structure.objects.count()
    plan = plan_import(data, f"fuzz.{extension}", SYSTEM)
    assert_all_or_nothing(plan, before)


@FUZZ
@given(
    header=headers,
    body=st.lists(st.lists(cell, max_size=25), max_size=6),
    sep=st.sampled_from([";", ","]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig"]),
)
def test_any_csv_table_is_all_or_nothing(personas, header, body, sep, encoding):
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=sep)
    writer.writerow(header)
    writer.writerows(body)
    before = Structure.objects.count()
    plan = plan_import(buffer.getvalue().encode(encoding), "fuzz.csv", SYSTEM)
    assert_all_or_nothing(plan, before)


@FUZZ
@given(header=headers, body=st.lists(st.lists(cell, max_size=25), max_size=4))
def test_any_xlsx_table_is_all_or_nothing(personas, header, body):
    clean = [[v.replace("\x00", "") for v in row] for row in body]
    try:
        data = xlsx_bytes(header, clean)
    except Exception:  # openpyxl refuses some control characters: not our input
        return
    before = Structure.objects.count()
    assert_all_or_nothing(plan_import(data, "fuzz.xlsx", SYSTEM), before)


FORM_FIELDS = ["name", "siret", "rna", "legal_form", "sector", "postal_code", "commune",
               "departement", "headcount", "fte", "cdi_count", "cdd_count", "budget",
               "year_founded", "siae_type", "confirm_not_duplicate"]  # fmt: skip


@FUZZ
@given(values=st.fixed_dictionaries({}, optional=dict.fromkeys(FORM_FIELDS, cell)))
def test_create_form_never_errors_500_nor_writes_invalid_data(personas, client, values):
    client.force_login(personas.officer_a)
    before = Structure.objects.count()
    response = client.post(reverse("structures:create"), values)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert Structure.objects.count() == before
    else:
        assert Structure.objects.count() == before + 1


@FUZZ
@given(
    mutations=st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 11), cell), min_size=0, max_size=3
    )
)
def test_valid_file_with_a_few_altered_cells_is_all_or_nothing(personas, mutations):
    from tests.structures.test_importing import HEADERS, row

    body = [row(n) for n in range(1, 6)]
    for line, column, value in mutations:
        body[line][column] = value
    before = Structure.objects.count()
    plan = plan_import(csv_bytes(HEADERS, body, encoding="utf-8"), "fuzz.csv", SYSTEM)
    assert_all_or_nothing(plan, before)


def test_csv_helper_round_trip(personas):
    # The fuzz helpers themselves build importable files.
    header = ["Nom", "RNA", "Forme juridique", "Secteur", "Code postal", "Commune"]
    data = csv_bytes(header, [["A", "W350000001", "association", "culture", "35000", "Rennes"]])
    assert plan_import(data, "a.csv", SYSTEM).is_valid
