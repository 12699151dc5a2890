"""gunicorn's configuration, read from the working directory (Dockerfile, docker-compose,
`make loadtest`). Sized for the 2-core server of docs/benchmarks.md (issue 18).

- 4 worker processes: Python runs one core per process (the GIL); a list page spends
  about a third of its time waiting on PostgreSQL, on the same 2 cores, so 2 workers
  per core keep both cores busy while others wait. More processes only add memory
  (~150 MB each) and contention with PostgreSQL and the Celery worker.
- 2 threads per worker (gthread): a streamed CSV export or a slow client holds a
  thread, not a whole worker; the GIL keeps the CPU per process the same.
- Workers recycled after ~2,000 requests (jittered) so a slow leak cannot grow for days.

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
