from django.apps import AppConfig


class AccompagnementsConfig(AppConfig):
    name = "accompagnements"
    verbose_name = "accompagnements"
