"""The import's bulk writes: the history records they leave, all or nothing, and a
number of queries that does not grow with the file."""

import pytest
from django.db import connection

from demo.structures import siret_for
from structures.importing import ImportConflict, apply_import, plan_import
from structures.models import Structure
from tests.structures.factories import StructureFactory
from tests.structures.spreadsheet_files import csv_bytes
from tests.structures.test_importing import HEADERS, row


def _file_creating_and_updating(n):
    """n new structures and n updates of existing ones, in Rennes."""
    existing = [StructureFactory(siret=siret_for(9000 + i), rna="") for i in range(n)]
    # A look-alike of the first new row, so that the duplicate warning's check runs.
    StructureFactory(name="Compagnie Theatrale n 1", siret=siret_for(8999), rna="")
    return csv_bytes(
        HEADERS,
        [row(i) for i in range(1, n + 1)]
        + [row(100 + i, SIRET=s.siret, RNA="") for i, s in enumerate(existing)],
    )


@pytest.mark.parametrize("n", [3, 30])
def test_an_import_costs_the_same_queries_for_3_or_30_rows(personas, django_assert_num_queries, n):
    data = _file_creating_and_updating(n)
    # Departments; structures by SIRET, by RNA; the merge journal by SIRET, by RNA; the
    # matched structures visible, editable; departments open to new structures; the
    # duplicate index; regions by department; the look-alikes the officer may see.
    with django_assert_num_queries(11):
        plan = plan_import(data, "a.csv", personas.officer_a)
    assert plan.is_valid, plan.errors
    assert (plan.count("create"), plan.count("update")) == (n, n)
    assert plan.rows[0].duplicates
    # Two savepoints; the creations (PostgreSQL: keys from the sequence and one COPY
    # between the two queries that hold and merge the search index's pending entries;
    # else one INSERT); their history; the updates (PostgreSQL: a temporary table, one
    # COPY into it, one UPDATE … FROM it between the same two queries, its DROP; else one
    # UPDATE); their history; two releases.
    with django_assert_num_queries(16 if connection.vendor == "postgresql" else 8):
        result = apply_import(plan, personas.officer_a)
    assert (result.created, result.updated) == (n, n)


def _tracked(record_or_structure):
    return {
        f.attname: getattr(record_or_structure, f.attname)
        for f in Structure.history.model.tracked_fields
    }


def test_history_records_name_the_importer_and_copy_each_row_as_written(personas):
    updated = StructureFactory(siret=siret_for(9000), rna="", name="Ancien nom")
    data = csv_bytes(HEADERS, [row(1), row(2), row(3, SIRET=updated.siret, RNA="")])
    plan = plan_import(data, "a.csv", personas.officer_a)
    apply_import(plan, personas.officer_a)

    dates = set()
    for siret in (siret_for(5001), siret_for(5002)):
        structure = Structure.objects.get(siret=siret)
        record = structure.history.get()
        assert record.history_type == "+"
        assert record.history_user == personas.officer_a
        assert record.history_change_reason is None
        assert _tracked(record) == _tracked(structure)
        dates.add(record.history_date)

    updated.refresh_from_db()
    assert updated.name == "Compagnie Théâtrale n°3"
    newest, oldest = updated.history.order_by("-history_id")
    assert (newest.history_type, oldest.history_type) == ("~", "+")
    assert newest.history_user == personas.officer_a
    assert newest.history_change_reason is None
    assert _tracked(newest) == _tracked(updated)
    # One date for the whole import: the updates' updated_at, every record's date.
    assert dates == {newest.history_date} == {updated.updated_at}
    assert oldest.name == "Ancien nom"


def test_history_records_follow_the_file_order(personas):
    data = csv_bytes(HEADERS, [row(3), row(1), row(2)])
    apply_import(plan_import(data, "a.csv", personas.officer_a), personas.officer_a)
    records = Structure.history.order_by("history_id")
    assert [r.siret for r in records] == [siret_for(5003), siret_for(5001), siret_for(5002)]


def test_a_siret_taken_between_preview_and_confirmation_writes_nothing(personas):
    data = csv_bytes(HEADERS, [row(1), row(2), row(3)])
    plan = plan_import(data, "a.csv", personas.officer_a)
    assert plan.is_valid
    StructureFactory(siret=siret_for(5003), name="Saisie entre-temps")
    with pytest.raises(ImportConflict, match="relancez l'import"):
        apply_import(plan, personas.officer_a)
    assert list(Structure.objects.values_list("name", flat=True)) == ["Saisie entre-temps"]
    assert Structure.history.filter(history_user=personas.officer_a).count() == 0


def test_written_values_read_back_as_the_file_says(personas):
    """COPY's text format escapes what a cell may hold: backslashes, quotes, accents,
    characters outside Latin-1; an empty number is NULL. Re-reading the file finds
    every row unchanged."""
    headers = [*HEADERS, "Adresse", "Budget annuel (€)"]
    odd = ["Œuvre « L'Atelier » \\ N°1 – ☀", siret_for(5001), "", "SCOP", "culture",
           "35000", "Rennes", "0", "0", "0", "0", "non", "1 \\N rue \"des\" Lices", ""]  # fmt: skip
    plain = [*row(2), "", "250 000"]
    data = csv_bytes(headers, [odd, plain])
    apply_import(plan_import(data, "a.csv", personas.officer_a), personas.officer_a)
    written = Structure.objects.get(siret=siret_for(5001))
    assert written.name == "Œuvre « L'Atelier » \\ N°1 – ☀"
    assert written.address == '1 \\N rue "des" Lices'
    assert written.budget is None
    assert Structure.objects.get(siret=siret_for(5002)).budget == 250000
    again = plan_import(data, "a.csv", personas.officer_a)
    assert [r.action for r in again.rows] == ["unchanged", "unchanged"]


@pytest.mark.postgres
def test_the_search_index_entries_are_merged_and_the_setting_restored(personas):
    data = _file_creating_and_updating(3)
    plan = plan_import(data, "a.csv", personas.officer_a)
    apply_import(plan, personas.officer_a)
    with connection.cursor() as cursor:
        # Nothing left pending: merged after each statement. (A few rows written with
        # the default setting stay pending: the same call then merges one page or more.)
        cursor.execute("SELECT gin_clean_pending_list('structure_search_trgm'::regclass)")
        assert cursor.fetchone() == (0,)
        cursor.execute("SHOW gin_pending_list_limit")
        assert cursor.fetchone() == ("4MB",)
    found = Structure.objects.filter(search_text__contains="theatrale").count()
    # The look-alike, the three new companies and the three renamed by the file.
    assert found == 1 + 3 + 3
