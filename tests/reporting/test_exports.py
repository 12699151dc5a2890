import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

import tabular
from reporting import anonymity, exports, figures
from reporting.exports import CASE_COLUMNS, INDICATOR_COLUMNS, SCHEMA_VERSION
from reporting.indicators import Query, Scope
from reporting.models import ReportJob
from reporting.report import render_html
from territoires.actors import SYSTEM

from .factories import YEAR, build_dataset


@pytest.fixture
def dataset(personas):
    return build_dataset(personas)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def parse_csv(content: bytes):
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def post_export(client, **data):
    return client.post(reverse("reporting:exports"), {"annee": YEAR, **data})


# The published schema (docs/exports.md). Append new columns at the end and bump the version.
PUBLISHED_CASE_COLUMNS = [
    "annee", "id_accompagnement", "id_structure", "code_region", "code_departement",
    "forme_juridique", "secteur", "classe_taille", "qpv", "zrr", "tete_de_reseau", "niveau_dla",
    "canal", "phase", "trimestre_ouverture", "trimestre_cloture", "nouvel_accompagnement",
    "diagnostic_valide", "ingenieries_individuelles", "ingenieries_collectives",
    "motif_reorientation", "type_acteur_reorientation", "motif_abandon", "tranche_etp",
    "part_cdi", "situation_dernier_suivi", "satisfaction_dernier_suivi",
]  # fmt: skip
PUBLISHED_INDICATOR_COLUMNS = [
    "annee", "code_indicateur", "indicateur", "unite", "niveau", "code_territoire",
    "territoire", "ventilation", "code_modalite", "modalite", "valeur",
]  # fmt: skip


def test_export_column_schemas_are_pinned():
    assert SCHEMA_VERSION == "2.0"
    assert [c.name for c in CASE_COLUMNS] == PUBLISHED_CASE_COLUMNS
    assert [c.name for c in INDICATOR_COLUMNS] == PUBLISHED_INDICATOR_COLUMNS


def test_export_schema_is_documented():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "exports.md").read_text()
    assert f"version {SCHEMA_VERSION}" in doc
    for name in PUBLISHED_CASE_COLUMNS + PUBLISHED_INDICATOR_COLUMNS:
        assert f"`{name}`" in doc


@pytest.fixture
def every_structure_kept(monkeypatch):
    """The 4 structures of this data set would all be left out of the case-level dataset
    (k-anonymity, k = 5: test_anonymity.py); tests of the file's mechanics keep them (k = 1)."""
    monkeypatch.setattr(anonymity, "K", 1)


