"""The seven resource centres (CRDLA), one per sector (DOMAIN.md)."""

from django.db import migrations

CENTRES = [
    ("culture", "CRDLA Culture"),
    ("sport", "CRDLA Sport"),
    ("solidarites_sante", "CRDLA Solidarités-santé"),
    ("iae", "CRDLA Insertion par l'activité économique"),
    ("financement", "CRDLA Financement"),
    ("transition_ecologique", "CRDLA Transformation écologique"),
    ("numerique", "CRDLA Numérique"),
]


def create(apps, schema_editor):
    CentreRessources = apps.get_model("territoires", "CentreRessources")
    for secteur, name in CENTRES:
        CentreRessources.objects.get_or_create(secteur=secteur, defaults={"name": name})


def remove(apps, schema_editor):
    apps.get_model("territoires", "CentreRessources").objects.filter(
        secteur__in=[s for s, _ in CENTRES], members__isnull=True, partages__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("territoires", "0004_partners_funders_and_resource_centres")]

    operations = [migrations.RunPython(create, remove)]
