"""html_rows and plain_selects (issue 18): the lists' HTML is what django-tables2 and
Django's widget templates write, only rendered without their per-cell/per-option cost."""

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
from webinput.tables import plain_selects

pytestmark = pytest.mark.django_db

# django-tables2's own row rendering (its table.html), the reference.
GENERIC = Template(
    "{% for row in table.paginated_rows %}<tr {{ row.attrs.as_html }}>"
    "{% for column, cell in row.items %}<td {{ column.attrs.td.as_html }}>{{ cell }}</td>"
    "{% endfor %}</tr>{% endfor %}"
)
COMPILED = Template(
    "{% for row_attrs, cells in table.html_rows %}<tr {{ row_attrs }}>"
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
    assert COMPILED.render(Context({"table": table})) == expected


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
    assert COMPILED.render(Context({"table": table})) == expected


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
