from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.config import SeedConfig
from demo.personas import PERSONAS
from demo.runner import AlreadySeeded, seed


class Command(BaseCommand):
    help = (
        "Charge un jeu de données réaliste et reproductible (demo : quelques centaines "
        "d'accompagnements en Bretagne et Pays de la Loire ; national : dix ans d'activité) "
        "et affiche les identifiants des personas."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["demo", "national"], default="demo")
        parser.add_argument("--years", type=int, default=None, help="années d'activité générées")
        parser.add_argument("--seed", type=int, default=2026, help="même graine, mêmes données")

    def handle(self, *args, **options):
        if options["years"] is not None and not 1 <= options["years"] <= 30:
            raise CommandError("--years doit être compris entre 1 et 30.")
        config = SeedConfig.for_scale(options["scale"], options["years"], options["seed"])
        try:
            result = seed(config, log=lambda line: self.stdout.write(f"  {line}"))
        except AlreadySeeded as exc:
            raise CommandError(str(exc)) from exc
        if result.get("skipped"):
            marker = result["marker"]
            self.stdout.write(f"Jeu de données déjà chargé ({marker}) : rien à ajouter.")
        else:
            summary = ", ".join(f"{k} {v}" for k, v in result.items() if k != "seconds")
            self.stdout.write(f"Chargé en {result['seconds']} s : {summary}.")
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
        # The address `make demo PORT=…` serves (SITE_URL), not always port 8000.
        self.stdout.write(f"\nIdentifiants de démonstration ({settings.SITE_URL}) :")
        for persona in PERSONAS:
            login = f"  {persona.username:<16} mot de passe : {persona.password:<22}"
            self.stdout.write(f"{login} {persona.description}")
