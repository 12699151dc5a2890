"""`make bench-structures`: the structure register at 50,000 rows (list page, export, import).

    createdb -h 127.0.0.1 -U postgres dla_bench_structures   # made when missing
    DJANGO_SETTINGS_MODULE=dla_suivi.settings.test \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dla_bench_structures \\
    .venv/bin/python -m benchmarks.structures [--structures 50000] [--import-rows 10000]

Prints JSON. The database is wiped of structures first: the script refuses to run
on any database but dla_bench_structures (make bench's dla_bench is not its to wipe).
Structures come from the demo app's generator (``demo.structures``), as in the seeding.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "dla_bench_structures"
SEED = 42


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--structures", type=int, default=50_000)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres") or urlparse(url).path.lstrip("/") != DATABASE:
        raise SystemExit(f"À lancer uniquement sur la base PostgreSQL jetable {DATABASE}.")
    from benchmarks.run import ensure_database

    ensure_database(url)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    report = Bench().run(args.structures, args.import_rows, args.repeat)
    print(json.dumps(report, indent=2, ensure_ascii=False))


class Bench:
    def run(self, structures: int, import_rows: int, repeat: int) -> dict:
        from django.conf import settings
        from django.core.management import call_command
        from django.urls import reverse

        from demo.config import Rng

        call_command("migrate", verbosity=0)
        rng = Rng(SEED)
        report = {
            "database": str(settings.DATABASES["default"]["NAME"]),
            "structures": structures,
            "cpus": os.cpu_count(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        }

        started = time.perf_counter()
        self.reset_and_fill(structures, rng)
        report["fill_seconds"] = round(time.perf_counter() - started, 1)

        national, officer = self.users()
        pages = {
            "national, first page": (national, {}),
            "officer 35, first page": (officer, {}),
            "national, search 'jardins partages'": (national, {"q": "jardins partages"}),
            "national, search by SIRET": (national, {"q": self.some_siret()}),
            "national, sector + size + open case": (
                national,
                {"sector": "culture", "size_class": "1-9", "open_case": "oui"},
            ),
            "national, sorted by headcount desc, page 100": (
                national,
                {"sort": "-headcount", "page": 100},
            ),
        }
        report["list_page"] = {
            label: self.measure(user, reverse("structures:list"), params, repeat)
            for label, (user, params) in pages.items()
        }
        report["csv_export_all"] = self.measure(
            national, reverse("structures:export"), {"format": "csv"}, 1
        )
        report["import"] = self.measure_import(import_rows)
        report["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        return report

    def reset_and_fill(self, count, rng):
        from django.db import connection
        from faker import Faker

        from accompagnements.models import Accompagnement
        from demo.structures import build_structure
        from territoires.models import Departement

        Accompagnement.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE structures_structuremerge, structures_contact, "
                "structures_historicalstructure, structures_historicalcontact, "
                "structures_structure CASCADE"
            )
        fake = Faker("fr_FR")
        fake.seed_instance(SEED)
        departements = list(Departement.objects.order_by("code"))
        regions = dict(Departement.objects.values_list("pk", "region_id"))
        used: set[str] = set()
        batch = []
        for _ in range(count):
            structure = build_structure(rng, fake, rng.choice(departements), used)
            structure.set_derived_fields(regions)
            batch.append(structure)
            if len(batch) == 5000:
                self.insert(batch)
                batch = []
        self.insert(batch)
        self.add_cases(rng)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    @staticmethod
    def insert(batch) -> None:
        """With one history row each, as the register writes them: the yearly figures read
        a structure's record of 31 December from its history (docs/statistics.md)."""
        from structures.models import Structure

        Structure.objects.bulk_create(batch)
        Structure.history.bulk_history_create(batch)

    def some_siret(self) -> str:
        from structures.models import Structure

        sirets = Structure.objects.exclude(siret="").order_by("pk").values_list("siret", flat=True)
        return sirets[1233]

    def users(self):
        from accounts.models import Role, User
        from territoires.models import Dla

        national, _ = User.objects.get_or_create(
            username="bench-national", defaults={"role": Role.NATIONAL}
        )
        officer, _ = User.objects.get_or_create(
            username="bench-officer",
            defaults={
                "role": Role.OFFICER,
                "dla": Dla.objects.get(level=Dla.Level.DEPARTEMENTAL, departement__code="35"),
            },
        )
        return national, officer

    def add_cases(self, rng):
        """One case in ten structures, owned by the DLA of the structure's department."""
        from django.utils import timezone

        from accompagnements.models import Accompagnement, State
        from structures.models import Structure
        from territoires.models import Dla

        _, officer = self.users()
        dla_by_departement = dict(
            Dla.objects.filter(level=Dla.Level.DEPARTEMENTAL).values_list("departement_id", "pk")
        )
        cases = []
        today = timezone.localdate()
        for pk, departement_id in Structure.objects.values_list("pk", "departement_id")[::10]:
            cases.append(
                Accompagnement(
                    structure_id=pk,
                    dla_id=dla_by_departement.get(departement_id, officer.dla_id),
                    officer=officer,
                    state=rng.choice([State.ACCUEIL, State.DIAGNOSTIC, State.CLOTURE]),
                    opened_on=today,
                )
            )
        Accompagnement.objects.bulk_create(cases, batch_size=2000)

    def measure(self, user, url, params, repeat):
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        client = Client(SERVER_NAME="localhost")
        client.force_login(user)
        client.get(url, params)  # warm-up: template loading, first connection
        timings, cpu, database, queries, status = [], [], [], None, None
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(url, params)
                if response.streaming:
                    size = sum(len(chunk) for chunk in response.streaming_content)
                else:
                    size = len(response.content)
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            database.append(sum(float(q["time"]) for q in captured.captured_queries) * 1000)
            queries, status = len(captured), response.status_code
        return {
            "status": status,
            "queries": queries,
            "median_ms": round(statistics.median(timings), 1),
            "max_ms": round(max(timings), 1),
            # Python CPU time of the request, and time spent waiting on the database.
            "median_python_cpu_ms": round(statistics.median(cpu), 1),
            "median_db_ms": round(statistics.median(database), 1),
            "bytes": size,
        }

    def measure_import(self, rows):
        from benchmarks.generate import HEADERS, new_structure_rows
        from tabular import csv_rows, read_table, write_xlsx
        from territoires.models import Departement

        departements = list(
            Departement.objects.filter(code__in=["35", "29", "44", "2A", "971"]).order_by("code")
        )
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.csv"
            with path.open("w", encoding="utf-8", newline="") as handle:
                lines = new_structure_rows(rows, SEED + 1, departements)
                handle.writelines(csv_rows(HEADERS, lines))
            first = self.run_import(path)
            again = self.run_import(path)
            # The same rows as XLSX, checked only: the cost of reading a spreadsheet file.
            table = read_table(path.read_bytes(), path.name)
            xlsx_path = Path(folder) / "bench.xlsx"
            with xlsx_path.open("wb") as handle:
                write_xlsx(handle, table.headers, (cells for _, cells in table.rows))
            xlsx_dry_run = self.run_import(xlsx_path, "--dry-run")
        return {
            "rows": rows,
            "first_import": first,
            "same_file_again": again,
            "xlsx_dry_run": xlsx_dry_run,
        }

    def run_import(self, path, *options):
        """In a child process, so that its peak RSS is the import's own."""
        script = (
            "import resource, sys, time, django\n"
            "django.setup()\n"
            "from django.core.management import call_command\n"
            "started = time.perf_counter()\n"
            "try:\n"
            "    call_command('import_structures', *sys.argv[1:])\n"
            "finally:\n"
            "    print('ELAPSED', time.perf_counter() - started, file=sys.stderr)\n"
            "    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "    print('PEAK_RSS_KB', rss, file=sys.stderr)\n"
        )
        started = time.perf_counter()
        completed = subprocess.run(
            [sys.executable, "-c", script, str(path), *options],
            capture_output=True,
            text=True,
            env=os.environ.copy(),
            cwd=ROOT,
            check=False,
        )
        seconds = time.perf_counter() - started
        lines = completed.stderr.splitlines()
        peak = [line for line in lines if line.startswith("PEAK_RSS_KB")]
        elapsed = [line for line in lines if line.startswith("ELAPSED")]
        return {
            "exit_code": completed.returncode,
            "import_seconds": round(float(elapsed[-1].split()[1]), 2) if elapsed else None,
            "seconds_including_django_startup": round(seconds, 2),
            "peak_rss_mb": round(int(peak[-1].split()[1]) / 1024, 1) if peak else None,
            "output": completed.stdout.strip()[-200:] or completed.stderr.strip()[-400:],
        }


if __name__ == "__main__":
    main()
