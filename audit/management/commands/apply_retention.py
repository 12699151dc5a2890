from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audit.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Anonymise les données personnelles des structures dont le dernier "
        "accompagnement s'est terminé il y a plus de N années."
    )

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, default=settings.RGPD_RETENTION_YEARS)
        parser.add_argument("--dry-run", action="store_true", help="Montre sans rien modifier.")

    def handle(self, *args, years, dry_run, **options):
        if years < 1:
            raise CommandError("--years doit valoir au moins 1.")
        report = apply_retention(years=years, dry_run=dry_run)
        verb = "seraient anonymisés" if dry_run else "anonymisés"
        self.stdout.write(
            f"Structures dont le dernier accompagnement a pris fin avant le "
            f"{report.cutoff:%d/%m/%Y} : {len(report.structures)}\n"
            f"Contacts {verb} : {report.contacts} "
            f"(lignes d'historique : {report.history_rows})\n"
            f"Validations nominatives (diagnostic, parcours) {verb} : {report.validations}\n"
            f"Liens personnels {verb} : {report.links} "
            f"(lignes du journal des liens : {report.link_events})"
        )
        if dry_run:
            self.stdout.write("Simulation : rien n'a été modifié.")
