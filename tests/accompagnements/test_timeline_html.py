"""The timeline's entries written in Python (accompagnements.timeline.html, issue 18) are
what the template's loop wrote, for every kind of entry."""

import datetime

import pytest
from django.template import Context, Template

from accompagnements.timeline import Entry, html

# The loop _timeline.html had, the reference.
LOOP = Template(
    """{% for entry in timeline %}
  <li class="timeline__entry timeline__entry--{{ entry.category }}">
    <time datetime="{{ entry.at|date:'c' }}">{{ entry.at|date:"d/m/Y H:i" }}</time> —
    {% if entry.url and not entry.edits or entry.url and editable %}"""
    """<a href="{{ entry.url }}">{{ entry.title }}</a>{% else %}"""
    """<strong>{{ entry.title }}</strong>{% endif %}
    {% if entry.who %} · {{ entry.who }}{% endif %}
    {% for line in entry.lines %}<br><span class="help">{{ line }}</span>{% endfor %}
    {% if entry.detail %}<p>{{ entry.detail|linebreaksbr }}</p>{% endif %}
  </li>
  {% endfor %}"""
)


def _normalised(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("editable", [True, False])
def test_entries_are_written_as_the_templates_loop_wrote_them(personas, editable):
    # 23:30 UTC on 31 December: 1 January in Paris, as the page shows it.
    late = datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC)
    entries = [
        Entry(at=late, category="phases", title="Accueil → Diagnostic", who=personas.officer_a),
        Entry(
            at=late - datetime.timedelta(days=3),
            category="echanges",
            title="Réunion : budget <2026> & suite",
            who='Jeanne "J" d\'Arc',
            detail="Ligne 1\nLigne <2>\r\nLigne & 3",
            url="/accompagnements/1/echanges/2/?a=1&b=2",
            lines=["Participants : A <B>, C & D", "Prochaine étape : appeler"],
            kind="reunion",
            edits=True,
        ),
        Entry(
            at=late - datetime.timedelta(days=5),
            category="documents",
            title="Document ajouté : Statuts (statuts)",
            url="/documents/3/",
        ),
        Entry(at=late - datetime.timedelta(days=9), category="taches", title="Tâche faite : x"),
    ]
    expected = LOOP.render(Context({"timeline": entries, "editable": editable}))
    assert expected.count("<a href=") == (2 if editable else 1)
    assert "01/01/2026 00:30" in expected
    assert _normalised(html(entries, editable)) == _normalised(expected)
