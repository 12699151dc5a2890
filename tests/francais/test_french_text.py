"""French on every page (issue 17, item 1): plurals, dates, years and identifiers."""

import datetime as dt

import pytest
from django.template import engines
from django.urls import reverse

from francais import pluriel
from tests.structures.factories import StructureFactory


def render(source, **context):
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize(
    ("count", "expected"), [(0, "0 jour"), (1, "1 jour"), (2, "2 jours"), (1.5, "1,5 jour")]
)
def test_pluralize_follows_the_french_rule(count, expected):
    assert render("{{ n }} jour{{ n|pluralize }}", n=count) == expected


def test_pluralize_keeps_django_arguments():
    assert render('{{ n|pluralize:"al,aux" }}', n=0) == "al"
    assert render('{{ n|pluralize:"al,aux" }}', n=3) == "aux"
    assert render("structure{{ items|pluralize }}", items=[1, 2]) == "structures"


def test_pluriel_in_python():
    assert pluriel(0, "structure créée") == "0 structure créée"
    assert pluriel(2, "structure créée") == "2 structures créées"
    assert pluriel(3, "mise à jour", "mises à jour") == "3 mises à jour"
    assert pluriel(["a"], "erreur") == "1 erreur"


def test_dates_and_times_are_french():
    moment = dt.datetime(2026, 11, 30, 11, 2, tzinfo=dt.UTC)  # 12:02 in Paris
    assert render("{{ d }}", d=moment) == "30 nov. 2026 à 12:02"
    assert render("{{ d|date }}", d=dt.date(2026, 7, 14)) == "14 juil. 2026"
    assert render('{{ d|date:"SHORT_DATETIME_FORMAT" }}', d=moment) == "30/11/2026 à 12:02"


def test_years_and_ids_are_not_grouped_by_thousands():
    assert render("{{ y|unlocalize }}", y=2015) == "2015"
    assert render("{{ n }}", n=12345) == "12\xa0345"  # counts keep their separator


def test_structure_page_shows_the_year_founded_plainly(personas, client_for):
    structure = StructureFactory(year_founded=2015)
    page = client_for(personas.national).get(reverse("structures:detail", args=[structure.pk]))
    text = page.content.decode()
    assert "<dd>2015</dd>" in text
    assert "2\xa0015" not in text


def test_empty_structure_list_says_0_structure(personas, client_for):
    page = client_for(personas.national).get(reverse("structures:list"))
    assert "<strong>0</strong> structure\n" in page.content.decode()
