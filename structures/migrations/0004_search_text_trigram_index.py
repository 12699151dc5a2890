from django.db import migrations

# Substring search (LIKE '%…%') can use a trigram index on PostgreSQL only; SQLite
# scans, which is fine at the size of a demo database.
CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS structure_search_trgm "
    "ON structures_structure USING gin (search_text gin_trgm_ops)",
]
DROP = ["DROP INDEX IF EXISTS structure_search_trgm"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("structures", "0003_backfill_search_text"),
    ]

    operations = [
        migrations.RunPython(run(CREATE), run(DROP)),
    ]
