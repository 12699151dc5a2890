"""On PostgreSQL a query run five times on a connection is prepared for the next runs."""

import pytest
from django.db import connection

from territoires.models import Departement


def _prepared(sql_start: str) -> list[tuple[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            [sql_start + "%"],
        )
        return cursor.fetchall()


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_query_run_five_times_is_then_prepared_with_its_parameters_bound_by_the_server():
    query = Departement.objects.filter(code="35").values_list("name", flat=True)
    start = str(query.query).split(" WHERE ")[0]
    for runs in range(1, 6):
        list(query.all())  # a new query each time, not the cached result
        assert _prepared(start) == [], f"prepared after {runs} runs"
    for _ in range(2):
        list(Departement.objects.filter(code="29").values_list("name", flat=True))
    ((statement, executions),) = _prepared(start)
    # One statement for both codes: the value is a parameter ($1), not written in it.
    assert '"territoires_departement"."code" = $1' in statement
    assert "'35'" not in statement
    assert "'29'" not in statement
    # Prepared at the sixth run, which it served, and the seventh.
    assert executions == 2
