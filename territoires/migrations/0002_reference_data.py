from django.db import migrations

from territoires.data import DEPARTEMENTS, REGIONS


def load(apps, schema_editor):
    Region = apps.get_model("territoires", "Region")
    Departement = apps.get_model("territoires", "Departement")
    Dla = apps.get_model("territoires", "Dla")
    regions = {code: Region.objects.create(code=code, name=name) for code, name in REGIONS}
    for code, name, region_code in DEPARTEMENTS:
        departement = Departement.objects.create(code=code, name=name, region=regions[region_code])
        Dla.objects.create(
            name=f"DLA départemental – {name} ({code})",
            level="departemental",
            region=regions[region_code],
            departement=departement,
        )
    for region in regions.values():
        Dla.objects.create(name=f"DLA régional – {region.name}", level="regional", region=region)


def unload(apps, schema_editor):
    apps.get_model("territoires", "Dla").objects.all().delete()
    apps.get_model("territoires", "Departement").objects.all().delete()
    apps.get_model("territoires", "Region").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("territoires", "0001_territories")]
    operations = [migrations.RunPython(load, unload)]
