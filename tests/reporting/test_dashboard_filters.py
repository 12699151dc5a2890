"""Dashboards (issue 17): linked region and department filters, the comparison table
exported as CSV or XLSX with its units, report job entries that say what they are."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse

from reporting.indicators import REGISTRY

from .factories import YEAR, build_dataset

URL = reverse("reporting:dashboard")
EXPORT = reverse("reporting:comparison_export")


@pytest.fixture
def dataset(personas):
    return build_dataset(personas)


def department_options(html):
    select = html.split('name="departement"', 1)[1].split("</select>", 1)[0]
    return [part.split('"', 1)[0] for part in select.split('<option value="')[1:]]


def test_a_department_outside_the_chosen_region_is_refused_in_french(dataset, personas, client_for):
    response = client_for(personas.national).get(
        URL, {"annee": YEAR, "region": "52", "departement": "35"}
    )
    assert response.status_code == 200
    # Not silently the department, nor silently the region: the region, and why.
    assert response.context["scope"].code == "52"
    assert (
        "Le département Ille-et-Vilaine (35) n&#x27;est pas dans la région Pays de la Loire"
        in response.text
    )


def test_a_department_inside_the_chosen_region_is_shown(dataset, personas, client_for):
    response = client_for(personas.national).get(
        URL, {"annee": YEAR, "region": "53", "departement": "29"}
    )
    assert response.context["scope"].code == "29"
    assert response.context["territory_refused"] == ""


def test_the_department_choices_follow_the_region(dataset, personas, client_for):
    client = client_for(personas.national)
    in_region = department_options(client.get(URL, {"annee": YEAR, "region": "53"}).text)
    assert in_region == ["", "22", "29", "35", "56"]
    # Zoomed on a department: its region's departments, its region selected.
    page = client.get(URL, {"annee": YEAR, "departement": "44"}).text
    assert department_options(page) == ["", "44", "49", "53", "72", "85"]
    assert '<option value="52" selected>' in page
    # France as a whole: every department, grouped by region.
    page = client.get(URL, {"annee": YEAR}).text
    assert len(department_options(page)) == 1 + 101
    assert '<optgroup label="Bretagne">' in page


def test_the_department_options_are_escaped_grouped_and_selected():
    from reporting.indicators import Scope
    from reporting.views.dashboard import departement_options

    regions = [("53", "Bretagne"), ("52", "Pays <de> la Loire")]
    departements = [("35", "Ille-et-Vilaine", "53"), ("44", "Loire & Atlantique", "52")]
    zoomed = Scope("departement", code="44")
    grouped = departement_options(regions, departements, zoomed, "")
    assert grouped == (
        '<optgroup label="Bretagne"><option value="35">35 – Ille-et-Vilaine</option></optgroup>\n'
        '<optgroup label="Pays &lt;de&gt; la Loire">'
        '<option value="44" selected>44 – Loire &amp; Atlantique</option></optgroup>'
    )
    # A region shown: its departments alone, not grouped; none selected at region level.
    flat = departement_options(regions, departements[1:], Scope("region", code="52"), "52")
    assert flat == '<option value="44">44 – Loire &amp; Atlantique</option>'


def test_the_comparison_table_is_exported_as_csv_with_units(dataset, personas, client_for):
    response = client_for(personas.coordinator).get(EXPORT, {"annee": YEAR, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="comparaison-53-{YEAR}.csv"'
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [
        "Indicateur",
        "Code",
        "Unité",
        "Côtes-d'Armor",
        "Finistère",
        "Ille-et-Vilaine",
        "Morbihan",
    ]
    by_code = {row[1]: row for row in rows[1:]}
    # The figures of test_dashboard: 0, 1, 2 and 0 structures.
    structures = by_code["ACT_STRUCTURES"]
    assert structures[2] == REGISTRY["ACT_STRUCTURES"].unit
    assert structures[3:] == ["0", "1", "2", "0"]
    assert all(row[2] for row in rows[1:]), "every figure has its unit"


def test_the_comparison_table_is_exported_as_xlsx(dataset, personas, client_for):
    response = client_for(personas.national).get(EXPORT, {"annee": YEAR, "format": "xlsx"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "Bretagne" in sheet
    assert "ACT_STRUCTURES" in sheet


def test_the_export_follows_the_readers_scope(dataset, personas, client_for):
    # Another region's table is out of the coordinator's scope: 404, as the page.
    response = client_for(personas.coordinator).get(EXPORT, {"annee": YEAR, "region": "52"})
    assert response.status_code == 404
    # A department has no comparison: back to its dashboard, with a message.
    response = client_for(personas.officer_a).get(EXPORT, {"annee": YEAR})
    assert response.status_code == 302


def test_the_dashboard_links_to_the_export_of_what_it_shows(dataset, personas, client_for):
    page = client_for(personas.national).get(URL, {"annee": YEAR, "region": "53"}).text
    assert f"{EXPORT}?annee={YEAR}&amp;region=53&amp;format=xlsx" in page


def test_every_figure_says_its_unit_in_french(dataset, personas, client_for):
    from reporting.views.dashboard import unit_text

    # 0 and 1 take the singular; a percentage or an amount carries its sign already.
    assert [unit_text(v, "structures") for v in (0, 1, 1.5, 2, 12)] == [
        "structure",
        "structure",
        "structure",
        "structures",
        "structures",
    ]
    assert unit_text(40, "%") == unit_text(1000, "€") == unit_text("s", "structures") == ""
    client = client_for(personas.coordinator)
    page = client.get(URL, {"annee": YEAR}).text
    assert '3 <span class="card__unit">structures</span>' in page
    page = client.get(URL, {"annee": YEAR, "departement": "29"}).text
    assert '1 <span class="card__unit">structure</span>' in page


def test_long_chart_labels_wrap_instead_of_being_cut():
    from reporting.charts import bar_chart, horizontal_bars

    label = "Famille, enfance, jeunesse et éducation populaire"
    svg = str(horizontal_bars("Secteurs", [(label, 3), ("Sport", 1)]).svg)
    assert ">Famille, enfance, jeunesse et</tspan>" in svg
    assert ">éducation populaire</tspan>" in svg
    assert "…" not in svg
    svg = str(bar_chart("Tailles", [("10 à 49 salariés", 2)]).svg)
    assert ">10 à 49</tspan>" in svg
    assert ">salariés</tspan>" in svg


def test_a_sections_figures_are_written_with_unit_and_last_year_escaped():
    from reporting.figures import Figure
    from reporting.views.dashboard import figure_items, with_units

    shown = with_units(
        [
            Figure("A", "Structures <QPV> & ZRR", "structures", 1, "1", "3", "−2"),
            Figure("B", "Part", "%", 12.5, "12,5\u202f%", "10,0\u202f%"),
        ]
    )
    assert figure_items(shown, 2024) == (
        '<li><span>Structures &lt;QPV&gt; &amp; ZRR</span><span class="value">1 '
        '<span class="card__unit">structure</span> <span class="help">(2024 : 3, −2)</span>'
        "</span></li>\n"
        '<li><span>Part</span><span class="value">12,5\u202f% <span class="help">'
        "(2024 : 10,0\u202f%)</span></span></li>"
    )
    # No year before: no comparison.
    assert "help" not in figure_items(shown[:1], None)