def test_a_case_dataset_of_four_structures_publishes_no_row(dataset, personas, client_for):
    response = post_export(client_for(personas.national), jeu="accompagnements", format="csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert parse_csv(b"".join(response.streaming_content)) == [PUBLISHED_CASE_COLUMNS]


def test_case_dataset_is_anonymised(dataset, personas, client_for, every_structure_kept):
    response = post_export(client_for(personas.national), jeu="accompagnements", format="csv")
    rows = parse_csv(b"".join(response.streaming_content))
    header, body = rows[0], rows[1:]
    assert header == PUBLISHED_CASE_COLUMNS
    assert len(body) == 5  # c1, c2, c4, c5, c7
    text = "\n".join(";".join(r) for r in rows)
    for structure in dataset.structures.values():
        assert structure.name not in text
        assert structure.siret not in text
    # Quarters, not months; bands, not headcounts.
    assert {r[header.index("trimestre_ouverture")] for r in body} <= {
        f"{y}-T{q}" for y in (2024, 2025) for q in (1, 2, 3, 4)
    }
    bands = {"0", "0-1", "1-5", "5-10", "10-50", "50+"}
    assert {r[header.index("tranche_etp")] for r in body} <= bands
    # s2 came twice: two cases, one pseudonymous structure.
    structures = [r[header.index("id_structure")] for r in body]
    assert len(set(structures)) == 4
    # Pseudonyms are those of the year: the 2024 dataset cannot be joined on them.
    structure = dataset.structures["s1"].pk
    assert exports.pseudonym("structure", structure, 2025) in structures
    assert exports.pseudonym("structure", structure, 2024) not in structures


def test_officers_and_coordinators_cannot_export(personas, client_for):
    for persona in (personas.officer_a, personas.coordinator):
        assert client_for(persona).get(reverse("reporting:exports")).status_code == 403


def test_large_spreadsheet_exports_run_as_a_job_with_an_expiring_link(
    dataset, personas, client_for, django_capture_on_commit_callbacks, every_structure_kept
):
    client = client_for(personas.national)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_export(client, jeu="accompagnements", format="xlsx")
    job = ReportJob.objects.get()
    assert response.url == reverse("reporting:job", args=[job.pk])
    assert job.kind == ReportJob.Kind.EXPORT
    assert job.status == ReportJob.Status.DONE
    assert job.expires_at is not None
    download = client.get(reverse("reporting:job_download", args=[job.pk]))
    table = tabular.read_table(b"".join(download.streaming_content), "export.xlsx")
    assert table.headers == PUBLISHED_CASE_COLUMNS
    assert len(table.rows) == 5

    ReportJob.objects.filter(pk=job.pk).update(expires_at=job.created_at)
    assert client.get(reverse("reporting:job_download", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_indicator_tables_in_every_format(dataset, personas, client_for, fmt):
    response = post_export(client_for(personas.national), jeu="indicateurs", format=fmt)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    table = tabular.read_table(content, f"export.{fmt}")
    assert table.headers == PUBLISHED_INDICATOR_COLUMNS
    national = {
        cells[1]: cells[10] for _, cells in table.rows if cells[4] == "national" and not cells[7]
    }
    assert national["ACT_STRUCTURES"] == "4"


def test_formula_like_text_is_neutralised(dataset, personas, every_structure_kept):
    from structures.models import Structure

    # The dataset reads the structure's record of 31 December, in its history.
    Structure.history.filter(id=dataset.structures["s1"].pk).update(sector="=HYPERLINK(1)")
    content = exports.export_file(Query(YEAR, Scope.national(), SYSTEM), "accompagnements", "csv")
    assert b";'=HYPERLINK(1);" in content


def _export_values(query):
    """Indicator values of the national scope, read back from the CSV export."""
    content = exports.export_file(query, "indicateurs", "csv")
    rows = parse_csv(content)[1:]
    values = {}
    for row in rows:
        if row[4] != "national":
            continue
        key = row[1] if not row[7] else f"{row[1]}/{row[8]}"
        values[key] = row[10]
    return values


def _as_csv_cell(value):
    if value is None:
        return ""
    return str(value).replace(".", ",")


def test_dashboard_export_and_pdf_agree_on_every_indicator(
    dataset, personas, client_for, django_capture_on_commit_callbacks
):
    client = client_for(personas.national)
    dashboard = client.get(reverse("reporting:dashboard"), {"annee": YEAR}).context["data"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reporting:reports"), {"annee": YEAR, "territoire": "national"})
    frozen = ReportJob.objects.get().data
    exported = _export_values(Query(YEAR, Scope.national(), personas.national))

    dashboard_values = figures.flat_values(dashboard)
    assert figures.flat_values(frozen) == dashboard_values
    expected = {k: _as_csv_cell(v) for k, v in dashboard_values.items()}
    # Public tables hide every cell below national level that rests on fewer than 5
    # structures (Bretagne 3, Pays de la Loire 1, each department); the dashboard is internal.
    for code in ("35", "29", "44"):
        expected[f"STR_DEPARTEMENT/{code}"] = "s"
    for code in ("53", "52"):
        expected[f"STR_REGION/{code}"] = "s"
    assert exported == expected
    html = render_html(frozen)
    for figure in figures.scalar_figures(frozen):
        assert figure.text in html, figure.code


def test_export_statistics_command_writes_each_format(dataset, tmp_path, every_structure_kept):
    for fmt in ("csv", "xlsx", "ods"):
        output = tmp_path / f"stats.{fmt}"
        said = io.StringIO()
        call_command("export_statistics", year=YEAR, format=fmt, output=str(output), stdout=said)
        table = tabular.read_table(output.read_bytes(), output.name)
        assert table.headers == PUBLISHED_CASE_COLUMNS
        assert len(table.rows) == 5
        assert f"{output} : 5 lignes en " in said.getvalue()


def test_expired_export_files_are_deleted_and_the_record_kept(dataset, personas):
    from django.utils import timezone

    from reporting import services
    from reporting.tasks import render_report

    job, _ = services.request_job(
        kind=ReportJob.Kind.EXPORT,
        year=YEAR,
        scope=Scope.national(),
        requested_by=personas.national,
        options={"dataset": "accompagnements", "format": "ods"},
    )
    render_report.apply(args=[job.pk], task_id="t1")
    job.refresh_from_db()
    path = job.file.path
    assert services.purge_expired_files(now=timezone.now()) == 0
    assert services.purge_expired_files(now=job.expires_at + services.REUSE_DONE_FOR) == 1
    job.refresh_from_db()
    assert not job.file
    assert job.status == ReportJob.Status.DONE
    assert not Path(path).exists()


def test_case_rows_are_the_hand_worked_rows(dataset, every_structure_kept):
    """Every cell of the 2025 dataset (k = 1), worked out by hand from factories.py."""
    from accompagnements.models import AbandonReason, ReorientationReason, Situation, State

    cases, structures = dataset.cases, dataset.structures

    def ids(case, structure):
        return [
            YEAR,
            exports.pseudonym("accompagnement", cases[case].pk, YEAR),
            exports.pseudonym("structure", structures[structure].pk, YEAR),
        ]

    # id…, region, department, legal form, sector, size class, qpv, zrr, network
    s1 = ["53", "35", "association", "culture", "0", True, False, False]
    s2 = ["53", "35", "scop", "sport", "1-9", False, True, False]
    s3 = ["53", "29", "association", "culture", "10-49", False, False, False]
    s4 = ["52", "44", "association", "sport", "50+", False, False, False]
    # level, channel, phase, opened, closed, new, diagnostic, individual, collective,
    # reorientation, destination, abandon, FTE band, CDI share, last follow-up, satisfaction
    expected = [
        ids("c1", "s1") + s1 + ["departemental", "structure", State.SUIVI, "2024-T4", "",
                                False, True, 0, 1, "", "", "", "0", "",
                                Situation.FRAGILE, 2],
        ids("c2", "s2") + s2 + ["departemental", "structure", State.CLOTURE, "2025-T1",
                                "2025-T3", True, True, 1, 1, "", "", "", "1-5", "50-75",
                                Situation.CONSOLIDATED, 4],
        ids("c4", "s3") + s3 + ["departemental", "structure", State.REORIENTE, "2025-T1",
                                "2025-T1", True, False, 0, 0,
                                ReorientationReason.NOT_ELIGIBLE, "incubateur", "",
                                "10-50", "75-100", "", None],
        # c5's ingénierie was cancelled; its diagnostic was never validated.
        ids("c5", "s4") + s4 + ["departemental", "structure", State.ABANDONNE, "2025-T2",
                                "2025-T4", True, False, 0, 0, "", "", AbandonReason.NO_ANSWER,
                                "50+", "75-100", "", None],
        ids("c7", "s2") + s2 + ["departemental", "structure", State.ACCUEIL, "2025-T4", "",
                                True, False, 0, 0, "", "", "", "1-5", "50-75", "", None],
    ]  # fmt: skip
    # Codes as the database gives them: plain strings, not the choices' members.
    expected = [[getattr(cell, "value", cell) for cell in row] for row in expected]
    rows = list(exports.case_rows(Query(YEAR, Scope.national(), SYSTEM)))
    assert rows == expected
    # The same types too: the API and the frozen snapshots publish them as they are.
    assert [[type(cell) for cell in row] for row in rows] == [
        [type(cell) for cell in row] for row in expected
    ]
    content = exports.export_file(Query(YEAR, Scope.national(), SYSTEM), "accompagnements", "csv")
    assert parse_csv(content)[1:] == [
        [
            {True: "oui", False: "non", None: ""}.get(cell, cell)
            if isinstance(cell, bool | None)
            else str(cell)
            for cell in row
        ]
        for row in expected
    ]
    # The CSV is written by runs of cells (case_csv_lines): the text csv_rows gives.
    query = Query(YEAR, Scope.national(), SYSTEM)
    assert "".join(exports.case_csv_lines(query)) == "".join(
        tabular.csv_rows(exports.columns("accompagnements"), exports.case_rows(query))
    )


def test_the_dataset_reads_each_structures_record_of_31_december(dataset, every_structure_kept):
    """The latest record dated before 1 January (Paris), else the earliest record."""
    import datetime

    from structures.models import Structure

    history = Structure.history.model.objects
    s1, s3 = dataset.structures["s1"], dataset.structures["s3"]
    paris = datetime.timezone(datetime.timedelta(hours=1))
    first = history.get(id=s1.pk)
    history.filter(pk=first.pk).update(history_date=datetime.datetime(2024, 3, 1, tzinfo=paris))
    for when, sector in [
        (datetime.datetime(2025, 6, 1, tzinfo=paris), "sport"),
        # Two records at the same instant: the later recorded one.
        (datetime.datetime(2025, 6, 1, tzinfo=paris), "environnement"),
        # 1 January 2026 at 00:30 in Paris: next year's.
        (datetime.datetime(2026, 1, 1, 0, 30, tzinfo=paris), "education_populaire"),
    ]:
        record = history.get(pk=first.pk)
        record.pk, record.sector = None, sector
        record.save()
        history.filter(pk=record.pk).update(history_date=when)
    # s3's only records are later than the year: its earliest one describes it.
    original = history.get(id=s3.pk)
    history.filter(pk=original.pk).update(history_date=datetime.datetime(2026, 2, 1, tzinfo=paris))
    later = history.get(pk=original.pk)
    later.pk, later.sector = None, "sport"
    later.save()
    history.filter(pk=later.pk).update(history_date=datetime.datetime(2026, 3, 1, tzinfo=paris))

    query = Query(YEAR, Scope.national(), SYSTEM)
    shown, suppressed = exports.dataset_structures(query)
    assert suppressed == set()
    assert shown[s1.pk].identifiers.sector == "environnement"
    assert shown[s3.pk].identifiers.sector == "culture"
    rows = {row[2]: row for row in exports.case_rows(query)}
    assert rows[exports.pseudonym("structure", s1.pk, YEAR)][6] == "environnement"
    assert rows[exports.pseudonym("structure", s3.pk, YEAR)][6] == "culture"


def test_a_dataset_left_half_read_leaves_the_connection_usable(dataset, every_structure_kept):
    """The rows stream from the database (a PostgreSQL chunked stream): a reader that
    stops early (a client gone mid-download) must not leave the connection busy."""
    from accompagnements.models import Accompagnement

    rows = exports.case_rows(Query(YEAR, Scope.national(), SYSTEM))
    first = next(rows)
    assert first[0] == YEAR
    rows.close()
    # c1, c2, c4, c5, c6, c7 (factories.py).
    assert Accompagnement.objects.count() == 6
    # And read whole, it gives the five cases of the year (test above).
    assert len(list(exports.case_rows(Query(YEAR, Scope.national(), SYSTEM)))) == 5
