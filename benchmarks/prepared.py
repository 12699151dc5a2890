"""Prepared queries' generic plans across territories: one page, two personas, one connection.

    DJANGO_SETTINGS_MODULE=dla_suivi.settings.dev DEBUG=false \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dla_bench \\
    .venv/bin/python -m benchmarks.prepared case_list_officer ca-48-1 ca-59-1 [--not-prepared]

A page of benchmarks.pages.PAGES opened 10 times as the first persona (its queries are
then prepared, and PostgreSQL may have settled on a generic plan), then 30 times as the
second on the same connection, as a web worker serves one territory after another.
Prints the second persona's median and 90th percentile (wall ms, the first five
dropped). ``--not-prepared``: the same with parameters bound on the client, every query
planned at each request, for comparison (docs/benchmarks.md, tenth turn).
"""

import argparse
import dataclasses
import statistics
import time

import django


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", help="a label of benchmarks.pages.PAGES")
    parser.add_argument("warmed_by", help="username opening the page first")
    parser.add_argument("measured_as", help="username measured afterwards")
    parser.add_argument("--not-prepared", action="store_true")
    args = parser.parse_args()
    django.setup()
    from django.db import connection
    from django.test.utils import override_settings

    from benchmarks.pages import PAGES, _get, signed_in_client, url_of

    if args.not_prepared:
        connection.close()
        connection.settings_dict["OPTIONS"].pop("server_side_binding", None)
        connection.settings_dict["OPTIONS"].pop("prepare_threshold", None)
    page = next(p for p in PAGES if p.label == args.page)
    timings = []
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        for persona, requests in ((args.warmed_by, 10), (args.measured_as, 30)):
            as_persona = dataclasses.replace(page, persona=persona)
            url, client = url_of(as_persona), signed_in_client(as_persona)
            timings = []
            for _ in range(requests):
                started = time.perf_counter()
                _get(client, url)
                timings.append((time.perf_counter() - started) * 1000)
    kept = sorted(timings[5:])
    print(
        f"{args.page} {'not prepared' if args.not_prepared else 'prepared'}, "
        f"{args.warmed_by} then {args.measured_as}: median {statistics.median(kept):.1f} ms, "
        f"p90 {kept[int(0.9 * len(kept))]:.1f} ms"
    )


if __name__ == "__main__":
    main()
