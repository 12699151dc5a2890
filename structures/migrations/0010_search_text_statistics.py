from django.db import migrations

# A search (LIKE '%rennes%') is estimated from the histogram of search_text: with
# PostgreSQL's 100 buckets, a word that one sampled text holds is estimated at 1 % of
# the register, and the list then walks the name index filtering the texts until it
# has a page. Rennes' 223 structures of 130,000 (0.17 %): 35,000 rows read, 40-60 ms,
# instead of the trigram index and a sort of 223 rows, 1-2 ms. A thousand buckets
# estimate to 0.1 %; ANALYZE then samples 300,000 rows (the whole register).
STATISTICS = (
    "ALTER TABLE structures_structure ALTER COLUMN search_text SET STATISTICS {}; "
    "ANALYZE structures_structure"
)


def run(target):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(STATISTICS.format(target))

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("structures", "0009_region_indexed_with_id"),
    ]

    operations = [
        migrations.RunPython(run(1000), run(-1)),
    ]
