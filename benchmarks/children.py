"""Heavy jobs, each run in its own process so that its peak memory (ru_maxrss) is its own.

    python -m benchmarks.children export|pdf|import

Prints one JSON document on stdout.
"""

import csv
import io
import json
import resource
import sys
import tempfile
import time

import django


def peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM, not ru_maxrss: on Linux ru_maxrss survives
    fork+exec, so a child would report its parent's peak when that is higher."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def copy_floor(sql: str) -> tuple[float, int]:
    """PostgreSQL's COPY of the same SELECT to CSV: the database's own export speed."""
    from django.db import connection

    started = time.perf_counter()
    size = 0
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for block in copy:
            size += len(block)
    return time.perf_counter() - started, size


def _written(years, maintained):
    """Every year's CSV written to a file as the download writes it: (rows, seconds,
    CPU seconds, bytes)."""
    from reporting import exports
    from reporting.indicators import Query, Scope
    from territoires.actors import SYSTEM

    rows = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    with tempfile.TemporaryFile("w+", encoding="utf-8") as out:
        for year in years:
            query = Query(year, Scope.national(), SYSTEM)
            for line in exports.case_csv_lines(query, maintained=maintained):
                out.write(line)
                rows += 1
        size = out.tell()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return rows - len(years), elapsed, cpu, size  # less the header lines


def _floor(years, maintained):
    """The floor: every SELECT the export ran for each year, through COPY (the live
    path runs one a year: cases, counts, last follow-up and structure records joined;
    the maintained one two: whether the lines are current, then the lines).
    Returns (seconds, bytes, a sample of the SQL, SELECTs per year)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reporting import exports
    from reporting.indicators import Query, Scope
    from territoires.actors import SYSTEM

    floor, floor_bytes, sample_sql, selects = 0.0, 0, None, set()
    for year in years:
        query = Query(year, Scope.national(), SYSTEM)
        with CaptureQueriesContext(connection) as captured:
            for _ in exports.case_csv_lines(query, maintained=maintained):
                pass
        statements = [
            q["sql"]
            for q in captured.captured_queries
            if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
        ]
        selects.add(len(statements))
        for sql in statements:
            seconds, size_copy = copy_floor(sql)
            floor += seconds
            floor_bytes += size_copy
        sample_sql = sample_sql or max(statements, key=len)
    return floor, floor_bytes, sample_sql, sorted(selects)


def export(years, path="maintained"):
    """The anonymised case-level dataset of every year, as CSV, national scope, in a
    process of its own for each path (its peak RSS its own): ``maintained``, from the
    maintained lines (reporting.datasets; what a download of a year that no write has
    marked since the last refresh reads), or ``live``, computed (a marked year)."""
    from reporting import exports
    from reporting.indicators import Query, Scope
    from territoires.actors import SYSTEM

    maintained = path == "maintained"
    current = [y for y in years if exports.current(Query(y, Scope.national(), SYSTEM))]
    rows, elapsed, cpu, size = _written(years, maintained)
    rss = peak_rss_mb()
    floor, floor_bytes, sample_sql, selects = _floor(years, maintained)
    results = {
        "years": [years[0], years[-1]],
        "path": path,
        "maintained_years": current if maintained else [],
        "rows": rows,
        "seconds": round(elapsed, 2),
        "rows_per_second": round(rows / elapsed),
        # This process's CPU (Python, the driver; not PostgreSQL's): less sensitive to a
        # busy machine than the wall time.
        "cpu_seconds": round(cpu, 2),
        "csv_mb": round(size / 2**20, 1),
        # Before the floor and the Python-alone runs, which hold a year's rows.
        "peak_rss_mb": rss,
        "floor_copy_seconds": round(floor, 2),
        "floor_copy_mb": round(floor_bytes / 2**20, 1),
        "ratio_export_to_copy": round(elapsed / floor, 2),
        "selects_per_year": selects,
        "floor_sql_sample": sample_sql[:2000],
    }
    if not maintained:
        python_seconds = python_alone(years)
        # The same rows written from rows already read (no SQL, no driver): the
        # pseudonyms, the k-anonymity and the CSV alone.
        results["python_alone_seconds"] = round(python_seconds, 2)
        results["python_alone_rows_per_second"] = round(rows / python_seconds)
    return results


def python_alone(years) -> float:
    """The live export's Python work alone: each year's rows read first (one SELECT, kept in
    memory), then written as the export writes them, timed without the database."""
    from unittest import mock

    from reporting import exports
    from reporting.indicators import Query, Scope
    from territoires.actors import SYSTEM

    elapsed = 0.0
    for year in years:
        query = Query(year, Scope.national(), SYSTEM)
        sql, params = exports._dataset_sql(query, exports.case_queryset(query), lines=True)
        read = list(exports._selected(query, sql, params))
        with mock.patch.object(exports, "_selected", return_value=iter(read)):
            started = time.perf_counter()
            for _line in exports.case_csv_lines(query, maintained=False):
                pass
            elapsed += time.perf_counter() - started
    return elapsed


def pdf(year):
    """The national activity report: figures, HTML, WeasyPrint; then WeasyPrint alone."""
    from pathlib import Path

    from weasyprint import CSS, HTML

    from reporting import figures, report
    from reporting.indicators import Query, Scope
    from territoires.actors import SYSTEM

    started = time.perf_counter()
    # As the report job builds it (reporting.services): published figures, France's series.
    data = figures.build(Query(year, Scope.national(), SYSTEM), public=True, series=True)
    figures_done = time.perf_counter()
    document = report.render_pdf(data)
    elapsed = time.perf_counter() - started
    rss = peak_rss_mb()

    html = report.render_html(data)
    floor_started = time.perf_counter()
    rendered = HTML(string=html, base_url=str(Path(report.__file__).parent)).render(
        stylesheets=[CSS(filename=str(report.STYLESHEET))]
    )
    rendered.write_pdf()
    floor = time.perf_counter() - floor_started
    pages = len(rendered.pages)
    return {
        "year": year,
        "seconds": round(elapsed, 2),
        "figures_seconds": round(figures_done - started, 2),
        "pages": pages,
        "pdf_kb": round(len(document) / 1024),
        "peak_rss_mb": rss,
        "floor_weasyprint_seconds": round(floor, 2),
        "ratio_to_floor": round(elapsed / floor, 1),
    }


def reset_peak_rss() -> float:
    """Start this process's peak RSS again from its current RSS (Linux: ``clear_refs`` 5),
    so that what ran before (a generator) does not count; returns that RSS."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")
    return peak_rss_mb()


