import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from demo.structures import siret_for
from structures.importing import COLUMNS, apply_import, plan_import
from structures.models import Structure
from territoires.actors import SYSTEM
from tests.structures.factories import StructureFactory
from tests.structures.spreadsheet_files import (
    csv_bytes,
    ods_file_bytes,
    ods_with_repeated_cells,
    xlsx_bytes,
)

HEADERS = ["Nom", "SIRET", "RNA", "Forme juridique", "Secteur", "Code postal", "Commune",
           "Effectif salarié", "CDI", "CDD", "ETP", "QPV"]  # fmt: skip


def row(n, **overrides):
    values = {
        "Nom": f"Compagnie Théâtrale n°{n}",
        "SIRET": siret_for(5000 + n),
        "RNA": f"W35{n:07d}",
        "Forme juridique": "Association",
        "Secteur": "culture",
        "Code postal": "35000",
        "Commune": "Rennes",
        "Effectif salarié": "4",
        "CDI": "2",
        "CDD": "1",
        "ETP": "3,5",
        "QPV": "oui",
    }
    values.update(overrides)
    return [values[h] for h in HEADERS]


def rows(count=3):
    return [row(n) for n in range(1, count + 1)]


def comma_safe_rows():
    return [[c.replace(",", ".") for c in r] for r in rows()]


FILES = {
    "utf8_semicolon.csv": lambda: csv_bytes(HEADERS, rows(), encoding="utf-8"),
    "utf8_bom_semicolon.csv": lambda: csv_bytes(HEADERS, rows()),
    "cp1252_semicolon.csv": lambda: csv_bytes(HEADERS, rows(), encoding="cp1252"),
    "utf8_comma.csv": lambda: csv_bytes(HEADERS, comma_safe_rows(), sep=","),
    "file.xlsx": lambda: xlsx_bytes(HEADERS, rows()),
    "file.ods": lambda: ods_file_bytes(HEADERS, rows()),
}  # fmt: skip


@pytest.mark.parametrize("filename", FILES)
def test_every_accepted_format_and_encoding_imports_the_same_structures(personas, filename):
    plan = plan_import(FILES[filename](), filename, SYSTEM)
    assert plan.errors == []
    result = apply_import(plan, SYSTEM)
    assert result.created == 3
    first = Structure.objects.get(siret=siret_for(5001))
    assert first.name == "Compagnie Théâtrale n°1"
    assert first.in_qpv is True
    assert str(first.fte) == "3.50"
    assert first.departement == personas.departement_a
    assert first.region == personas.region
    assert first.history.get().history_type == "+"


def test_reimporting_the_same_file_updates_and_never_duplicates(personas):
    data = csv_bytes(HEADERS, rows())
    apply_import(plan_import(data, "a.csv", SYSTEM), SYSTEM)
    second = plan_import(data, "a.csv", SYSTEM)
    assert [r.action for r in second.rows] == ["unchanged"] * 3
    changed = csv_bytes(HEADERS, [row(1, **{"Effectif salarié": "9"}), *rows()[1:]])
    result = apply_import(plan_import(changed, "a.csv", SYSTEM), SYSTEM)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert Structure.objects.count() == 3
    assert Structure.objects.get(siret=siret_for(5001)).headcount == 9


def test_rna_is_the_key_when_there_is_no_siret(personas):
    existing = StructureFactory(siret="", rna="W350000099", name="Ancienne")
    data = csv_bytes(HEADERS, [row(1, SIRET="", RNA="W350000099", Nom="Nouvelle")])
    result = apply_import(plan_import(data, "a.csv", SYSTEM), SYSTEM)
    assert (result.created, result.updated) == (0, 1)
    existing.refresh_from_db()
    assert existing.name == "Nouvelle"


