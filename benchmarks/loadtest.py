"""`make loadtest`: locust against gunicorn + PostgreSQL + a Celery worker, on the loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dla_bench \\
    .venv/bin/python -m benchmarks.loadtest [--users 50] [--time 2m] [--max-requests 20000]

Seeds the national data set if needed (as `make bench`), starts gunicorn and a
Celery worker bound to 127.0.0.1, runs locust headless, bounded in time and in
requests, stops what it started, and prints one JSON document.
"""

import argparse
import csv
import json
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from benchmarks.run import python_reference_ms

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
OUT = ROOT / "var" / "bench"
BUDGET = {"errors": 0, "p95_ms": 300, "p99_ms": 800}


def log(message):
    print(
        f"[loadtest {time.strftime('%H:%M:%S', time.gmtime())}] {message}",
        file=sys.stderr,
        flush=True,
    )


def start(name, command, env):
    log(f"starting {name}: {' '.join(command)}")
    logfile = open(OUT / f"{name}.log", "w")  # noqa: SIM115  (kept open for the process)
    # A session of its own: stopping it stops its workers, and nothing else.
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(name, process):
    if process.poll() is not None:
        return
    log(f"stopping {name} (pid {process.pid})")
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, process, seconds=240):
    """Wait until our server answers (not some other server left on the port).

    Four workers importing Django at once on a loaded 2-core machine took over 60 s."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped (exit {process.returncode}): see var/bench/")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def read_stats(prefix: Path) -> dict:
    with open(f"{prefix}_stats.csv", newline="") as f:
        rows = list(csv.DictReader(f))

    def figures(row):
        return {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": round(float(row["Requests/s"]), 1),
            "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
            "p99_ms": float(row["99%"]),
            "max_ms": round(float(row["Max Response Time"])),
        }

    endpoints = {f"{r['Type']} {r['Name']}": figures(r) for r in rows if r["Name"] != "Aggregated"}
    total = figures(next(r for r in rows if r["Name"] == "Aggregated"))
    return {"total": total, "endpoints": endpoints}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--time", default="2m")
    parser.add_argument("--max-requests", type=int, default=20000)
    parser.add_argument("--port", type=int, default=0, help="0: a free port on 127.0.0.1")
    # Unset: gunicorn.conf.py's counts; set, its environment variables (WEB_CONCURRENCY,
    # GUNICORN_THREADS), so the worker class still follows from it alone.
    parser.add_argument("--workers", type=int, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, help="threads per gunicorn worker (1: sync)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)

    if args.workers:
        os.environ["WEB_CONCURRENCY"] = str(args.workers)
    if args.threads:
        os.environ["GUNICORN_THREADS"] = str(args.threads)
    gunicorn_conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "loadtest-only-not-a-secret-" + "x" * 30),
        "ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9"),
        "PYTHONPATH": str(ROOT),
    }
    # Same database and data set as `make bench` (created and seeded if needed), with the
    # summary cells the dashboards read, as the worker maintains them in production:
    # without them each dashboard was computed live (15 s of SQL for France) and held a
    # worker while the others' queue grew.
    subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--seed", str(args.seed), "--only", "summaries"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "dla_suivi.settings.dev"},
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = args.port or free_port()
    host = f"http://127.0.0.1:{port}"
    processes = {}
    try:
        processes["gunicorn"] = start(
            "gunicorn",
            # gunicorn.conf.py, read from the working directory: as in production.
            [str(VENV_BIN / "gunicorn"), "dla_suivi.wsgi", "--bind", f"127.0.0.1:{port}"],
            env,
        )
        processes["celery"] = start(
            "celery",
            [str(VENV_BIN / "celery"), "-A", "dla_suivi", "worker", "--queues", "default,reports",
             "--concurrency", "1", "--hostname", f"loadtest-{os.getpid()}@%h",
             "--loglevel", "INFO"],
            env,
        )  # fmt: skip
        wait_for(f"{host}/healthz", processes["gunicorn"])
        prefix = OUT / "loadtest"
        timing_file = OUT / "loadtest_server_timing.json"
        timing_file.unlink(missing_ok=True)
        load_before = os.getloadavg()
        speed_before = python_reference_ms()
        log(f"locust: {args.users} users for {args.time}, at most {args.max_requests} requests")
        started = time.monotonic()
        subprocess.run(
            [str(VENV_BIN / "locust"), "-f", str(ROOT / "benchmarks" / "locustfile.py"),
             "--headless", "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
             "--run-time", args.time, "--host", host, "--csv", str(prefix), "--only-summary",
             "--stop-timeout", "10", "--exit-code-on-error", "0"],
            cwd=ROOT,
            env={
                **env,
                "LOADTEST_MAX_REQUESTS": str(args.max_requests),
                "LOADTEST_TIMING_FILE": str(timing_file),
            },
            check=True,
            stdout=open(OUT / "locust.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        elapsed = time.monotonic() - started
    finally:
        for name, process in reversed(processes.items()):
            stop(name, process)

    stats = read_stats(prefix)
    total = stats["total"]
    load_after = os.getloadavg()
    speed_after = python_reference_ms()
    # Server CPU and SQL per endpoint (Server-Timing, benchmarks/middleware.py).
    if timing_file.exists():
        server = json.loads(timing_file.read_text(encoding="utf-8"))
        for endpoint, figures in stats["endpoints"].items():
            figures["server"] = server.get(endpoint, {})
    result = {
        "command": "make loadtest",
        "users": args.users,
        "spawn_rate": args.spawn_rate,
        "run_time": args.time,
        "max_requests": args.max_requests,
        "elapsed_seconds": round(elapsed),
        "stack": f"gunicorn {gunicorn_conf['workers']} {gunicorn_conf['worker_class']} workers "
        f"× {gunicorn_conf['threads']} thread(s) "
        "+ Celery worker (1 process) + PostgreSQL, all on 127.0.0.1",
        "cpu_count": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        # docs/benchmarks.md: this machine's pure-Python speed, before and after.
        "python_reference_ms": [speed_before, speed_after],
        "note": "2 cores shared by locust, gunicorn, Celery, PostgreSQL and other engineers' "
        "test runs: figures are noisy.",
        "throughput_rps": total["rps"],
        "p50_ms": total["p50_ms"],
        "p95_ms": total["p95_ms"],
        "p99_ms": total["p99_ms"],
        "errors": total["failures"],
        "requests": total["requests"],
        "budget": BUDGET,
        "verdict": {
            "zero_errors": total["failures"] == BUDGET["errors"],
            "p95_le_300ms": total["p95_ms"] <= BUDGET["p95_ms"],
            "p99_le_800ms": total["p99_ms"] <= BUDGET["p99_ms"],
        },
        "endpoints": stats["endpoints"],
    }
    document = json.dumps(result, indent=2, ensure_ascii=False)
    (OUT / "loadtest.json").write_text(document + "\n", encoding="utf-8")
    print(document)


if __name__ == "__main__":
    main()
