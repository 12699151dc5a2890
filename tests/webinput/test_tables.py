"""html_rows and plain_selects (issue 18): the lists' HTML is what django-tables2 and
Django's widget templates write, only rendered without their per-cell/per-option cost."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.test import RequestFactory

from accompagnements.models import Accompagnement, State
from accompagnements.tables import AccompagnementTable
from structures.models import Structure
from structures.tables import StructureTable
from tests.accompagnements.factories import AccompagnementFactory
from tests.structures.factories import StructureFactory
from webinput.lists import configure_table
from webinput.tables import html_rows, plain_selects

pytestmark = pytest.mark.django_db

# django-tables2's own row rendering (its table.html), the reference.
GENERIC = Template(
    "{% for row in table.paginated_rows %}<tr {{ row.attrs.as_html }}>"
    "{% for column, cell in row.items %}<td {{ column.attrs.td.as_html }}>{{ cell }}</td>"
    "{% endfor %}</tr>{% endfor %}"
)
# What components/_rows.html prints: the same rows, one a line (webinput.tables.html_body).
GENERIC_LINES = Template(
    "{% for row in table.paginated_rows %}<tr {{ row.attrs.as_html }}>"
    "{% for column, cell in row.items %}<td {{ column.attrs.td.as_html }}>{{ cell }}</td>"
    "{% endfor %}</tr>\n{% endfor %}"
)
COMPILED = Template(
    "{% for row_attrs, cells in rows %}<tr {{ row_attrs }}>"
    "{% for td, cell in cells %}<td {{ td }}>{{ cell }}</td>{% endfor %}</tr>{% endfor %}"
)


def _table(table_class, queryset, user):
    request = RequestFactory().get("/")
    request.user = user
    table = table_class(queryset)
    configure_table(request, table, per_page=50)
    if hasattr(table, "load_open_cases"):
        table.load_open_cases()
    return table


def test_case_rows_are_django_tables2s(personas):
    officer = personas.officer_a
    AccompagnementFactory(officer=officer, structure=StructureFactory(name="Asso <Ouverte>"))
    AccompagnementFactory(officer=officer, structure=StructureFactory(name="Clôturée & Cie"),
                          state=State.CLOTURE)  # fmt: skip
    table = _table(AccompagnementTable, Accompagnement.objects.for_lists(), officer)
    expected = GENERIC.render(Context({"table": table}))
    assert expected.count("<tr ") == 2
    assert "Asso &lt;Ouverte&gt;" in expected
    assert "Clôturée &amp; Cie" in expected
    assert COMPILED.render(Context({"rows": html_rows(table)})) == expected
    assert table.html_body() == GENERIC_LINES.render(Context({"table": table}))


def test_structure_rows_are_django_tables2s(personas):
    StructureFactory(name="Jardins <partagés>", siret="")
    with_case = StructureFactory(name="Club & co")
    AccompagnementFactory(structure=with_case, officer=personas.officer_a)
    queryset = Structure.objects.select_related("departement")
    table = _table(StructureTable, queryset, personas.national)
    expected = GENERIC.render(Context({"table": table}))
    assert expected.count("<tr ") == 2
    assert ">oui</td>" in expected
    assert "—" in expected
    assert COMPILED.render(Context({"rows": html_rows(table)})) == expected
    assert table.html_body() == GENERIC_LINES.render(Context({"table": table}))


class _Form(forms.Form):
    choice = forms.ChoiceField(
        choices=[("", "Tous"), ("a&b", "A < B"), ("c", "C")],
        required=False,
        widget=forms.Select(attrs={"aria-describedby": "aide"}),
    )


def test_plain_select_writes_djangos_markup():
    reference = str(_Form({"choice": "a&b"})["choice"])
    form = plain_selects(_Form({"choice": "a&b"}))
    written = str(form["choice"])
    # Django's option template ends with a newline: only those blank lines differ.
    assert written == reference.replace("\n\n", "\n")
    assert '<option value="a&amp;b" selected>A &lt; B</option>' in written
    assert written.startswith('<select name="choice" aria-describedby="aide" id="id_choice">')


# The head and pagination structures/_table.html wrote through templates before they
# were written in Python (webinput.tables.html_head, html_pagination): the reference.
HEAD_AND_PAGES = """{% load django_tables2 %}
<thead>
  <tr>
    {% for column in table.columns %}
    <th {{ column.attrs.th.as_html }}{% if column.is_ordered %} aria-sort="{% if column.order_by_alias.is_descending %}descending{% else %}ascending{% endif %}"{% endif %}>
      {% if column.orderable %}
      <a href="{% querystring_replace table.prefixed_order_by_field=column.order_by_alias.next %}"
         hx-get="{% querystring_replace table.prefixed_order_by_field=column.order_by_alias.next %}"
         hx-target="#structures-results" hx-swap="outerHTML" hx-push-url="true">{{ column.header }}</a>
      {% else %}{{ column.header }}{% endif %}
    </th>
    {% endfor %}
  </tr>
</thead>
<nav aria-label="Pagination">
  <ul class="pagination">
    {% if table.page.has_previous %}
    <li><a href="{% querystring_replace table.prefixed_page_field=table.page.previous_page_number %}"
           hx-get="{% querystring_replace table.prefixed_page_field=table.page.previous_page_number %}"
           hx-target="#structures-results" hx-swap="outerHTML" hx-push-url="true" rel="prev">Page précédente</a></li>
    {% endif %}
    <li aria-current="page">Page {{ table.page.number }}</li>
    {% if table.page.has_next %}
    <li><a href="{% querystring_replace table.prefixed_page_field=table.page.next_page_number %}"
           hx-get="{% querystring_replace table.prefixed_page_field=table.page.next_page_number %}"
           hx-target="#structures-results" hx-swap="outerHTML" hx-push-url="true" rel="next">Page suivante</a></li>
    {% endif %}
  </ul>