def test_one_bad_row_writes_nothing_and_every_bad_row_is_reported(personas):
    data = csv_bytes(
        HEADERS,
        [
            row(1),
            row(2, SIRET="12345678901234"),
            row(3, RNA="X1"),
            row(4, **{"Code postal": "3500A"}),
            row(5, Secteur="astronomie"),
        ],
    )
    plan = plan_import(data, "a.csv", SYSTEM)
    found = {(e.line, e.column) for e in plan.errors}
    assert found == {(3, "SIRET"), (4, "RNA"), (5, "Code postal"), (6, "Secteur")}
    assert "clé de contrôle" in next(e.message for e in plan.errors if e.line == 3)
    with pytest.raises(ValueError, match="errors"):
        apply_import(plan, SYSTEM)
    assert Structure.objects.count() == 0


def test_same_siret_twice_in_a_file_is_an_error_on_the_second_row(personas):
    data = csv_bytes(HEADERS, [row(1), row(2, SIRET=siret_for(5001))])
    plan = plan_import(data, "a.csv", SYSTEM)
    assert [(e.line, e.message) for e in plan.errors] == [(3, "Déjà présent ligne 2 du fichier.")]


def test_a_row_without_siret_nor_rna_is_refused(personas):
    plan = plan_import(csv_bytes(HEADERS, [row(1, SIRET="", RNA="")]), "a.csv", SYSTEM)
    assert "SIRET ou, pour une association, le numéro RNA" in plan.errors[0].message


def test_missing_required_columns_are_named(personas):
    plan = plan_import(csv_bytes(["Nom", "SIRET"], [["A", siret_for(1)]]), "a.csv", SYSTEM)
    assert "Forme juridique" in plan.errors[0].message
    assert plan.errors[0].line == 0


def test_unknown_columns_are_ignored_and_reported(personas):
    plan = plan_import(csv_bytes([*HEADERS, "Remarque"], [[*row(1), "rien"]]), "a.csv", SYSTEM)
    assert plan.is_valid
    assert plan.ignored_columns == ["Remarque"]


def test_spreadsheet_numbers_lose_no_leading_zero(personas):
    # Ain (01): a spreadsheet turns "01000" into 1000.
    data = xlsx_bytes(HEADERS, [row(1, **{"Code postal": 1000, "Commune": "Bourg-en-Bresse"})])
    plan = plan_import(data, "a.xlsx", SYSTEM)
    assert plan.is_valid, plan.errors
    assert plan.rows[0].structure.postal_code == "01000"
    assert plan.rows[0].structure.departement.code == "01"


def test_ods_with_repeated_empty_cells_keeps_columns_aligned(personas):
    values = row(1, RNA="", QPV="")
    data = ods_with_repeated_cells(HEADERS, values)
    plan = plan_import(data, "a.ods", SYSTEM)
    assert plan.is_valid, plan.errors
    structure = plan.rows[0].structure
    assert structure.rna == ""
    assert structure.legal_form == "association"
    assert structure.in_qpv is False


def test_officer_cannot_import_into_another_department(personas):
    data = csv_bytes(HEADERS, [row(1, **{"Code postal": "44000", "Commune": "Nantes"})])
    plan = plan_import(data, "a.csv", user=personas.officer_a)
    assert "département 44" in plan.errors[0].message


def test_officer_cannot_update_a_structure_out_of_scope_and_learns_nothing_about_it(personas):
    hidden = StructureFactory(in_loire_atlantique=True, name="Secret")
    data = csv_bytes(HEADERS, [row(1, SIRET=hidden.siret)])
    plan = plan_import(data, "a.csv", user=personas.officer_a)
    assert "hors de votre territoire" in plan.errors[0].message
    assert "Secret" not in plan.errors[0].message


def test_system_imports_in_every_department_and_its_history_names_nobody(personas):
    elsewhere = StructureFactory(in_loire_atlantique=True, name="Ancien nom")
    data = csv_bytes(
        HEADERS,
        [
            row(1, **{"Code postal": "44000", "Commune": "Nantes"}),
            row(2, SIRET=elsewhere.siret, **{"Code postal": "44000", "Commune": "Nantes"}),
        ],
    )
    plan = plan_import(data, "a.csv", SYSTEM)
    assert plan.is_valid, plan.errors
    result = apply_import(plan, SYSTEM)
    assert (result.created, result.updated) == (1, 1)
    elsewhere.refresh_from_db()
    assert elsewhere.name == "Compagnie Théâtrale n°2"
    assert elsewhere.history.first().history_user is None


