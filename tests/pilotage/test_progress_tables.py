"""The objectives' rows written in Python say what the templates' loops said.

The reference is the loop the templates had (Django's ``floatformat`` and autoescape),
kept here; rows cover every branch: a share (" %"), nothing achieved yet, no rate,
an expected figure or none, met or not, a label with markup characters.
"""

import re

from django.template import Context, Template
from django.template.defaultfilters import floatformat

from pilotage.progress_tables import number, objective_rows, share_rows, total_rows

OBJECTIVES_LOOP = "".join(
    (
        "{% for row in objectives %}<tr>",
        '<th scope="row">{{ row.label }}</th>',
        '<td class="num">{{ row.target|floatformat:"-1" }}{% if row.unit %} %{% endif %}</td>',
        '<td class="num">{% if row.achieved is None %}—{% else %}',
        '{{ row.achieved|floatformat:"-1" }}{% if row.unit %} %{% endif %}{% endif %}</td>',
        '<td class="num">{% if row.rate is None %}—{% else %}',
        "{{ row.rate|floatformat:1 }} %{% endif %}</td>",
        '{% if show_expected %}<td class="num">{% if row.expected is None %}—{% else %}',
        '{{ row.expected|floatformat:"-1" }}{% endif %}</td>{% endif %}',
        '<td>{% if row.met %}<span class="badge badge--ok">atteint</span>',
        "{% else %}non atteint{% endif %}</td></tr>",
        '{% empty %}<tr><td colspan="6" class="empty">Aucun objectif fixé pour cette année.',
        "</td></tr>{% endfor %}",
    )
)
TOTALS_LOOP = "".join(
    (
        '{% for row in totals %}<tr><th scope="row">{{ row.label }}</th>',
        '<td class="num">{{ row.dlas }}</td>',
        '<td class="num">{{ row.target|floatformat:"-1" }}</td>',
        '<td class="num">{{ row.achieved|floatformat:"-1" }}</td>',
        '<td class="num">{% if row.rate is None %}—{% else %}',
        "{{ row.rate|floatformat:1 }} %{% endif %}</td></tr>",
        '{% empty %}<tr><td colspan="5" class="empty">Aucun objectif en nombre.</td></tr>',
        "{% endfor %}",
    )
)
SHARES_LOOP = "".join(
    (
        '{% for row in shares %}<tr><th scope="row">{{ row.label }}</th>',
        '<td class="num">{{ row.met }}</td><td class="num">{{ row.of }}</td></tr>{% endfor %}',
    )
)


def _same_markup(html) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


def _loop(source: str, **context) -> str:
    return _same_markup(Template(source).render(Context(context)))


def test_numbers_are_written_as_floatformat_writes_them():
    values = [
        *range(0, 1500, 7),
        *(k / 20 for k in range(0, 20000)),  # 0 to 999.95 by twentieths
        *(k / 1000 for k in range(0, 3000, 7)),  # thousandths: rounding half up
        0.1 + 0.2, 2.675, 1.005, 999.95, 999.96, 1000.0, 1234.5, 98765.43, -0.05, -3.0,
    ]  # fmt: skip
    assert floatformat(12.5, -1) == "12,5"  # the reference speaks French
    for value in values:
        for places in (-1, 1):
            assert number(value, places) == floatformat(value, places), (value, places)
    assert number(None, 1) == "—"


def _objective(**overrides):
    row = {
        "label": "Structures accompagnées",
        "unit": "",
        "target": 40.0,
        "achieved": 12,
        "rate": 30.0,
        "met": False,
        "expected": 36.7,
    }
    return {**row, **overrides}


OBJECTIVES = [
    _objective(),
    _objective(
        label='Part <QPV> & "ZRR" d\'un secteur',
        unit="%",
        target=25.0,
        achieved=33.3,
        rate=None,
        met=True,
        expected=None,
    ),
    _objective(achieved=None, rate=None, expected=None),
    _objective(target=12.5, achieved=13, rate=104.0, met=True, expected=11.45),
    _objective(target=1500.0, achieved=1234, rate=82.3, expected=1375.05),
]


def test_a_dlas_objectives_are_written_as_the_templates_loop_wrote_them():
    for show_expected in (True, False):
        expected = _loop(OBJECTIVES_LOOP, objectives=OBJECTIVES, show_expected=show_expected)
        assert _same_markup(objective_rows(OBJECTIVES, show_expected)) == expected
    assert "&lt;QPV&gt; &amp; &quot;ZRR&quot; d&#x27;un" in objective_rows(OBJECTIVES)
    assert _same_markup(objective_rows([])) == _loop(OBJECTIVES_LOOP, objectives=[])


def test_totals_and_shares_are_written_as_the_templates_loops_wrote_them():
    totals = [
        {"label": "Diagnostics <validés>", "dlas": 3, "target": 40.0, "achieved": 12, "rate": 30.0},
        {"label": "Accueils", "dlas": 119, "target": 6420.5, "achieved": 5606, "rate": None},
    ]
    shares = [
        {"label": "Part QPV & ZRR", "met": 2, "of": 5},
        {"label": "Culture", "met": 0, "of": 1},
    ]
    assert _same_markup(total_rows(totals)) == _loop(TOTALS_LOOP, totals=totals)
    assert _same_markup(total_rows([])) == _loop(TOTALS_LOOP, totals=[])
    assert _same_markup(share_rows(shares)) == _loop(SHARES_LOOP, shares=shares)
