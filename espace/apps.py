from django.apps import AppConfig

# Link purposes whose page (espace/urls.py) has another name than the purpose.
LANDING = {"consultation": "consultation_answer"}


class EspaceConfig(AppConfig):
    """What people outside the DLA do through personal links, and the officer actions
    that send those links: validations, surveys, consultations, handovers."""

    name = "espace"
    verbose_name = "espace des structures et prestataires"

    def ready(self) -> None:
        from django.urls import reverse

        from liens.views import set_landing

        from . import signals  # noqa: F401

        set_landing(
            lambda link: reverse(
                f"espace:{LANDING.get(link.purpose, link.purpose)}", args=[link.pk]
            )
        )
