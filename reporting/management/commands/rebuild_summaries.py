import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from reporting import snapshots, summaries


class Command(BaseCommand):
    help = (
        "Recalcule les chiffres maintenus des tableaux de bord (France, régions, "
        "départements), la publication (secret statistique) et les lignes maintenues du "
        "jeu de données anonymisé des années non figées, ou de l'année donnée, depuis le "
        "registre des indicateurs ; calcule la publication des années figées qui n'en ont "
        "pas encore."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, action="append", help="Année à recalculer (répétable)."
        )
        parser.add_argument(
            "--stale-only",
            action="store_true",
            help="Ne recalcule que les cellules et les lignes marquées à recalculer.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, year, stale_only, database, **options):
        start = time.monotonic()
        if stale_only:
            count = summaries.refresh(using=database)
        else:
            years = year or summaries.open_years(database)
            frozen = set(summaries.Snapshot.objects.using(database).values_list("year", flat=True))
            if frozen & set(years):
                raise CommandError(
                    f"Année figée : {sorted(frozen & set(years))} (ses chiffres sont ceux "
                    "de son instantané)."
                )
            count = summaries.rebuild(years, using=database)
        published = snapshots.store_publications(using=database)
        seconds = time.monotonic() - start
        self.stdout.write(
            self.style.SUCCESS(
                f"{count} cellules recalculées, {published} publication(s) d'années figées "
                f"calculée(s) en {seconds:.1f} s."
            )
        )
