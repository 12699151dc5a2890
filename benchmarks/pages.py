"""Server time of the main pages, in process, as the persona who opens each one.

For every page: median and p95 over N requests of wall time and of CPU time
(``time.process_time``: this process's Python, templates and driver work, not
PostgreSQL's), the SQL query count and time, and the page's slowest SELECT alone:
each re-run with ``cursor.execute``, the largest median (the floor).
"""

import statistics
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse

from accompagnements.models import Accompagnement
from accounts.models import User
from structures.models import Structure

DASHBOARD_YEAR = 2025


def richest_case(username):
    """The officer's case with the most to show (journal, plan, ingénierie, follow-up)."""
    return (
        Accompagnement.objects.filter(officer__username=username, state="suivi")
        .annotate(rows=Count("journal", distinct=True) + Count("plan_actions", distinct=True))
        .order_by("-rows", "pk")
        .values_list("pk", flat=True)
        .first()
    )


HEAVY_SUBJECT = "Banc d'essai : échange"


def heavy_case(username):
    """An open case of the officer carrying 50 exchanges, 20 documents and 10 tasks.

    Built once through the services (files in the bench's MEDIA_ROOT), found again after.
    """
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from accompagnements.models import Echange
    from accompagnements.services.echanges import add_task, log_exchange
    from dossiers.services import add_document

    done = Echange.objects.filter(subject__startswith=HEAVY_SUBJECT, created_by__username=username)
    if (pk := done.values_list("accompagnement_id", flat=True).first()) is not None:
        return pk
    officer = User.objects.get(username=username)
    case = (
        Accompagnement.objects.open()
        .filter(officer=officer, opened_on__lte=timezone.localdate() - datetime.timedelta(days=60))
        .order_by("pk")
        .first()
    )
    contacts = list(case.structure.contacts.all()[:2])
    for n in range(50):
        log_exchange(
            case,
            by=officer,
            occurred_at=timezone.now() - datetime.timedelta(hours=n + 1),
            kind=("telephone", "sur_place", "email", "visio")[n % 4],
            subject=f"{HEAVY_SUBJECT} {n + 1}",
            summary="Point d'étape avec la structure.",
            contacts=contacts,
            staff=[officer],
        )
    pdf = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
    for n in range(20):
        add_document(
            upload=ContentFile(pdf, name=f"piece-{n + 1}.pdf"),
            kind="autre",
            by=officer,
            accompagnement=case,
        )
    for n in range(10):
        add_task(
            case,
            by=officer,
            title=f"Banc d'essai : tâche {n + 1}",
            due_on=timezone.localdate() + datetime.timedelta(days=n - 3),
            assignee=officer,
        )
    return case.pk


