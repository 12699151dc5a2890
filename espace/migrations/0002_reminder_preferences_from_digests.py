"""People who had the weekly digest keep a recap by email: now the daily one.

Data only. Here because this app sits above both the cases app (the old
subscriptions) and messagerie (the new preferences).
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Subscription = apps.get_model("accompagnements", "DigestSubscription")
    Preference = apps.get_model("messagerie", "Preference")
    existing = set(Preference.objects.values_list("user_id", flat=True))
    Preference.objects.bulk_create(
        [
            Preference(user_id=user_id, reminders="quotidien")
            for user_id in Subscription.objects.values_list("user_id", flat=True)
            if user_id not in existing
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("espace", "0001_answers_consultations_handovers"),
        ("messagerie", "0001_outbox_and_preferences"),
        ("accompagnements", "0008_journal_event_date_required"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
