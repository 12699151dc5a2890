"""Where a page spends its CPU: cProfile over N requests of one page of
benchmarks.pages.PAGES, as its persona, functions sorted by own time (or cumulative).

    DJANGO_SETTINGS_MODULE=dla_suivi.settings.dev \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dla_bench \\
    .venv/bin/python -m benchmarks.profile case_list_officer [--requests 20] [--cold]
        [--sort cumulative] [--top 40] [--callers FUNCTION]
    .venv/bin/python -m benchmarks.profile all     # function calls a request, every page

The counterpart of benchmarks.explain (SQL): the profiling notes of docs/benchmarks.md.
Python function calls a request do not depend on the machine's load: on shared cores,
where CPU times move by a third from one hour to the next, they compare two versions.
"""

import argparse
import cProfile
import io
import pstats
import time

import django


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", help="a label of benchmarks.pages.PAGES")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument(
        "--cold", action="store_true", help="empty the cache of the figures before each request"
    )
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumulative"])
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--callers", default="", help="print the callers of this function")
    args = parser.parse_args()
    django.setup()
    from django.test.utils import override_settings

    from benchmarks.pages import PAGES, _get, empty_cache, signed_in_client, url_of

    if args.page == "all":
        return _calls_of_every_page(args.requests)
    page = next(p for p in PAGES if p.label == args.page)
    url = url_of(page)
    if url is None:
        raise SystemExit(f"{page.label}: no suitable object in the data set")
    client = signed_in_client(page)
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        for _ in range(2):
            _get(client, url)
        profiler = cProfile.Profile()
        cpu = 0.0
        for _ in range(args.requests):
            if args.cold:
                empty_cache(client)
            started = time.process_time()
            profiler.enable()
            _get(client, url)
            profiler.disable()
            cpu += time.process_time() - started
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    calls = stats.total_calls  # type: ignore[attr-defined]
    print(
        f"{url} as {page.persona}: {args.requests} requests, "
        f"{calls // args.requests:,} function calls and "
        f"{cpu / args.requests * 1000:.1f} ms of CPU (profiled) per request"
    )
    stats.sort_stats(args.sort).print_stats(args.top)
    if args.callers:
        stats.print_callers(args.callers)
    print(out.getvalue())


def _calls_of_every_page(requests: int) -> None:
    import json

    from django.test.utils import override_settings

    from benchmarks.pages import PAGES, _get, empty_cache, signed_in_client, url_of

    calls = {}
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        for page in PAGES:
            url = url_of(page)
            if url is None:
                continue
            client = signed_in_client(page)
            profiler = cProfile.Profile()
            for n in range(requests + 3):  # three to warm up, then the profiled ones
                if page.cached:
                    empty_cache(client)  # dashboards: their cold path
                if n >= 3:
                    profiler.enable()
                _get(client, url)
                profiler.disable()
            calls[page.label] = pstats.Stats(profiler).total_calls // requests  # type: ignore[attr-defined]
    print(json.dumps(calls, indent=2))


if __name__ == "__main__":
    main()
