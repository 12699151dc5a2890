"""The crashes hostile input found, each pinned: lists, search, exports, forms, error pages."""

import datetime
import logging

import pytest
from django.db import DatabaseError, OperationalError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import escape

import tabular
from dla_suivi.errors import server_error
from tests.accompagnements.factories import AccompagnementFactory
from tests.structures.factories import StructureFactory
from webinput.lists import MAX_PAGE, MAX_PER_PAGE, bounded_int, page_number, sort_keys

LISTS = ["structures:list", "accompagnements:list"]
THOUSAND_WORDS = " ".join(["ab"] * 1001)


# --- Pagination and sorting ------------------------------------------------------------


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("per_page", ["-5", "0", "abc", "", "1e3", "٣", "-0"])
def test_a_page_size_that_means_nothing_gives_the_default(name, per_page, personas, client_for):
    response = client_for(personas.officer_a).get(reverse(name), {"per_page": per_page})
    assert response.status_code == 200
    assert response.context["table"].paginator.per_page == 50


@pytest.mark.parametrize("name", LISTS)
def test_a_huge_page_size_is_bounded(name, personas, client_for):
    response = client_for(personas.officer_a).get(
        reverse(name), {"per_page": "99999999999999999999"}
    )
    assert response.status_code == 200
    assert response.context["table"].paginator.per_page == MAX_PER_PAGE == 100


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("page", ["99999999999999999999", str(MAX_PAGE + 1)])
def test_a_page_past_the_last_possible_one_is_404(name, page, personas, client_for):
    response = client_for(personas.officer_a).get(reverse(name), {"page": page})
    assert response.status_code == 404


@pytest.mark.parametrize("name", LISTS)
def test_a_page_after_the_last_one_is_404_not_an_error(name, personas, client_for):
    # Three rows, 50 a page: page 1 only (an old link to page 2 of a list that shrank).
    for structure in StructureFactory.create_batch(3):
        AccompagnementFactory(structure=structure, officer=personas.officer_a)
    client = client_for(personas.officer_a)
    assert client.get(reverse(name), {"page": "1"}).status_code == 200
    response = client.get(reverse(name), {"page": "2"})
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("page", ["-1", "0", "abc", "\x00"])
def test_a_page_number_that_means_nothing_is_the_first_page(name, page, personas, client_for):
    response = client_for(personas.officer_a).get(reverse(name), {"page": page})
    assert response.status_code == 200
    assert response.context["table"].page.number == 1


def test_unknown_sort_keys_are_ignored_and_known_ones_kept(personas, client_for):
    StructureFactory(name="Aubépine")
    StructureFactory(name="Zinnia")
    response = client_for(personas.officer_a).get(
        reverse("structures:list"), {"sort": "zzz,-name,password,-name", "per_page": "10"}
    )
    assert response.status_code == 200
    table = response.context["table"]
    assert list(table.order_by) == ["-name"]
    assert [row.record.name for row in table.page.object_list] == ["Zinnia", "Aubépine"]


def test_sort_keys_keep_only_sortable_columns(personas, rf):
    from structures.models import Structure
    from structures.tables import StructureTable

    table = StructureTable(Structure.objects.none())
    # has_open_case is a column, but not a sortable one.
    assert sort_keys(table, ["has_open_case,-commune", "name", "x" * 500]) == ["-commune", "name"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, 7), ("", 7), ("3", 3), (" 3 ", 3), ("+3", 7), ("-3", 7), ("0", 7), ("9" * 30, 40),
     ("1" * 200, 7), ("٣", 7), ("²", 7), ("3.0", 7)],
)  # fmt: skip
def test_bounded_int(raw, expected):
    assert bounded_int(raw, default=7, minimum=1, maximum=40) == expected


def test_page_number_bounds():
    from django.http import Http404

    assert page_number(str(MAX_PAGE)) == MAX_PAGE
    with pytest.raises(Http404):
        page_number(str(MAX_PAGE + 1))


# --- Search --------------------------------------------------------------------------


def test_a_search_of_a_thousand_words_is_refused_with_a_french_message(personas, client_for):
    StructureFactory(name="Aubépine")
    response = client_for(personas.officer_a).get(reverse("structures:list"), {"q": THOUSAND_WORDS})
    assert response.status_code == 200
    assert response.context["filterset"].errors["q"] == [
        "La recherche est limitée à 10 mots et 200 caractères : gardez les mots les plus "
        "distinctifs."
    ]
    assert "La recherche est limitée à 10 mots" in response.text


