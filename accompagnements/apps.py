from django.apps import AppConfig


class AccompagnementsConfig(AppConfig):
    name = "accompagnements"
    verbose_name = "accompagnements"

    def ready(self) -> None:
        # Tasks outside tasks.py, registered for the worker.
        from . import reminder_emails  # noqa: F401
