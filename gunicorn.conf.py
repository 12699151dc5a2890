"""gunicorn's configuration, read from the working directory (Dockerfile, docker-compose,
`make loadtest`). Sized for the 2-core server of docs/benchmarks.md (issue 18).

- 5 sync worker processes, 2 × cores + 1 (gunicorn's own rule): Python runs one core
  per process (the GIL) and a page waits on PostgreSQL for about half its time, so
  five keep both cores busy. Each process takes ~150 MB.
- Sync workers, one request at a time each, no keep-alive: a worker takes a connection
  only when it is free, so the kernel's queue hands each request to the next free
  worker. Measured under `make loadtest` (docs/benchmarks.md, 2026-12-01): gthread 4 × 2
  queued requests behind busy threads of one worker while others idled, ran two
  requests under one GIL, and kept connections alive 2 s, a client's next request
  sometimes meeting the close (12–17 "connection reset" errors a run); sync 5 × 1 had
  none, and a lower p50 and p95. Sync workers expect a buffering proxy in front of
  them (production: the TLS proxy ``SECURE_PROXY_SSL_HEADER`` names), so a slow client
  does not hold a worker; a streamed CSV export holds one worker while it streams.
- Workers recycled after ~2,000 requests (jittered) so a slow leak cannot grow for days.
- The application loaded and warmed once in the master (``preload_app``,
  ``dla_suivi/warmup.py``: URLs, catalogues, 270 templates, ~2 s of CPU on this machine);
  workers fork from it warm, where each spent up to 2 s of CPU on its first requests.
  A code change needs a restart (a HUP reloads the workers, not the preloaded code).

WEB_CONCURRENCY and GUNICORN_THREADS override the counts (a larger host; more than one
thread switches to gthread workers).
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "5"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
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
