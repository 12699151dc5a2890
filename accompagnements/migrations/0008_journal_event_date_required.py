from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accompagnements", "0007_backfill_journal_counted_facts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="transitionlog",
            name="on_date",
            field=models.DateField(
                help_text="Date civile (fuseau du produit) : ouverture, sortie ou changement de phase.",
                verbose_name="date de l'événement",
            ),
        ),
        migrations.AddIndex(
            model_name="transitionlog",
            index=models.Index(fields=["on_date", "to_state"], name="journal_event_date"),
        ),
    ]
