"""The ICU collation that sorts names in French order on PostgreSQL (territoires.collation).

SQLite has no collation to create: it is registered on every connection.
"""

from django.db import migrations

from territoires.collation import POSTGRESQL_CREATE, POSTGRESQL_DROP


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)


class Migration(migrations.Migration):
    dependencies = [("territoires", "0005_resource_centres")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