def test_a_search_of_ten_words_still_searches(personas, client_for):
    StructureFactory(name="Aubépine", commune="Rennes")
    StructureFactory(name="Zinnia", commune="Rennes")
    client = client_for(personas.officer_a)
    ten = " ".join(["aubepine"] * 5 + ["rennes"] * 5)
    response = client.get(reverse("structures:list"), {"q": ten})
    assert response.context["filterset"].errors == {}
    assert response.context["total"] == 1
    response = client.get(reverse("structures:list"), {"q": ten + " rennes"})
    assert list(response.context["filterset"].errors) == ["q"]


# --- Exports -------------------------------------------------------------------------


def test_an_export_with_an_invalid_filter_answers_400_in_french_before_streaming(
    personas, client_for
):
    StructureFactory(name="Aubépine")
    response = client_for(personas.officer_a).get(
        reverse("structures:export"), {"q": THOUSAND_WORDS, "format": "csv"}
    )
    assert response.status_code == 400
    assert not response.streaming
    assert response.content.decode() == (
        "Export impossible, un filtre n'est pas valide :\n"
        "Rechercher : La recherche est limitée à 10 mots et 200 caractères : gardez les mots "
        "les plus distinctifs."
    )


def test_an_export_with_an_unknown_choice_answers_400(personas, client_for):
    response = client_for(personas.officer_a).get(
        reverse("structures:export"), {"departement": "\x00", "format": "csv"}
    )
    assert response.status_code == 400
    assert response.content.decode().startswith("Export impossible, un filtre n'est pas valide")


def _failing_rows():
    yield ["Aubépine", 3]
    yield ["Zinnia", 4]
    raise OperationalError("the database went away")


def test_a_streamed_export_failing_after_its_first_bytes_says_so(caplog):
    response = tabular.export_response("csv", "structures", ["Nom", "Effectif"], _failing_rows())
    chunks = []

    def drain():
        chunks.extend(response.streaming_content)

    with caplog.at_level(logging.ERROR, logger="tabular.write"), pytest.raises(OperationalError):
        drain()
    text = b"".join(chunks).decode("utf-8")
    assert text == (
        "\ufeffNom;Effectif\r\nAubépine;3\r\nZinnia;4\r\n" + tabular.write.INTERRUPTED_LINE + "\r\n"
    )
    [record] = caplog.records
    assert record.getMessage() == "Export structures interrupted after 3 lines: file incomplete"
    assert record.exc_info[0] is OperationalError


# --- Integer form fields ---------------------------------------------------------------


@pytest.mark.parametrize("value", ["99999999999999999999", "9223372036854775808", "abc"])
def test_a_huge_department_in_the_support_actor_form_is_a_form_error(value, personas, client_for):
    response = client_for(personas.officer_a).post(
        reverse("accompagnements:acteur_add"),
        {"name": "Couveuse", "kind": "incubateur", "departements": [value]},
    )
    assert response.status_code == 200
    assert f"«\xa0{value}\xa0» n’est pas une valeur correcte." in response.text


