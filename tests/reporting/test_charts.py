from decimal import Decimal

from reporting import charts, maps
from reporting.indicators import SECRET


def test_bar_charts_are_labelled_images_with_their_figures():
    chart = charts.horizontal_bars(
        "Structures par secteur", [("culture", 12), ("sport", 3)], unit="structures"
    )
    assert chart.svg.startswith("<svg")
    assert 'role="img"' in chart.svg
    assert "<title id=" in chart.svg
    assert "Valeur la plus élevée : culture, 12 structures." in chart.svg
    assert chart.rows == [("culture", "12"), ("sport", "3")]


def test_chart_text_is_escaped():
    chart = charts.bar_chart("<script>", [("<b>", 1)])
    assert "<script>" not in chart.svg
    assert "&lt;b&gt;" in chart.svg


def test_numbers_are_french_and_secret_cells_say_so():
    assert charts.fmt(1234.5, 1, "%") == "1\xa0234,5\u202f%"
    assert charts.fmt(SECRET) == "s"
    assert charts.fmt(None) == "–"


def test_numbers_are_french_even_where_no_language_is_active():
    """A Celery task or a management command formats as a request does (the separators
    are read once, for the site's language, not for the caller's)."""
    from django.utils import translation

    with translation.override(None):
        assert charts.fmt(1234567) == "1\xa0234\xa0567"
        assert charts.fmt(Decimal("2500.25"), 2, "€") == "2\xa0500,25\u202f€"
        assert charts.fmt(-0.5, 1) == "-0,5"


def test_the_department_map_titles_each_department_and_patterns_secret_cells():
    chart = maps.department_map(
        "Carte", {"35": 14, "29": SECRET, "22": 0}, {"35": "Ille-et-Vilaine", "29": "Finistère"}
    )
    assert "Ille-et-Vilaine (35) : 14" in chart.svg
    assert "Morbihan" not in chart.svg
    assert "(56) : hors sélection" in chart.svg
    assert "-hatch)" in chart.svg
    assert chart.rows[0] == ("22 – 22", "0")
    assert len(chart.legend) == 5


def test_fmt_writes_what_numberformat_writes_for_ints_and_floats():
    """The fast path of ``fmt`` (ints and floats) against Django's numberformat, the
    reference: grouping, signs, decimals cut rather than rounded, floats written in
    scientific notation by str() (left to numberformat)."""
    import random

    from django.utils import numberformat

    rng = random.Random(18)
    values = [0, 7, -7, 999, 1000, -1000, 12345678, 0.05, -0.05, 12.36, 99.99, 1e-7, 2.5e16]
    values += [rng.randint(-(10**9), 10**9) for _ in range(300)]
    values += [rng.uniform(-(10**7), 10**7) for _ in range(300)]
    values += [round(rng.uniform(0, 100), 1) for _ in range(300)]
    for value in values:
        for decimals in (0, 1, 2):
            expected = numberformat.format(
                value, ",", decimal_pos=decimals, grouping=3, thousand_sep="\xa0",
                force_grouping=True, use_l10n=True,
            )  # fmt: skip
            assert charts.fmt(value, decimals) == expected, (value, decimals)


# What reporting/_chart.html wrote through the template engine, before Chart.html.
FORMER_CHART_TEMPLATE = (
    '<figure class="chart-figure">\n'
    "  <figcaption>{{ chart.title }}</figcaption>\n"
    "  <div>{{ chart.svg }}</div>\n"
    "  <table>\n"
    '    <caption class="visually-hidden">{{ chart.title }} : valeurs du graphique</caption>\n'
    '    <thead><tr><th scope="col">{{ chart.headers.0 }}</th>'
    '<th scope="col" class="num">{{ chart.headers.1 }}</th></tr></thead>\n'
    "    <tbody>\n"
    "      {{ chart.html_rows }}\n"
    "    </tbody>\n"
    "  </table>\n"
    "</figure>\n"
)


def test_a_chart_is_written_as_the_template_wrote_it_escaped():
    from django.template import Context, Template

    chart = charts.horizontal_bars(
        "Secteurs <2025> & « autres »",
        [("culture & <loisirs>", 12), ('sport "amateur"', 3)],
        category_header="Secteur <d'activité>",
        value_header="Structures & réseaux",
    )
    assert chart.html == Template(FORMER_CHART_TEMPLATE).render(Context({"chart": chart}))
    # By hand: the title and headers escaped, the SVG kept as markup.
    assert "<figcaption>Secteurs &lt;2025&gt; &amp; « autres »</figcaption>" in chart.html
    assert '<th scope="col">Secteur &lt;d&#x27;activité&gt;</th>' in chart.html
    assert "<div><svg " in chart.html
