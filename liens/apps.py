from django.apps import AppConfig


class LiensConfig(AppConfig):
    name = "liens"
    verbose_name = "liens personnels"

    def ready(self) -> None:
        from messagerie.secrets import SecretSource, register

        from . import services

        register(
            services.SECRET_KIND,
            SecretSource(url=services.url_to_send, delivered=services.forget_secret),
        )
