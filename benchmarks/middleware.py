"""Server-side CPU and SQL time of each request, for `make loadtest` only.

Adds ``Server-Timing: cpu;dur=…, sql;dur=…, app;dur=…`` (milliseconds) to every
response: ``cpu`` is the CPU time of the thread serving the request (Python,
templates, the driver; not PostgreSQL's), ``sql`` the time spent waiting on
queries, ``app`` the wall time inside Django. The locustfile reads the header and
aggregates it per endpoint. A streamed response's body is produced after this
middleware returns, so its figures cover the view only (the export's rows are
measured by `make bench`).

``time.thread_time``: with threaded workers (gthread) another request's work in
the same process is not counted; with sync workers it equals the process time.
"""

import time

from django.db import connection


class _SqlTimer:
    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timer = _SqlTimer()
        started, cpu_started = time.perf_counter(), time.thread_time()
        with connection.execute_wrapper(timer):
            response = self.get_response(request)
        cpu = time.thread_time() - cpu_started
        wall = time.perf_counter() - started
        response["Server-Timing"] = (
            f"cpu;dur={cpu * 1000:.1f}, sql;dur={timer.seconds * 1000:.1f}, "
            f"app;dur={wall * 1000:.1f}"
        )
        return response
