"""SIRET, SIREN and RNA indexed for equality only (Meta.indexes), no longer by ``db_index``.

``db_index`` made PostgreSQL keep a ``varchar_pattern_ops`` copy of each index (no query
uses LIKE on these columns) and the history table three indexes more (it is read by id):
nine indexes less to maintain on every structure written, a third of the history rows'
insert time in an import of 10,000 structures.

The indexes are dropped by name: Django's AlterField (``db_index`` True → False) also
drops every other index on the column, among them ``structure_siret_unique``, the
partial unique index that keeps a SIRET registered once.
"""

from django.db import migrations, models

DROPPED = {
    "structures_historicalstructure": [
        "structures_historicalstructure_rna_21173d2a",
        "structures_historicalstructure_rna_21173d2a_like",
        "structures_historicalstructure_siren_5005a372",
        "structures_historicalstructure_siren_5005a372_like",
        "structures_historicalstructure_siret_b7d38149",
        "structures_historicalstructure_siret_b7d38149_like",
    ],
    "structures_structure": [
        "structures_structure_rna_8b53d1f4",
        "structures_structure_rna_8b53d1f4_like",
        "structures_structure_siren_95359955",
        "structures_structure_siren_95359955_like",
        "structures_structure_siret_ddd8b5a4",
        "structures_structure_siret_ddd8b5a4_like",
    ],
}


def _recreate(table: str, name: str) -> str:
    # Going back: the plain indexes (the pattern-ops copies were never used).
    if name.endswith("_like"):
        return "SELECT 1"
    column = name.split("_")[-2]
    return f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")'


class Migration(migrations.Migration):
    dependencies = [
        ("structures", "0007_french_name_order"),
        ("territoires", "0007_french_ordering"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name=model,
                    name="rna",
                    field=models.CharField(blank=True, max_length=10, verbose_name="RNA"),
                )
                for model in ("historicalstructure", "structure")
            ]
            + [
                migrations.AlterField(
                    model_name=model,
                    name="siren",
                    field=models.CharField(
                        blank=True, editable=False, max_length=9, verbose_name="SIREN"
                    ),
                )
                for model in ("historicalstructure", "structure")
            ]
            + [
                migrations.AlterField(
                    model_name=model,
                    name="siret",
                    field=models.CharField(blank=True, max_length=14, verbose_name="SIRET"),
                )
                for model in ("historicalstructure", "structure")
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"', reverse_sql=_recreate(table, name)
                )
                for table, names in DROPPED.items()
                for name in names
            ],
        ),
        migrations.AddIndex(
            model_name="structure",
            index=models.Index(fields=["siret"], name="structure_siret"),
        ),
        migrations.AddIndex(
            model_name="structure",
            index=models.Index(fields=["siren"], name="structure_siren"),
        ),
        migrations.AddIndex(
            model_name="structure",
            index=models.Index(fields=["rna"], name="structure_rna"),
        ),
    ]
