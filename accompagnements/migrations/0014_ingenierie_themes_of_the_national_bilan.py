from django.db import migrations, models

THEMES = [
    ("projet_strategie", "projet et stratégie"),
    ("organisation", "organisation interne"),
    ("restructuration", "restructuration économique et financière"),
    ("diversification_financements", "diversification des financements"),
    ("mutualisation", "mutualisation, fusion, regroupement"),
    ("fonction_employeur", "fonction employeur et RH"),
    ("communication", "communication"),
    ("numerique", "numérique"),
    ("transition_ecologique", "transition écologique"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("accompagnements", "0013_case_handover"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalingenierie",
            name="theme",
            field=models.CharField(choices=THEMES, max_length=30, verbose_name="thème"),
        ),
        migrations.AlterField(
            model_name="ingenierie",
            name="theme",
            field=models.CharField(choices=THEMES, max_length=30, verbose_name="thème"),
        ),
    ]
