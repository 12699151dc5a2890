"""The register's search text keeps a finer histogram than PostgreSQL's default, so
that a word held by a few hundred structures is not estimated at 1 % of the register
(migration 0010: the plan that walked the name index read 35,000 rows at 3x)."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_search_text_is_analysed_with_a_thousand_buckets():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute "
            "WHERE attrelid = 'structures_structure'::regclass AND attname = 'search_text'"
        )
        assert cursor.fetchone() == (1000,)
