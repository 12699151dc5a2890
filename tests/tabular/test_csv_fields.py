"""Runs of cells written as a CSV line holds them (``csv_fields``), for exporters that
join a line from runs each written once (the case-level dataset)."""

from decimal import Decimal

from tabular import csv_fields, csv_header, csv_rows


def test_a_run_is_written_as_its_cells_stand_in_a_line():
    assert csv_fields(["=1+1", "A;B", 'dit "non"', 7, None, True, Decimal("2.50")]) == (
        '\'=1+1;"A;B";"dit ""non""";7;;oui;2,50'
    )


def test_runs_joined_by_semicolons_make_the_line_csv_rows_writes():
    row = ["53", "", None, False, 0, "-2", "x;y", ""]
    runs = [row[:3], row[3:5], row[5:]]
    assert ";".join(csv_fields(run) for run in runs) + "\r\n" == list(csv_rows(["A"], [row]))[1]


def test_a_run_of_one_empty_cell_is_empty_as_within_a_line():
    # Alone on a line, csv writes an empty field '""' (not to read as no field at all).
    assert csv_fields([""]) == ""
    assert csv_fields([None]) == ""
    assert csv_fields([0]) == "0"


def test_the_header_is_the_first_line_of_csv_rows():
    assert csv_header(["Nom", "=ETP"]) == "\ufeffNom;'=ETP\r\n"
    assert csv_header(["Nom", "=ETP"]) == next(iter(csv_rows(["Nom", "=ETP"], [])))