def import_structures(count):
    """10,000 new structures through the register's importer, rolled back afterwards.

    Measured as production runs it (``DEBUG`` off: no query log holding each INSERT's
    text), from the peak RSS of the import alone: generating the file with Faker sets a
    peak of its own (~150 MB) before the import starts, reported as ``generator_peak_rss_mb``.
    """
    from django.db import transaction
    from django.test.utils import override_settings

    from benchmarks.generate import HEADERS, new_structure_rows
    from structures.importing import apply_import, plan_import
    from territoires.actors import SYSTEM
    from territoires.models import Departement

    departements = list(Departement.objects.order_by("code"))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADERS)
    writer.writerows(new_structure_rows(count, 4242, departements))
    data = buffer.getvalue().encode("utf-8")
    del buffer
    generator_peak = peak_rss_mb()
    rss_before = reset_peak_rss()

    with override_settings(DEBUG=False), transaction.atomic():
        started, cpu_started = time.perf_counter(), time.process_time()
        plan = plan_import(data, "structures.csv", SYSTEM)
        planned, cpu_planned = time.perf_counter(), time.process_time()
        if not plan.is_valid:
            return {"error": [str(e) for e in plan.errors[:5]], "errors": len(plan.errors)}
        result = apply_import(plan, SYSTEM)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        transaction.set_rollback(True)  # leave the benchmark database as it was
    return {
        "rows": count,
        "created": result.created,
        "seconds": round(elapsed, 2),
        "plan_seconds": round(planned - started, 2),
        "write_seconds": round(elapsed - (planned - started), 2),
        "rows_per_second": round(count / elapsed),
        # This process's CPU (not PostgreSQL's): less sensitive to a busy machine.
        "cpu_seconds": round(cpu, 2),
        "plan_cpu_seconds": round(cpu_planned - cpu_started, 2),
        "peak_rss_mb": peak_rss_mb(),
        "rss_before_import_mb": rss_before,
        "generator_peak_rss_mb": generator_peak,
        "duplicate_warnings": len(plan.warnings),
    }


def main():
    django.setup()
    job = sys.argv[1]
    if job == "export":
        first, last = int(sys.argv[2]), int(sys.argv[3])
        result = export(list(range(first, last + 1)), *sys.argv[4:5])
    elif job == "pdf":
        result = pdf(int(sys.argv[2]))
    elif job == "import":
        result = import_structures(int(sys.argv[2]))
    else:
        raise SystemExit(f"unknown job {job}")
    json.dump(result, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
