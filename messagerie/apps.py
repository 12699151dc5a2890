from django.apps import AppConfig


class MessagerieConfig(AppConfig):
    name = "messagerie"
    verbose_name = "messagerie"

    def ready(self) -> None:
        from . import password_reset

        password_reset.register_secret()
