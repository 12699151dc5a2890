"""Existing funding lines get the date the ingénierie was committed.

Before the ledger, a line had no date: the best record of its commitment is the
selection of the consultant, else the start, else the consultation.
"""

from django.db import migrations
from django.db.models import F
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    Funding = apps.get_model("accompagnements", "Funding")
    for funding in Funding.objects.annotate(
        dated=Coalesce(
            F("ingenierie__selection_on"),
            F("ingenierie__start_on"),
            F("ingenierie__consultation_sent_on"),
        )
    ).exclude(dated=None):
        Funding.objects.filter(pk=funding.pk).update(committed_on=funding.dated)


class Migration(migrations.Migration):
    dependencies = [("accompagnements", "0010_funding_commitment_ledger")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
