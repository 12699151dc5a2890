from django.apps import AppConfig


class AccompagnementsConfig(AppConfig):
    name = "accompagnements"
    verbose_name = "accompagnements"

    def ready(self) -> None:
        from accounts.backends import SIGNED_IN_ANNOTATIONS

        # Tasks outside tasks.py, registered for the worker.
        from . import reminder_emails  # noqa: F401
        from .services.reminders import UNREAD, unread_expression

        # The menu's badge, read with the signed-in person (no query of its own a page).
        SIGNED_IN_ANNOTATIONS[UNREAD] = unread_expression
