"""On PostgreSQL the case-level CSV is written by the database (``case_csv_lines``):
its pseudonyms and text cells must be those Python writes."""

import hashlib
import hmac

import pytest
from django.db import connection

import tabular
from accompagnements.models import Accompagnement, FollowUp
from reporting import anonymity, exports
from reporting.indicators import Query, Scope
from territoires.actors import SYSTEM

from .factories import YEAR, build_dataset

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _selected(sql: str, params: list) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize(
    "secret",
    [
        "une-clé-courte",
        # Longer than SHA-256's 64-byte block: RFC 2104 hashes it first.
        "k" * 65 + "é" * 40,
    ],
)
def test_the_databases_pseudonym_is_the_hmac_of_the_kind_the_year_and_the_id(settings, secret):
    settings.SECRET_KEY = secret
    ids = [1, 42, 123456789]
    sql, params = exports.pseudonym_sql("accompagnement", 2025, "t.id")
    computed = _selected(
        f"SELECT {sql} FROM unnest(%s::bigint[]) WITH ORDINALITY t(id, n) ORDER BY n",
        [*params, ids],
    )
    # Worked out with the standard library's HMAC, not with the code under test.
    expected = [
        hmac.new(secret.encode(), f"accompagnement:2025:{pk}".encode(), hashlib.sha256).hexdigest()[
            :16
        ]
        for pk in ids
    ]
    assert computed == expected
    assert computed == [exports.pseudonym("accompagnement", pk, 2025) for pk in ids]


HOSTILE = [
    "",
    "abandon_sans_reponse",
    "Majuscule",
    "é",
    "=HYPERLINK(1)",
    "+33",
    "-1",
    "@moi",
    "\tindenté",
    "\rretour",
    "a;b",
    'dit "non"',
    "ligne\r\nsuivante",
    "fin\n",
    "'déjà",
]


def test_the_databases_text_cell_is_the_one_csv_fields_writes():
    cells = _selected(
        f"SELECT {tabular.csv_text_sql('t.x')} FROM unnest(%s::text[]) WITH ORDINALITY t(x, n)"
        " ORDER BY n",
        [HOSTILE],
    )
    assert cells == [tabular.csv_fields([value]) for value in HOSTILE]
    # Worked out by hand: a formula neutralised then quoted, quotes doubled.
    assert cells[HOSTILE.index("=HYPERLINK(1)")] == "'=HYPERLINK(1)"
    assert cells[HOSTILE.index("a;b")] == '"a;b"'
    assert cells[HOSTILE.index('dit "non"')] == '"dit ""non"""'
    assert cells[HOSTILE.index("\rretour")] == '"\'\rretour"'
    assert cells[HOSTILE.index("abandon_sans_reponse")] == "abandon_sans_reponse"


def test_hostile_codes_in_a_case_are_written_as_python_writes_them(personas, monkeypatch):
    monkeypatch.setattr(anonymity, "K", 1)
    dataset = build_dataset(personas)
    # Values no form accepts, written behind the services' back (a restored dump, an
    # old import): the file must still parse and neutralise them.
    Accompagnement.objects.filter(pk=dataset.cases["c5"].pk).update(abandon_reason='=x;"y"')
    FollowUp.objects.filter(accompagnement=dataset.cases["c1"]).update(situation="a\r\nb")
    query = Query(YEAR, Scope.national(), SYSTEM)
    lines = list(exports.case_csv_lines(query))
    assert "".join(lines) == "".join(
        tabular.csv_rows(exports.columns("accompagnements"), exports.case_rows(query))
    )
    c5 = exports.pseudonym("accompagnement", dataset.cases["c5"].pk, YEAR)
    (line,) = [line for line in lines if f";{c5};" in line]
    assert ';"\'=x;""y""";' in line
    c1 = exports.pseudonym("accompagnement", dataset.cases["c1"].pk, YEAR)
    (line,) = [line for line in lines if f";{c1};" in line]
    assert line.endswith(';"a\r\nb";2\r\n')
