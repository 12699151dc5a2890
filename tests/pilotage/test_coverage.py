"""Coverage: the reference file, the rate and thin coverage (by hand), the map."""

import pytest
from django.core.management import CommandError, call_command

from pilotage.coverage import table
from pilotage.etablissements import ReferenceFileError, load
from pilotage.models import EtablissementsEss
from reporting.indicators import SECRET
from reporting.maps import department_map
from territoires.geometry import departements

HEADER = "annee;code_departement;etablissements_employeurs;dont_zrr;dont_qpv;source\n"


def test_the_sample_file_loads_every_department(db):
    call_command("load_etablissements_ess", "--exemple")
    assert EtablissementsEss.objects.count() == 101
    assert set(EtablissementsEss.objects.values_list("source", flat=True)) == {
        "EXEMPLE fictif (démonstration)"
    }
    for code in ("2A", "2B", "971", "976"):
        assert EtablissementsEss.objects.filter(departement__code=code, year=2023).exists()


def test_a_file_loads_whole_or_not_at_all_with_every_error_by_line(db):
    data = (
        "# commentaire\n"
        + HEADER
        + "2023;35;4000;600;;Observatoire\n"
        + "2023;99;100;;;Observatoire\n"
        + "2023;29;100;150;;Observatoire\n"
        + "2023;35;10;;;Observatoire\n"
        + "1999;22;abc;;;\n"
    ).encode()
    with pytest.raises(ReferenceFileError) as refused:
        load(data)
    assert refused.value.errors == [
        "Ligne 4, code_departement : département inconnu ('99').",
        "Ligne 5, dont_zrr : 150 dépasse le nombre d'établissements (100).",
        "Ligne 6 : 35 2023 figure déjà ligne 3.",
        "Ligne 7, annee : un millésime entre 2000 et 2100 est attendu.",
        "Ligne 7, etablissements_employeurs : un nombre entier positif est attendu ('abc').",
        "Ligne 7, source : indiquez d'où vient le chiffre.",
    ]
    assert not EtablissementsEss.objects.exists()


def test_a_new_load_of_a_vintage_replaces_it(db, tmp_path):
    path = tmp_path / "ess.csv"
    path.write_bytes(("\ufeff" + HEADER + "2023;35;4000;600;120;ONESS\n").encode())
    call_command("load_etablissements_ess", str(path))
    path.write_text(HEADER.replace(";", ",") + "2023,35,4100,,,ONESS v2\n", encoding="utf-8")
    call_command("load_etablissements_ess", str(path))
    row = EtablissementsEss.objects.get()
    assert (row.employer_establishments, row.in_zrr, row.source) == (4100, None, "ONESS v2")


def test_the_command_names_a_wrong_header(db, tmp_path):
    path = tmp_path / "ess.csv"
    path.write_text("departement;nombre\n35;4\n", encoding="utf-8")
    with pytest.raises(CommandError, match="colonnes attendues"):
        call_command("load_etablissements_ess", str(path))


PANEL = {
    "departements": {
        # 10 structures for 1 000 establishments: 1.0 per 100.
        "35": {
            "structures": 10, "qpv": 1, "zrr": 4, "communes": 7, "etablissements": 1000,
            "etablissements_zrr": 250, "etablissements_qpv": 50, "millesime": 2023,
        },
        # 2 for 1 000: 0.2, below half the whole (12 × 100 / 2 500 = 0.48 → 0.24).
        "29": {
            "structures": 2, "qpv": 0, "zrr": 1, "communes": 2, "etablissements": 1000,
            "etablissements_zrr": None, "etablissements_qpv": None, "millesime": 2023,
        },
        # None reached among 500: thin.
        "22": {
            "structures": 0, "qpv": 0, "zrr": 0, "communes": 0, "etablissements": 500,
            "etablissements_zrr": 100, "etablissements_qpv": 5, "millesime": 2023,
        },
        # No reference: no rate, never "thin".
        "56": {
            "structures": 3, "qpv": 0, "zrr": 0, "communes": 3, "etablissements": None,
            "etablissements_zrr": None, "etablissements_qpv": None, "millesime": None,
        },
    },
    "sources": ["ONESS (2023)"],
}  # fmt: skip
NAMES = {"35": "Ille-et-Vilaine", "29": "Finistère", "22": "Côtes-d'Armor", "56": "Morbihan"}


def test_coverage_rates_shares_and_thin_departments_worked_by_hand():
    result = table(PANEL, NAMES)
    rows = {row["code"]: row for row in result["rows"]}
    assert result["overall"] == 0.5  # 12 × 100 / 2 500 = 0.48, one decimal
    assert [(c, rows[c]["rate"], rows[c]["thin"]) for c in ("35", "29", "22", "56")] == [
        ("35", 1.0, False),
        ("29", 0.2, True),
        ("22", 0.0, True),
        ("56", None, False),
    ]
    # 35: 4 of 10 structures in ZRR (40.0 %) against 250 of 1 000 establishments (25.0 %).
    assert (rows["35"]["zrr"], rows["35"]["zrr_reference"]) == (40.0, 25.0)
    assert (rows["35"]["qpv"], rows["35"]["qpv_reference"]) == (10.0, 5.0)
    assert rows["35"]["communes"] == 7


