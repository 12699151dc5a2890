"""gunicorn's configuration, read from the working directory (Dockerfile, docker-compose,
`make loadtest`). Sized for the 2-core server of docs/benchmarks.md (issue 18).

- 4 worker processes: Python runs one core per process (the GIL); a list page spends
  about a third of its time waiting on PostgreSQL, on the same 2 cores, so 2 workers
  per core keep both cores busy while others wait. More processes only add memory
  (~150 MB each) and contention with PostgreSQL and the Celery worker.
- 2 threads per worker (gthread): a streamed CSV export or a slow client holds a
  thread, not a whole worker; the GIL keeps the CPU per process the same.
- Workers recycled after ~2,000 requests (jittered) so a slow leak cannot grow for days.
- The application loaded and warmed once in the master (``preload_app``,
  ``dla_suivi/warmup.py``: URLs, catalogues, 270 templates, ~2 s of CPU on this machine);
  workers fork from it warm, where each spent up to 2 s of CPU on its first requests.
  A code change needs a restart (a HUP reloads the workers, not the preloaded code).

WEB_CONCURRENCY and GUNICORN_THREADS override the counts (a larger host).
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = 120
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200

# The application is loaded once in the master and warmed there (URLs, catalogues,
# templates: dla_suivi/warmup.py); workers are forked from it warm, sharing that memory.
preload_app = True


def when_ready(server):
    from dla_suivi.warmup import warm

    try:
        server.log.info("warm-up: %d templates compiled", warm())
    except Exception:
        # Serving cold is slower, not wrong: never keep the site down for a warm-up.
        server.log.exception("warm-up failed; workers start cold")
