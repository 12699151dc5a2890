from django.core.management.base import BaseCommand

from accounts.demo import create_personas


class Command(BaseCommand):
    help = "Charge les données de démonstration et affiche les identifiants des personas."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["demo", "national"], default="demo")
        parser.add_argument("--years", type=int, default=None)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        personas = create_personas()
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
        self.stdout.write("\nIdentifiants de démonstration (http://127.0.0.1:8000) :")
        for persona in personas:
            login = f"{persona.username:<16} mot de passe : {persona.password:<22}"
            self.stdout.write(f"  {login} {persona.description}")