def test_published_coverage_uses_the_published_counts():
    result = table(PANEL, NAMES, published={"35": 10, "29": SECRET, "22": 0, "56": 3})
    rows = {row["code"]: row for row in result["rows"]}
    assert (rows["29"]["structures"], rows["29"]["rate"]) == (SECRET, None)
    # Without the hidden department: 10 × 100 / 1 500 = 0.67 → 0.7; half is 0.33.
    assert result["overall"] == 0.7
    assert (rows["35"]["thin"], rows["22"]["thin"]) == (False, True)


def test_the_map_draws_every_department_with_corsica_and_overseas():
    shapes = departements()
    assert len(shapes) == 101
    assert {"2A", "2B", "971", "972", "973", "974", "976"} <= set(shapes)
    assert "975" not in shapes  # Saint-Pierre-et-Miquelon is not a department
    chart = department_map(
        "Couverture",
        {"35": 1.0, "29": 0.2, "2A": SECRET},
        {"35": "Ille-et-Vilaine", "29": "Finistère", "2A": "Corse-du-Sud"},
        decimals=1,
        flagged={"29"},
        flag_label="couverture faible",
    )
    svg = str(chart.svg)
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert svg.count("<title>") == 101
    assert "Ille-et-Vilaine (35) : 1,0" in svg
    assert "Finistère (29) : 0,2 (couverture faible)" in svg
    assert "Corse-du-Sud (2A) : s" in svg
    assert "Guadeloupe" in svg
    assert "pygal-maps-fr" in svg
    assert chart.rows == [
        ("29 – Finistère", "0,2 (couverture faible)"),
        ("2A – Corse-du-Sud", "s"),
        ("35 – Ille-et-Vilaine", "1,0"),
    ]


def test_the_rates_are_written_as_floatformat_writes_them():
    """The table writes rates with one decimal as Django's ``floatformat`` does (French
    comma, no thousands separator), for every rate ``rate`` and ``share`` can give."""
    from django.template.defaultfilters import floatformat

    from pilotage.coverage import _rows_html, rate

    values = sorted({rate(n, d) for n in (0, 1, 7, 13, 99, 1234) for d in (1, 3, 7, 250, 9999)})
    assert "1,0" in [floatformat(v, 1) for v in values]  # the reference speaks French
    rows = [
        {
            "code": "35", "name": "Ille-et-Vilaine", "structures": 1, "etablissements": None,
            "millesime": None, "rate": value, "zrr": value, "zrr_reference": None, "qpv": None,
            "qpv_reference": None, "communes": 0, "thin": False,
        }
        for value in values
    ]  # fmt: skip
    html = str(_rows_html(rows, public=False))
    for value in values:
        cell = f'<td class="num">{floatformat(value, 1)}</td>\n'
        assert cell + cell in html  # the rate, then the ZRR share


def _rows_through_format_html(rows, public):
    """The table's body as format_html writes it, cell by cell (the reference)."""
    from django.template.defaultfilters import floatformat
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    from reporting.charts import fmt

    def number(value):
        return "—" if value is None else floatformat(value, 1)

    parts = []
    for row in rows:
        establishments = (
            "—"
            if row["etablissements"] is None
            else format_html(
                '{} <span class="help">({})</span>', fmt(row["etablissements"]), row["millesime"]
            )
        )
        cells = [fmt(row["structures"]), establishments, number(row["rate"])]
        if not public:
            cells += [number(row[key]) for key in ("zrr", "zrr_reference", "qpv", "qpv_reference")]
            cells.append(fmt(row["communes"]))
        if row["thin"]:
            verdict = mark_safe("<strong>faible</strong>")
        else:
            verdict = "référence manquante" if row["rate"] is None else "—"
        parts.append(
            format_html('<tr>\n<th scope="row">{} – {}</th>\n', row["code"], row["name"])
            + "".join(format_html('<td class="num">{}</td>\n', cell) for cell in cells)
            + format_html("<td>{}</td>\n</tr>\n", verdict)
        )
    return "".join(parts)


@pytest.mark.parametrize("public", [False, True])
def test_the_table_body_is_what_format_html_writes(public):
    from pilotage.coverage import _rows_html

    rows = [
        {
            "code": "2A", "name": "Corse-du-Sud <&> l'île", "structures": 12_345,
            "etablissements": 1_234, "millesime": "2023 <b>", "rate": 1.5, "zrr": 12.3,
            "zrr_reference": 1234.5, "qpv": None, "qpv_reference": 0.0, "communes": 7,
            "thin": True,
        },
        {
            "code": "35", "name": "Ille-et-Vilaine", "structures": 0, "etablissements": None,
            "millesime": None, "rate": None, "zrr": None, "zrr_reference": None, "qpv": 3.0,
            "qpv_reference": 2.5, "communes": 0, "thin": False,
        },
        {
            "code": "29", "name": "Finistère", "structures": 5, "etablissements": 40,
            "millesime": "2022", "rate": 12.5, "zrr": 0.1, "zrr_reference": 0.2, "qpv": 0.0,
            "qpv_reference": 99.9, "communes": 1, "thin": False,
        },
    ]  # fmt: skip
    assert str(_rows_html(rows, public=public)) == _rows_through_format_html(rows, public)
