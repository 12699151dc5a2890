"""Where a page spends its SQL time: every query of one request, slowest first, and
EXPLAIN (ANALYZE, BUFFERS) of the slowest ones. For the profiling notes of docs/benchmarks.md.

    DJANGO_SETTINGS_MODULE=dla_suivi.settings.dev \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dla_bench \\
    .venv/bin/python -m benchmarks.explain case_list_coordinator [--top 3]
"""

import argparse

import django


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", help="a label of benchmarks.pages.PAGES")
    parser.add_argument("--top", type=int, default=3)
    args = parser.parse_args()
    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from benchmarks.pages import PAGES, empty_cache, signed_in_client, url_of

    page = next(p for p in PAGES if p.label == args.page)
    url = url_of(page)
    if url is None:
        raise SystemExit(f"{page.label}: no suitable object in the data set")
    client = signed_in_client(page)
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        client.get(url)
        empty_cache(client)  # cached pages (dashboards): show the computation
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
    queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
    print(f"{url} as {page.persona}: {len(queries)} queries")
    for q in queries:
        print(f"{float(q['time']) * 1000:8.1f} ms  {q['sql'][:160]}")
    with connection.cursor() as cursor:
        for q in queries[: args.top]:
            if not q["sql"].lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            print("\n" + "=" * 100 + f"\n{q['sql']}\n")
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
            print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
