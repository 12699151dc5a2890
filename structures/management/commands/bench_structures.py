"""Benchmark of the structure register (not a test): list page and import at scale.

Run on a throwaway PostgreSQL database, for example:

    createdb -h 127.0.0.1 -U postgres dla_bench_structures
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dla_bench_structures \\
    DJANGO_SETTINGS_MODULE=dla_suivi.settings.test \\
    .venv/bin/python manage.py bench_structures

Prints JSON. The database is wiped of structures first: the command refuses to run
on any database but dla_bench_structures (make bench's dla_bench is not its to wipe).
"""

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from stdnum import luhn

from accounts.models import Role, User
from structures.importing import COLUMNS
from structures.models import LegalForm, Sector, Structure
from tabular import csv_rows, read_table, write_xlsx
from territoires.models import Departement, Dla

WORDS = [
    "amis",
    "théâtre",
    "jardins",
    "partagés",
    "ressourcerie",
    "compagnie",
    "éducation",
    "populaire",
    "insertion",
    "vélo",
    "solidaire",
    "maison",
    "quartier",
    "culture",
    "sport",
    "club",
    "musique",
    "école",
    "danse",
    "chantier",
    "épicerie",
    "sociale",
    "cinéma",
    "festival",
    "lecture",
    "nature",
    "avenir",
    "emploi",
    "familles",
    "jeunesse",
]


def siret_for(n: int) -> str:
    base = f"{n % 10**8:08d}"
    siren = base + luhn.calc_check_digit(base)
    body = f"{siren}{(n // 10**8) % 10000 + 1:04d}"
    return body + luhn.calc_check_digit(body)


def postal_code_for(departement_code: str) -> str:
    if departement_code == "2A":
        return "20000"
    if departement_code == "2B":
        return "20200"
    if len(departement_code) == 3:
        return departement_code + "00"
    return departement_code + "000"


def structure_values(n: int, departement: Departement, rng: random.Random) -> dict:
    headcount = rng.choice([0, 0, 1, 3, 5, 8, 12, 25, 60])
    return {
        "name": " ".join(rng.sample(WORDS, 3)).capitalize() + f" {n}",
        "siret": siret_for(n),
        "rna": f"W{n % 10**9:09d}",
        "legal_form": rng.choice(LegalForm.values),
        "sector": rng.choice(Sector.values),
        "postal_code": postal_code_for(departement.code),
        "commune": f"Commune {departement.code}-{n % 40}",
        "departement": departement,
        "in_qpv": rng.random() < 0.1,
        "in_zrr": rng.random() < 0.2,
        "headcount": headcount,
        "cdi_count": headcount // 2,
        "cdd_count": headcount // 4,
        "fte": headcount * 0.8,
    }


class Command(BaseCommand):
    help = "Mesure la liste des structures (50 000) et un import de 10 000 lignes ; JSON."

    def add_arguments(self, parser):
        parser.add_argument("--structures", type=int, default=50_000)
        parser.add_argument("--import-rows", type=int, default=10_000)
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, structures: int, import_rows: int, repeat: int, **options):
        name = settings.DATABASES["default"]["NAME"]
        if connection.vendor != "postgresql" or name != "dla_bench_structures":
            raise CommandError(
                "À lancer uniquement sur la base PostgreSQL jetable dla_bench_structures."
            )
        call_command("migrate", verbosity=0)
        rng = random.Random(42)
        report = {
            "database": str(name),
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
            "national, search 'theatre amis'": (national, {"q": "theatre amis"}),
            "national, search by SIRET": (national, {"q": siret_for(1234)}),
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
        report["import"] = self.measure_import(import_rows, rng)
        report["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
        self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))

    def reset_and_fill(self, count, rng):
        from accompagnements.models import Accompagnement

        Accompagnement.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE structures_structuremerge, structures_contact, "
                "structures_historicalstructure, structures_historicalcontact, "
                "structures_structure CASCADE"
            )
        departements = list(Departement.objects.all())
        regions = dict(Departement.objects.values_list("pk", "region_id"))
        batch = []
        for n in range(1, count + 1):
            structure = Structure(**structure_values(n, rng.choice(departements), rng))
            structure.set_derived_fields(regions)
            batch.append(structure)
            if len(batch) == 5000:
                Structure.objects.bulk_create(batch)
                batch = []
        Structure.objects.bulk_create(batch)
        self.add_cases(rng)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def users(self):
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
        from accompagnements.models import Accompagnement, State

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

    def measure_import(self, rows, rng):
        departements = list(Departement.objects.filter(code__in=["35", "29", "44", "2A", "971"]))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.csv"
            headers = [c.header for c in COLUMNS]
            with path.open("w", encoding="utf-8", newline="") as handle:

                def lines():
                    for n in range(10**7, 10**7 + rows):
                        values = structure_values(n, rng.choice(departements), rng)
                        values["departement"] = values["departement"].code
                        values["fte"] = str(values["fte"]).replace(".", ",")
                        yield [values.get(c.field, "") for c in COLUMNS]

                for line in csv_rows(headers, lines()):
                    handle.write(line)
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
            cwd=settings.BASE_DIR,
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
