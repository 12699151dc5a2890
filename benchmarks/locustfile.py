"""The three personas' browsing mix, for `make loadtest` (see benchmarks/loadtest.py).

Officers (most users) go through their lists, case pages and workboard and now
and then take a transition (abandon, then reopen: the case ends where it was, so
the data set stays comparable between runs); coordinators mostly read their
region's dashboard and lists; the national operator reads national dashboards,
downloads the year's case-level CSV once and asks for one national PDF report
per run. Officers now and then export their structure register as CSV.
"""

import json
import os
import random
import re
import statistics
from collections import defaultdict

from locust import HttpUser, between, events, task

PASSWORDS = {
    "charge35": "demo-charge35",
    "charge29": "demo-charge29",
    "coord-bretagne": "demo-coord-bretagne",
    "coord-pdl": "demo-coord-pdl",
    "national": "demo-national",
}
MAX_REQUESTS = int(os.environ.get("LOADTEST_MAX_REQUESTS", "20000"))
YEAR = os.environ.get("LOADTEST_YEAR", "2025")
CASE_LINK = re.compile(r'href="/accompagnements/(\d+)/"')
STRUCTURE_LINK = re.compile(r'href="/structures/(\d+)/"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NATIONAL_OPTION = re.compile(r'<option value="([^"]*)"[^>]*>\s*France entière\s*</option>')
SEARCHES = ["rennes", "brest", "compagnie", "club", "insertion", "jardins", "quimper"]
_report_requested = False
_export_requested = False
_sent = 0
# Endpoint → the server's CPU and SQL milliseconds of each request (Server-Timing header,
# benchmarks/middleware.py), written to LOADTEST_TIMING_FILE when locust quits.
_server_timing: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
TIMING_FILE = os.environ.get("LOADTEST_TIMING_FILE", "")


_environment = None


@events.init.add_listener
def keep_environment(environment, **kwargs):
    global _environment
    _environment = environment


@events.request.add_listener
def server_timing(request_type, name, response=None, **kwargs):
    header = response.headers.get("Server-Timing", "") if response is not None else ""
    for part in header.split(","):
        metric, _, duration = part.strip().partition(";dur=")
        if duration:
            _server_timing[f"{request_type} {name}"][metric].append(float(duration))


def _percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


@events.quitting.add_listener
def write_server_timing(**kwargs):
    if not TIMING_FILE:
        return
    summary = {
        endpoint: {
            f"{metric}_{label}_ms": round(value, 1)
            for metric, values in metrics.items()
            for label, value in (
                ("median", statistics.median(values)),
                ("p95", _percentile(values, 0.95)),
                ("total", sum(values)),
            )
        }
        for endpoint, metrics in _server_timing.items()
    }
    with open(TIMING_FILE, "w", encoding="utf-8") as out:
        json.dump(summary, out, indent=2)


@events.request.add_listener
def cap_requests(**kwargs):
    """Bound the run by request count as well as by time."""
    global _sent
    _sent += 1
    if _sent == MAX_REQUESTS and _environment is not None and _environment.runner is not None:
        _environment.runner.quit()


class Persona(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    usernames: tuple[str, ...] = ()

    def on_start(self):
        self.username = random.choice(self.usernames)
        page = self.client.get("/connexion/", name="login page")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            "/connexion/",
            {"username": self.username, "password": PASSWORDS[self.username],
             "csrfmiddlewaretoken": token},
            name="login",
        )  # fmt: skip
        self.cases: list[str] = []
        self.structures: list[str] = []

    def remember(self, response):
        self.cases = CASE_LINK.findall(response.text)[:50] or self.cases
        self.structures = STRUCTURE_LINK.findall(response.text)[:50] or self.structures

    def case_list(self, query=""):
        # No with-block: locust refuses one without catch_response (the task stopped there).
        self.remember(self.client.get(f"/accompagnements/{query}", name="case list"))

    def case_page(self):
        if not self.cases:
            return self.case_list()
        self.client.get(f"/accompagnements/{random.choice(self.cases)}/", name="case page")

    def structure_list(self, query=""):
        self.remember(self.client.get(f"/structures/{query}", name="structure list"))

    def structure_page(self):
        if not self.structures:
            return self.structure_list()
        self.client.get(f"/structures/{random.choice(self.structures)}/", name="structure page")


