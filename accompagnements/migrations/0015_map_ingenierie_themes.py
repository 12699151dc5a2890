"""Existing ingénieries move from the diagnostic's axes to the national bilan's themes.

Four axes change name; the others keep their code. The history records are mapped too:
the codes are a vocabulary, and a record with a code no longer in the list could not be
shown. Going back maps each theme to the axis it came from (organisation interne goes
back to ``organisation``, whether it came from ``gouvernance`` or not).
"""

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
    for name in ("Ingenierie", "HistoricalIngenierie"):
        model = apps.get_model("accompagnements", name)
        for old, new in mapping.items():
            # A vocabulary change, not an edit: no history row of its own.
            model.objects.filter(theme=old).update(theme=new)


def forwards(apps, schema_editor):
    _map(apps, AXIS_TO_THEME)


def backwards(apps, schema_editor):
    _map(apps, THEME_TO_AXIS)


class Migration(migrations.Migration):
    dependencies = [
        ("accompagnements", "0014_ingenierie_themes_of_the_national_bilan"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