@pytest.mark.parametrize(
    ("route", "prefix", "most"),
    [("structures:contacts", "contacts", 50), ("accompagnements:diagnostic", "axes", 10)],
)
def test_a_forged_form_count_is_refused_without_building_a_thousand_forms(
    route, prefix, most, personas, client_for
):
    case = AccompagnementFactory(officer=personas.officer_a)
    pk = case.structure.pk if route.startswith("structures") else case.pk
    response = client_for(personas.officer_a).post(
        reverse(route, args=[pk]),
        {f"{prefix}-TOTAL_FORMS": "99999", f"{prefix}-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.total_form_count() == most
    assert [e.code for e in formset.non_form_errors().as_data()] == ["too_many_forms"]


def _project_form_classes():
    """Every form class defined in a ``forms*.py`` module of the project's apps."""
    import importlib
    import inspect
    import pkgutil

    from django import forms
    from django.apps import apps
    from django.conf import settings

    for config in apps.get_app_configs():
        # The project's own apps: under BASE_DIR, not in the virtualenv it may contain.
        if not config.path.startswith(str(settings.BASE_DIR)) or "site-packages" in config.path:
            continue
        for module_info in pkgutil.iter_modules([config.path]):
            if not module_info.name.startswith("forms"):
                continue
            module = importlib.import_module(f"{config.name}.{module_info.name}")
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    yield cls


def test_every_multiple_choice_of_objects_bounds_its_ids():
    from django import forms

    from webinput.fields import BoundedModelMultipleChoiceField

    classes = list(_project_form_classes())
    assert len(classes) > 20, "the walk must find the project's forms"
    unbounded = sorted(
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in classes
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.ModelMultipleChoiceField)
        and not isinstance(field, BoundedModelMultipleChoiceField)
    )
    assert unbounded == [], "Use webinput.fields.BoundedModelMultipleChoiceField"


# --- Ids and return addresses typed by hand ------------------------------------------


def test_a_merge_with_a_duplicate_that_is_no_id_is_a_404(personas, client_for):
    from tests.accompagnements.factories import PrestataireFactory

    keep = PrestataireFactory(dla=personas.coordinator.dla)
    client = client_for(personas.coordinator)
    for value in ["abc", "²", "9" * 30, ""]:
        response = client.post(reverse("espace:merge", args=[keep.pk]), {"duplicate": value})
        assert response.status_code == 404, value


def test_a_return_address_that_is_not_a_path_goes_back_to_the_campaign(personas, client_for):
    structure = StructureFactory()
    url = reverse("reporting:campaign_year_end", kwargs={"year": 2025, "pk": structure.pk})
    for value in ["\ufffd(", "accompagnements:list", "//evil.example/", "https://evil.example/"]:
        response = client_for(personas.officer_a).post(url, {"retour": value})
        assert response.status_code == 302, value
        assert response["Location"] == reverse("reporting:campaign", kwargs={"year": 2025})


def test_the_register_lookup_ignores_a_structure_that_is_no_id(personas, client_for, settings):
    settings.ENTREPRISES_API_URL = ""
    response = client_for(personas.officer_a).get(
        reverse("structures:register_lookup"), {"repertoire": "abc", "structure": "²"}
    )
    assert response.status_code == 200


# --- Error pages ---------------------------------------------------------------------


def _handled(run_query) -> int:
    """The status the 500 handler gives the database error ``run_query`` raises."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            run_query(cursor)
    except DatabaseError:
        return server_error(RequestFactory().get("/")).status_code
    raise AssertionError("the query was expected to fail")


def test_a_query_the_database_refuses_is_a_500_not_an_outage(db):
    if connection.vendor == "sqlite":
        # SQLite reports a too-large expression as an OperationalError, like an outage.
        deep = " + ".join(["1"] * 1200)
        assert _handled(lambda cursor: cursor.execute(f"SELECT {deep}")) == 500
    else:
        assert _handled(lambda cursor: cursor.execute("SELECT 9223372036854775807 + 1")) == 500


def test_a_locked_database_is_an_outage(db):
    def locked(_cursor):
        raise OperationalError("database is locked")

    assert _handled(locked) == 503


def test_an_out_of_range_page_is_not_reported_as_an_outage(personas, client_for):
    client = client_for(personas.officer_a)
    for url in ("/structures/?page=99999999999999999999", "/structures/?per_page=" + "9" * 20):
        assert client.get(url).status_code != 503


# --- Open case of another DLA ------------------------------------------------------


def test_the_case_page_does_not_link_to_a_comite_its_reader_cannot_open(personas, client_for):
    from accompagnements.models import ComiteAppui, ComiteReview
    from tests.accounts.factories import regional_dla

    case = AccompagnementFactory(
        structure=StructureFactory(name="Fédération bretonne", is_network=True),
        dla=regional_dla("53"),
        officer=personas.coordinator,
    )
    comite = ComiteAppui.objects.create(
        dla=regional_dla("53"), held_on=datetime.date(2026, 3, 2), members="Comité régional"
    )
    ComiteReview.objects.create(comite=comite, accompagnement=case, opinion="favorable")
    comite_url = reverse("accompagnements:comite", args=[comite.pk])
    officer_page = client_for(personas.officer_a).get(case.get_absolute_url())
    assert officer_page.status_code == 200
    name = escape(str(comite))
    assert name in officer_page.text
    assert comite_url not in officer_page.text
    coordinator_page = client_for(personas.coordinator).get(case.get_absolute_url())
    assert f'<a href="{comite_url}">{name}</a>' in coordinator_page.text
