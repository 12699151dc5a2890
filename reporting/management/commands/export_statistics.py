import time

from django.core.management.base import BaseCommand

import tabular
from reporting import exports
from reporting.indicators import Query, Scope
from territoires.actors import SYSTEM


class Command(BaseCommand):
    help = "Exporte les statistiques nationales d'une année (schéma de colonnes versionné)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=tabular.FORMATS, default="csv")
        parser.add_argument("--dataset", choices=list(exports.DATASETS), default="accompagnements")
        parser.add_argument("--output", required=True, help="Chemin du fichier à écrire.")

    def handle(self, *args, year, format, dataset, output, **options):
        started = time.perf_counter()
        query = Query(year, Scope.national(), SYSTEM)
        # A frozen year's file comes from its snapshot (columns of the snapshot's schema).
        export = exports.prepare(query, dataset)
        headers = export.headers
        count = 0

        def counted(rows):
            nonlocal count
            for row in rows:
                count += 1
                yield row

        if format == "csv":
            # Streamed to disk line by line: memory stays flat whatever the volume.
            with open(output, "w", encoding="utf-8", newline="") as handle:
                handle.writelines(counted(export.csv_lines()))
            count -= 1  # the header line
        else:
            writer = tabular.xlsx_bytes if format == "xlsx" else tabular.ods_bytes
            with open(output, "wb") as handle:
                handle.write(writer(headers, counted(export.rows), title=dataset))
        elapsed = time.perf_counter() - started
        rate = count / elapsed if elapsed else 0
        self.stdout.write(
            f"{output} : {count} lignes en {elapsed:.1f} s ({rate:,.0f} lignes/s), "
            f"schéma v{export.schema}, {export.filename}"
        )
