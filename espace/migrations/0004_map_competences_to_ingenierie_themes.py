"""A consultant's competences are the ingénierie themes: they follow the move from the
diagnostic's axes to the national bilan's themes (accompagnements/0015)."""

from django.db import migrations

AXIS_TO_THEME = {
    "gouvernance": "organisation",
    "modele_economique": "restructuration",
    "financement": "diversification_financements",
    "partenariats": "mutualisation",
}
THEME_TO_AXIS = {
    "restructuration": "modele_economique",
    "diversification_financements": "financement",
    "mutualisation": "partenariats",
}


def _map(apps, mapping):
    Referencement = apps.get_model("espace", "Referencement")
    for referencement in Referencement.objects.exclude(competences=""):
        codes = {
            mapping.get(code, code) for code in referencement.competences.strip(",").split(",")
        }
        # Stored ",a,b," in sorted order (Referencement.pack).
        packed = f",{','.join(sorted(codes))},"
        if packed != referencement.competences:
            Referencement.objects.filter(pk=referencement.pk).update(competences=packed)


def forwards(apps, schema_editor):
    _map(apps, AXIS_TO_THEME)


def backwards(apps, schema_editor):
    _map(apps, THEME_TO_AXIS)


class Migration(migrations.Migration):
    dependencies = [
        ("espace", "0003_consultant_referencing"),
        ("accompagnements", "0015_map_ingenierie_themes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