</nav>"""  # noqa: E501  (the template as it was, lines included)


def _squeezed(html: str) -> str:
    # Whitespace between tags and inside them is the templates' layout, not content.
    return re.sub(r"\s+", " ", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html))).strip()


@pytest.mark.parametrize("query", ["page=2&sort=-commune&q=a%26b", "sort=name", ""])
def test_structure_head_and_pagination_are_the_templates(personas, query):
    for name in ("Alpha", "Bêta", "Gamma", "Delta", "Epsilon"):
        StructureFactory(name=name)
    request = RequestFactory().get("/structures/?" + query)
    request.user = personas.national
    table = StructureTable(Structure.objects.select_related("departement"))
    configure_table(request, table, per_page=2)
    table.load_open_cases()
    expected = Template(HEAD_AND_PAGES).render(Context({"table": table, "request": request}))
    written = str(table.html_head()) + str(table.html_pagination())
    assert _squeezed(written) == _squeezed(expected)
    assert 'rel="next"' in written  # five rows, two a page: there is a next page
    assert ('rel="prev"' in written) == query.startswith("page=2")
    if "sort" in query:
        assert written.count("aria-sort=") == 1


def test_case_list_head_sorts_without_htmx_and_one_page_has_no_pagination(personas):
    AccompagnementFactory(officer=personas.officer_a)
    request = RequestFactory().get("/accompagnements/?sort=opened_on&state=accueil")
    request.user = personas.officer_a
    table = _table(AccompagnementTable, Accompagnement.objects.for_lists(), personas.officer_a)
    table.request = request
    configure_table(request, table, per_page=50)
    head = str(table.html_head())
    assert "hx-get" not in head
    assert head.count("<th ") == 6
    assert 'aria-sort="ascending"' in head
    # Sorting the other way keeps the filter: "state=accueil" stays in the link.
    assert 'href="?sort=-opened_on&amp;state=accueil"' in head
    assert str(table.html_pagination()) == ""


@pytest.mark.parametrize(
    ("choices", "value", "selected"),
    [
        ([("", "Tous"), (35, "35 – Ille-et-Vilaine"), (56, "56 – Morbihan")], "35", 1),
        # No value selects the empty option.
        ([(None, "—"), ("x", "X")], None, 1),
        # Groups, and the same value twice: only the first is selected, as Django does.
        ([("Bretagne", [("35", "Rennes"), ("56", "Vannes")]), ("35", "encore 35")], "35", 1),
        ([("a", "Aucune sélection")], "inconnu", 0),
    ],
)
def test_plain_select_matches_django_for_any_choices(choices, value, selected):
    class Form(forms.Form):
        field = forms.ChoiceField(choices=choices, required=False)

    reference = str(Form({"field": value})["field"])
    written = str(plain_selects(Form({"field": value}))["field"])
    assert written == reference.replace("\n\n", "\n")
    assert written.count(" selected") == selected


def test_case_list_filters_render_as_django_does(personas):
    from accompagnements.filters import AccompagnementFilter

    request = RequestFactory().get("/accompagnements/", {"state": "suivi"})
    request.user = personas.national
    reference = AccompagnementFilter(
        request.GET, queryset=Accompagnement.objects.none(), user=personas.national
    ).form
    written = plain_selects(
        AccompagnementFilter(
            request.GET, queryset=Accompagnement.objects.none(), user=personas.national
        ).form
    )
    names = [n for n, f in written.fields.items() if type(f.widget).__name__ == "PlainSelect"]
    assert len(names) >= 2  # phase, department, officer…
    for name in names:
        assert str(written[name]) == str(reference[name]).replace("\n\n", "\n")


@pytest.mark.parametrize(
    "attrs",
    [
        {"class": "odd"},
        {"class": "row--closed even", "data-id": 7, "title": 'a "b" <c>'},
        {"id": None, "td": {"x": 1}, "class": lambda: "computed", "hidden": True},
    ],
)
def test_row_attributes_are_django_tables2s(attrs):
    from django_tables2.utils import AttributeDict

    from webinput.tables import _row_attrs_html

    assert _row_attrs_html(attrs) == AttributeDict(attrs).as_html()


def test_cells_read_paths_as_django_tables2_does(personas):
    """``_resolve`` (plain attribute reads through model instances) gives what the
    accessor's ``resolve`` gives: a path through models, a null relation on the way, a
    dictionary row, a method met on the way, and the same error for a missing name."""
    from django_tables2.utils import A

    from webinput.tables import _Cell, _resolve

    def cell(path):
        return _Cell(name=path, td="", accessor=A(path), render=None, arguments=None,
                     link=None, default=None, empty_values=(), generic=False,
                     bits=tuple(A(path).bits))  # fmt: skip

    case = AccompagnementFactory(officer=personas.officer_a)
    case = Accompagnement.objects.for_lists().get(pk=case.pk)
    for path in ("structure__departement__code", "officer__last_name", "structure__name",
                 "reoriented_to__name", "get_absolute_url", "structure__get_sector_display",
                 "pk"):  # fmt: skip
        assert _resolve(cell(path), case) == A(path).resolve(case), path
    assert _resolve(cell("reoriented_to__name"), case) is None  # no reorientation
    assert _resolve(cell("get_absolute_url"), case) == f"/accompagnements/{case.pk}/"
    row = {"structure": {"name": "Asso"}}
    assert _resolve(cell("structure__name"), row) == "Asso"
    with pytest.raises(ValueError, match="Failed lookup"):
        _resolve(cell("structure__no_such_name"), case)
