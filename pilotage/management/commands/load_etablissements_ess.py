"""Load the employer ESS establishments by department (the coverage reference table).

    python manage.py load_etablissements_ess FICHIER.csv
    python manage.py load_etablissements_ess --exemple     # the labelled sample file

The file format is documented in docs/pilotage.md and in pilotage/etablissements.py.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilotage.etablissements import ReferenceFileError, load

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "etablissements_ess_exemple.csv"


class Command(BaseCommand):
    help = "Charge les établissements employeurs de l'ESS par département (fichier CSV)."

    def add_arguments(self, parser):
        parser.add_argument("fichier", nargs="?", help="Fichier CSV (format : docs/pilotage.md)")
        parser.add_argument(
            "--exemple",
            action="store_true",
            help="Charger le fichier d'exemple fourni (chiffres fictifs, démonstration)",
        )

    def handle(self, *args, **options):
        if bool(options["fichier"]) == options["exemple"]:
            raise CommandError("Indiquez un fichier, ou --exemple (l'un ou l'autre).")
        path = SAMPLE if options["exemple"] else Path(options["fichier"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Lecture impossible de {path} : {error.strerror}.") from None
        try:
            rows = load(data)
        except ReferenceFileError as error:
            raise CommandError("Fichier refusé, rien n'a été chargé :\n" + str(error)) from None
        years = sorted({row.year for row in rows})
        self.stdout.write(
            f"{len(rows)} lignes chargées (millésimes : {', '.join(map(str, years))})."
        )