def structure_with_most_cases(username):
    user = User.objects.get(username=username)
    return (
        Structure.objects.filter(departement_id=user.dla.departement_id)
        .annotate(n=Count("accompagnements"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )


def any_ingenierie(username):
    return (
        Accompagnement.objects.filter(officer__username=username, ingenieries__isnull=False)
        .filter(~Q(ingenieries__kind="individuelle"))
        .values_list("ingenieries", flat=True)
        .first()
    )


@dataclass(frozen=True)
class Page:
    label: str
    url_name: str
    persona: str
    query: str = ""
    pk_of: object = None  # callable(username) -> pk for detail pages
    # Pages that cache their figures: also timed with the cache emptied before each request.
    cached: bool = False


PAGES = [
    Page("case_list_officer", "accompagnements:list", "charge35"),
    Page("case_list_coordinator", "accompagnements:list", "coord-bretagne"),
    Page("case_list_national", "accompagnements:list", "national"),
    Page("case_list_national_filtered", "accompagnements:list", "national", "state=suivi"),
    Page("structure_list_officer", "structures:list", "charge35"),
    Page("structure_list_national", "structures:list", "national"),
    Page("structure_search_national", "structures:list", "national", "q=rennes"),
    Page("case_page", "accompagnements:detail", "charge35", pk_of=richest_case),
    # Issue 13: a case page carrying 50 exchanges, 20 documents and 10 tasks.
    Page("case_page_heavy", "accompagnements:detail", "charge35", pk_of=heavy_case),
    # Its timeline, loaded after the page (here as a page of its own, as without JavaScript).
    Page("case_timeline_heavy", "accompagnements:timeline", "charge35", pk_of=heavy_case),
    Page("structure_page", "structures:detail", "charge35", pk_of=structure_with_most_cases),
    Page("ingenierie_page", "accompagnements:ingenierie", "charge35", pk_of=any_ingenierie),
    Page("workboard", "accompagnements:workboard", "charge35"),
    Page("home_officer", "home", "charge35"),
    Page(
        "dashboard_departement",
        "reporting:dashboard",
        "charge35",
        f"annee={DASHBOARD_YEAR}",
        cached=True,
    ),
    Page(
        "dashboard_region",
        "reporting:dashboard",
        "coord-bretagne",
        f"annee={DASHBOARD_YEAR}",
        cached=True,
    ),
    Page(
        "dashboard_national",
        "reporting:dashboard",
        "national",
        f"annee={DASHBOARD_YEAR}",
        cached=True,
    ),
    # A funder reads published figures: the year's stored publication (small cells hidden).
    Page(
        "dashboard_financeur",
        "reporting:dashboard",
        "financeur-bretagne",
        f"annee={DASHBOARD_YEAR}",
        cached=True,
    ),
]


def prepare_dashboards() -> int:
    """Compute the summary cells the dashboard pages read and lack (reporting.summaries):
    France and its regions, Bretagne and its departments, Ille-et-Vilaine, for the year
    shown and the one before, and France for every earlier year (the series); and the
    stored publications of those two years (funders' dashboards)."""
    from reporting import summaries
    from reporting.indicators import Level
    from reporting.models import SummaryCell
    from territoires.models import Departement, Region

    years = [y for y in summaries.open_years() if y <= DASHBOARD_YEAR]
    keys = {(y, Level.NATIONAL, "") for y in years}
    for year in (DASHBOARD_YEAR, DASHBOARD_YEAR - 1):
        keys |= {(year, Level.REGION, c) for c in Region.objects.values_list("code", flat=True)}
        bretagne = Departement.objects.filter(region__code="53").values_list("code", flat=True)
        keys |= {(year, Level.DEPARTEMENT, c) for c in bretagne}
    done = set(
        SummaryCell.objects.filter(values__isnull=False).values_list("year", "level", "territory")
    )
    summaries.mark_stale(keys - done)
    refreshed = summaries.refresh()
    # The publications funders' dashboards read (the year shown and the year before),
    # as the worker stores them.
    from reporting.models import StoredPublication

    years = {DASHBOARD_YEAR, DASHBOARD_YEAR - 1}
    stored = set(
        StoredPublication.objects.filter(year__in=years, content__isnull=False).values_list(
            "year", flat=True
        )
    )
    if years - stored:
        summaries.mark_publications(years - stored)
        refreshed += summaries.refresh_publications(years=years - stored, interval=0)
    return refreshed


def percentile(values, q):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def ms(seconds):
    return round(seconds * 1000, 1)


def _get(client, url):
    response = client.get(url)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    else:
        response.content  # noqa: B018  (rendered already; keep the symmetry)
    return response


def url_of(page: Page) -> str | None:
    """The page's URL (a detail page's object found in the data set by ``pk_of``); None
    when the data set has no suitable object."""
    kwargs = {}
    if page.pk_of is not None:
        pk = page.pk_of(page.persona)
        if pk is None:
            return None
        kwargs = {"pk": pk}
    return reverse(page.url_name, kwargs=kwargs) + (f"?{page.query}" if page.query else "")


def signed_in_client(page: Page) -> Client:
    """A test client signed in as the page's persona."""
    client = Client()
    client.force_login(User.objects.get(username=page.persona))
    return client


def empty_cache(client: Client) -> None:
    """The cache emptied of a dashboard's figures, as when they expire, but not of the
    reader's session: sessions live in the same cache (``cached_db``), and a session
    evicted with the figures added its own read from the database (one query, ~1.5 ms)
    to every cold request, which a dashboard whose figures expired does not pay."""
    cache.clear()
    client.session.load()  # read from the database and cached again, outside the timing


def measure(page: Page, requests: int) -> dict:
    try:
        url = url_of(page)
    except NoReverseMatch:
        return {"skipped": f"URL name {page.url_name!r} does not exist yet"}
    if url is None:
        return {"skipped": "no suitable object in the data set"}
    client = signed_in_client(page)
    for _ in range(2):  # warm caches (templates, query plans)
        response = _get(client, url)
        if response.status_code != 200:
            return {"url": url, "persona": page.persona, "error": f"HTTP {response.status_code}"}
    timings, cpu = [], []
    for _ in range(requests):
        started, cpu_started = time.perf_counter(), time.process_time()
        _get(client, url)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    cold, cold_cpu = [], []
    if page.cached:
        for _ in range(requests):
            empty_cache(client)
            started, cpu_started = time.perf_counter(), time.process_time()
            _get(client, url)
            cold.append(time.perf_counter() - started)
            cold_cpu.append(time.process_time() - cpu_started)
        empty_cache(client)
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    queries = captured.captured_queries
    selects = [q for q in queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))]
    result = {
        "url": url,
        "persona": page.persona,
        "requests": requests,
        "median_ms": ms(statistics.median(timings)),
        "p95_ms": ms(percentile(timings, 0.95)),
        # CPU time of this process (Python, templates, the driver): the cost that
        # queues requests on 2 cores, and the part the floor does not explain.
        "cpu_median_ms": ms(statistics.median(cpu)),
        "cpu_p95_ms": ms(percentile(cpu, 0.95)),
        "queries": len(queries),  # with the cache empty for cached pages
        "sql_ms_in_page": round(sum(float(q["time"]) for q in queries) * 1000, 1),
    }
    if cold:
        result.update(
            cold_median_ms=ms(statistics.median(cold)),
            cold_p95_ms=ms(percentile(cold, 0.95)),
            cold_cpu_median_ms=ms(statistics.median(cold_cpu)),
            cold_cpu_p95_ms=ms(percentile(cold_cpu, 0.95)),
            note="median/p95: figures served from the dashboard cache (after warm-up); "
            "cold_*: cache emptied before each request",
        )
    if selects:
        # Each SELECT alone, ``requests`` times: the slowest by its median. Picking the
        # slowest of one captured request instead named a different query from one run
        # to the next once queries were prepared (their times then a fraction of a ms).
        # Run first as often as psycopg waits before preparing, so that each is timed
        # as the page runs it, prepared, whatever ``requests``.
        warm_up = connection.connection.prepare_threshold or 0
        alone = {}
        with connection.cursor() as cursor:
            for query in selects:
                times = []
                for _ in range(warm_up):
                    cursor.execute(query["sql"])
                    cursor.fetchall()
                for _ in range(requests):
                    started = time.perf_counter()
                    cursor.execute(query["sql"])
                    cursor.fetchall()
                    times.append(time.perf_counter() - started)
                alone[query["sql"]] = statistics.median(times)
        floor_sql, floor_median = max(alone.items(), key=lambda item: item[1])
        page_median = statistics.median(cold or timings)
        page_p95 = percentile(cold or timings, 0.95)
        result.update(
            floor_ms=ms(floor_median),
            ratio_page_to_floor=round(page_median / floor_median, 1),
            # Issue 18: p95 ≤ max(3 × floor, floor + 25 ms).
            floor_budget_ms=ms(max(3 * floor_median, floor_median + 0.025)),
            p95_within_floor_budget=page_p95 <= max(3 * floor_median, floor_median + 0.025),
            floor_sql=floor_sql[:2000],
        )
    return result


def measure_all(requests: int, log, labels=None) -> dict:
    results = {}
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        for page in PAGES:
            if labels and page.label not in labels:
                continue
            log(f"page {page.label}")
            try:
                results[page.label] = measure(page, requests)
            except Exception as exc:  # a page that crashes is reported, not fatal
                results[page.label] = {"error": f"{type(exc).__name__}: {exc}"[:500]}
    return results
