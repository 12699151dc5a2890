"""The weekly digest is gone: reminders are emailed as each person chose (messagerie
preferences). Its subscribers were given the daily recap by espace 0002, which reads
the subscriptions: it runs before the tables are dropped."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accompagnements", "0016_notification_resolved_and_regional_opening"),
        ("espace", "0002_reminder_preferences_from_digests"),
    ]

    operations = [
        migrations.DeleteModel(name="DigestSent"),
        migrations.DeleteModel(name="DigestSubscription"),
    ]
