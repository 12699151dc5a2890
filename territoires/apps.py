from django.apps import AppConfig
from django.db.backends.signals import connection_created


class TerritoiresConfig(AppConfig):
    name = "territoires"
    verbose_name = "territoires et DLA"

    def ready(self):
        from .collation import register_sqlite_collation

        connection_created.connect(register_sqlite_collation, dispatch_uid="french_collation")
