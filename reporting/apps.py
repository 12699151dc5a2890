from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "pilotage et statistiques"

    def ready(self):
        from . import datasets, summaries
        from .indicators import expressions  # noqa: F401  (registers the SQLite median)

        summaries.connect()
        datasets.connect()
