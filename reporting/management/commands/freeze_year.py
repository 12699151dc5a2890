from django.core.management.base import BaseCommand, CommandError

from reporting import campaigns
from territoires.actors import SYSTEM


class Command(BaseCommand):
    help = (
        "Fige les chiffres d'une année (instantané immuable, empreinte SHA-256) ; si elle "
        "est déjà figée, publie une nouvelle version avec ses écarts (--reason obligatoire)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--dry-run", action="store_true", help="Calcule et affiche les écarts sans rien écrire."
        )
        parser.add_argument("--reason", default="", help="Motif (obligatoire pour une correction).")

    def handle(self, *args, year, dry_run, reason, **options):
        try:
            result = campaigns.freeze_year(year, by=SYSTEM, reason=reason, dry_run=dry_run)
        except campaigns.CampaignError as error:
            raise CommandError(str(error)) from None
        for change in result.changes[:50]:
            self.stdout.write(f"  {change['figure']} : {change['old']} → {change['new']}")
        if len(result.changes) > 50:
            self.stdout.write(f"  … et {len(result.changes) - 50} autres écarts")
        summary = f"{len(result.changes)} écarts, {result.rows} lignes d'accompagnements"
        if dry_run:
            self.stdout.write(f"Essai : la version {result.version} de {year} aurait {summary}.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Chiffres {year} figés : version {result.version} ({summary}), "
                f"empreinte {result.snapshot.checksum}"
            )
        )
