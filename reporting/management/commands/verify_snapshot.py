from django.core.management.base import BaseCommand, CommandError

from reporting import snapshots
from reporting.models import Snapshot


class Command(BaseCommand):
    help = (
        "Recalcule l'empreinte SHA-256 de chaque version figée d'une année ; code de sortie 1 "
        "si une version ne correspond plus à son empreinte."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, year, **options):
        versions = list(Snapshot.objects.filter(year=year).order_by("version"))
        if not versions:
            raise CommandError(f"Aucun instantané pour {year}.")
        broken = []
        for snapshot in versions:
            if snapshots.verify(snapshot):
                self.stdout.write(f"{year} v{snapshot.version} : empreinte vérifiée")
            else:
                broken.append(snapshot.version)
                self.stderr.write(f"{year} v{snapshot.version} : EMPREINTE INCORRECTE")
        if broken:
            raise CommandError(
                f"Instantané {year} altéré (version{'s' if len(broken) > 1 else ''} "
                f"{', '.join(map(str, broken))}).",
                returncode=1,
            )
