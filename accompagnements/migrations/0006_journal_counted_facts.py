import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Counted facts on the journal row; ``on_date`` is filled by the next migration."""

    dependencies = [
        ("accompagnements", "0005_case_list_order_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="transitionlog",
            name="on_date",
            field=models.DateField(
                null=True,
                help_text="Date civile (fuseau du produit) : ouverture, sortie ou changement de phase.",
                verbose_name="date de l'événement",
            ),
        ),
        migrations.AddField(
            model_name="transitionlog",
            name="exit_reason",
            field=models.CharField(blank=True, max_length=20, verbose_name="motif de sortie"),
        ),
        migrations.AddField(
            model_name="transitionlog",
            name="reoriented_to",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accompagnements.acteurappui",
                verbose_name="réorienté vers",
            ),
        ),
        migrations.AddField(
            model_name="transitionlog",
            name="open_days",
            field=models.PositiveIntegerField(default=0, verbose_name="jours d'accompagnement"),
        ),
    ]
