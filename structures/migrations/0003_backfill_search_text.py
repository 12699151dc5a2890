from django.db import migrations

from structures.text import normalize


def backfill(apps, schema_editor):
    Structure = apps.get_model("structures", "Structure")
    batch = []
    for structure in Structure.objects.only(
        "name", "siret", "rna", "commune", "postal_code"
    ).iterator(chunk_size=2000):
        structure.search_text = normalize(
            " ".join(
                [
                    structure.name,
                    structure.siret,
                    structure.rna,
                    structure.commune,
                    structure.postal_code,
                ]
            )
        )
        batch.append(structure)
        if len(batch) == 2000:
            Structure.objects.bulk_update(batch, ["search_text"])
            batch = []
    Structure.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("structures", "0002_search_text_and_merge_journal"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
