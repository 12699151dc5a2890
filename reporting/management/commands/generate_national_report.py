import time

from django.core.management.base import BaseCommand, CommandError

from reporting import figures
from reporting.indicators import Query, Scope
from reporting.report import render_pdf
from territoires.actors import SYSTEM


class Command(BaseCommand):
    help = "Produit le rapport d'activité national (PDF) d'une année, comme la tâche Celery."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--output", required=True, help="Chemin du fichier PDF à écrire.")
        parser.add_argument("--accessible", action="store_true", help="Variante balisée PDF/UA-1.")

    def handle(self, *args, year, output, accessible, **options):
        if year < 2000:
            raise CommandError("Année invalide.")
        started = time.perf_counter()
        data = figures.build(Query(year, Scope.national(), SYSTEM), public=True)
        computed = time.perf_counter()
        content = render_pdf(data, accessible=accessible)
        with open(output, "wb") as handle:
            handle.write(content)
        self.stdout.write(
            f"{output} : {len(content)} octets ; chiffres {computed - started:.1f} s, "
            f"PDF {time.perf_counter() - computed:.1f} s"
        )