def test_an_import_without_an_actor_may_change_nothing(personas):
    """``None`` is not the system: it reads and writes nothing."""
    existing = StructureFactory()
    data = csv_bytes(HEADERS, [row(1), row(2, SIRET=existing.siret)])
    plan = plan_import(data, "a.csv", None)
    assert [error.line for error in plan.errors] == [2, 3]
    assert "Vous ne pouvez pas enregistrer de structure" in plan.errors[0].message
    assert "hors de votre territoire" in plan.errors[1].message


def test_likely_duplicates_are_warned_in_the_plan(personas):
    StructureFactory(name="Compagnie Theatrale n 1", commune="Rennes")
    plan = plan_import(csv_bytes(HEADERS, [row(1)]), "a.csv", SYSTEM)
    assert plan.is_valid
    assert plan.warnings[0].duplicates[0].reason == "nom très proche, même commune"


def test_template_columns_are_all_recognised(personas):
    from structures.importing import template_rows

    headers, example = template_rows()
    plan = plan_import(csv_bytes(headers, example), "modele.csv", SYSTEM)
    assert plan.ignored_columns == []
    assert len(headers) == len(COLUMNS)
    # Only the example's identifiers are refused: every other cell of it is valid.
    assert {(e.column, e.line) for e in plan.errors} == {("SIRET", 2), ("RNA", 2)}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "vide"),
        (b"\x81\x8d\x8f\x90\x9d", "Encodage"),
        (b"PK\x03\x04 not really a zip", "XLSX valide"),
    ],
)
def test_unreadable_files_get_a_french_file_level_error(personas, data, message):
    filename = "a.xlsx" if data.startswith(b"PK") else "a.csv"
    plan = plan_import(data, filename, SYSTEM)
    assert message in plan.errors[0].message


class TestCommand:
    def test_valid_file_is_imported(self, personas, tmp_path, capsys):
        path = tmp_path / "structures.csv"
        path.write_bytes(csv_bytes(HEADERS, rows()))
        call_command("import_structures", str(path))
        assert Structure.objects.count() == 3
        assert "3 créées" in capsys.readouterr().out

    def test_dry_run_writes_nothing(self, personas, tmp_path, capsys):
        path = tmp_path / "structures.xlsx"
        path.write_bytes(xlsx_bytes(HEADERS, rows()))
        call_command("import_structures", str(path), "--dry-run")
        assert Structure.objects.count() == 0
        assert "3 à créer" in capsys.readouterr().out

    def test_bad_file_exits_non_zero_and_lists_errors(self, personas, tmp_path, capsys):
        path = tmp_path / "structures.csv"
        path.write_bytes(csv_bytes(HEADERS, [row(1), row(2, RNA="X")]))
        with pytest.raises(CommandError, match="1 erreur"):
            call_command("import_structures", str(path))
        assert "ligne 3, colonne « RNA »" in capsys.readouterr().err
        assert Structure.objects.count() == 0

    def test_exit_code_is_non_zero_from_the_shell(self, personas, tmp_path):
        from django.core.management import ManagementUtility

        path = tmp_path / "structures.csv"
        path.write_bytes(csv_bytes(HEADERS, [row(1, RNA="X")]))
        with pytest.raises(SystemExit) as exit_info:
            ManagementUtility(["manage.py", "import_structures", str(path)]).execute()
        assert exit_info.value.code == 1


def test_coded_cells_read_the_same_down_a_file_and_a_wrong_one_is_refused_every_time(personas):
    data = csv_bytes(
        HEADERS,
        [
            row(1, Secteur="Culture", QPV="OUI"),
            row(2, Secteur="culture", QPV="oui"),
            row(3, Secteur="astronomie", QPV="peut-être"),
            row(4, Secteur="astronomie", QPV="oui"),
        ],
    )
    plan = plan_import(data, "a.csv", SYSTEM)
    assert [(e.line, e.column) for e in plan.errors] == [
        (4, "Secteur"),
        (4, "QPV"),
        (5, "Secteur"),
    ]
    assert "« astronomie » n'est pas reconnu" in plan.errors[2].message