class Officer(Persona):
    weight = 6
    usernames = ("charge35", "charge29")

    @task(4)
    def browse_cases(self):
        self.case_list(random.choice(["", "?page=2", "?state=suivi", "?overdue=true"]))

    @task(5)
    def open_case(self):
        self.case_page()

    @task(3)
    def workboard(self):
        self.client.get("/accompagnements/tableau-de-suivi/", name="workboard")

    @task(2)
    def structures(self):
        self.structure_list(random.choice(["", f"?q={random.choice(SEARCHES)}"]))

    @task(2)
    def structure(self):
        self.structure_page()

    @task(1)
    def dashboard(self):
        self.client.get(f"/pilotage/?annee={YEAR}", name="dashboard (department)")

    @task(1)
    def export_structures(self):
        """The department's structure register as CSV (streamed)."""
        self.client.get("/structures/export/?format=csv", name="structure export (CSV)")

    @task(1)
    def transition(self):
        """Abandon a case in intake, then reopen it with a reason: two journaled transitions."""
        listing = self.client.get("/accompagnements/?state=accueil", name="case list")
        cases = CASE_LINK.findall(listing.text)
        if not cases:
            return
        pk = random.choice(cases)
        page = self.client.get(f"/accompagnements/{pk}/", name="case page")
        match = CSRF.search(page.text)
        if not match or "abandon-reason" not in page.text:
            return
        token = match.group(1)
        self.client.post(
            f"/accompagnements/{pk}/transition/abandon/",
            {"csrfmiddlewaretoken": token, "abandon-expected_state": "accueil",
             "abandon-reason": "no_answer", "abandon-comment": "Test de charge."},
            name="transition",
        )  # fmt: skip
        self.client.post(
            f"/accompagnements/{pk}/transition/reopen/",
            {"csrfmiddlewaretoken": token, "reopen-expected_state": "abandonne",
             "reopen-comment": "Test de charge : la structure reprend contact."},
            name="transition",
        )  # fmt: skip


class Coordinator(Persona):
    weight = 2
    usernames = ("coord-bretagne", "coord-pdl")

    @task(3)
    def dashboard(self):
        self.client.get(f"/pilotage/?annee={YEAR}", name="dashboard (region)")

    @task(3)
    def browse_cases(self):
        self.case_list(random.choice(["", "?state=coordination"]))

    @task(2)
    def open_case(self):
        self.case_page()

    @task(1)
    def structures(self):
        self.structure_list()

    @task(1)
    def prestataires(self):
        self.client.get("/accompagnements/prestataires/", name="prestataires")


class National(Persona):
    weight = 1
    usernames = ("national",)

    @task(3)
    def dashboard(self):
        self.client.get(f"/pilotage/?annee={YEAR}", name="dashboard (national)")

    @task(2)
    def browse_cases(self):
        self.case_list()

    @task(2)
    def structures(self):
        self.structure_list(random.choice(["", "?q=association"]))

    @task(1)
    def export_cases(self):
        """The national case-level dataset of the year as CSV, once per run (streamed)."""
        global _export_requested
        if _export_requested:
            self.client.get("/pilotage/statistiques/", name="exports")
            return
        _export_requested = True
        page = self.client.get("/pilotage/statistiques/", name="exports")
        token = CSRF.search(page.text).group(1)
        self.client.post(
            "/pilotage/statistiques/",
            {"csrfmiddlewaretoken": token, "annee": YEAR, "jeu": "accompagnements",
             "format": "csv"},
            name="case export (national CSV)",
        )  # fmt: skip

    @task(1)
    def report(self):
        """One national PDF request per run, then its progress page, as the UI polls it."""
        global _report_requested
        if _report_requested:
            self.client.get("/pilotage/rapports/", name="reports")
            return
        _report_requested = True
        page = self.client.get("/pilotage/rapports/", name="reports")
        token = CSRF.search(page.text).group(1)
        option = NATIONAL_OPTION.search(page.text)
        national = option.group(1) if option else ""
        with self.client.post(
            "/pilotage/rapports/",
            {"csrfmiddlewaretoken": token, "annee": YEAR, "territoire": national},
            name="report request (national)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure("national report not queued: the form refused it")
        if response.status_code != 302:
            # Still give the worker a PDF to render: the region of Bretagne.
            self.client.post(
                "/pilotage/rapports/",
                {"csrfmiddlewaretoken": token, "annee": YEAR, "territoire": "53"},
                name="report request (region)",
            )
