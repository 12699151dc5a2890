"""End-to-end tests: Debian's Chromium drives the live server; a real Celery worker runs tasks.

Run with ``make e2e`` (``make test`` deselects the ``e2e`` marker). The worker is Celery's
embedded test worker (``celery.contrib.testing.worker.start_worker``): a thread of this
process consuming the ``default`` and ``reports`` queues from kombu's in-memory transport,
with ``task_always_eager`` switched off. Tasks therefore go through a broker, are picked up
asynchronously and run with their own database connection, as in production. On SQLite the
test database is a file (WAL) so that the browser's requests, the worker and the test each
use their own connection; on PostgreSQL nothing changes.
"""

import contextlib
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from playwright.sync_api import Page, expect, sync_playwright

from tests.conftest import PASSWORD

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "e2e"
# Generous for a 2-core CI machine; waits end as soon as the page is in the expected state.
TIMEOUT_MS = 15_000
TASK_TIMEOUT_MS = 60_000


@pytest.fixture(scope="session", autouse=True)
def _allow_sync_orm_beside_playwright():
    """Playwright's sync API runs an event loop in this thread; the ORM calls here are sync."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def _media_url_for_the_live_server():
    """Django's live server wraps the app in a media handler that needs a MEDIA_URL string.

    The project sets MEDIA_URL = None (generated files only go through authorised views);
    this prefix is never linked to, the tests download through those views.
    """
    with override_settings(MEDIA_URL="/_e2e-media-jamais-servi/"):
        yield


@pytest.fixture(scope="session")
def live_server(_media_url_for_the_live_server, live_server):
    return live_server


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, browser):
    """An in-memory SQLite database cannot be shared with the worker thread: use a file.

    Depends on ``browser`` so that Playwright starts first: its sync API runs the test in a
    greenlet with its own context, and Django's connections are per context. Set up before,
    the test database would be created (and its reference data serialized for the rollback
    between tests) on a connection the tests never see.
    """
    for alias, config in settings.DATABASES.items():
        if config["ENGINE"] == "django.db.backends.sqlite3":
            folder = Path(settings.BASE_DIR) / "var" / "e2e"
            folder.mkdir(parents=True, exist_ok=True)
            config.setdefault("TEST", {})["NAME"] = str(folder / f"test_{alias}.sqlite3")


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    from celery.contrib.testing.worker import start_worker

    from dla_suivi.celery import app

    overrides = {
        "task_always_eager": False,
        "broker_url": "memory://",
        "broker_transport_options": {},
        "worker_hijack_root_logger": False,
    }
    previous = {key: app.conf.get(key) for key in overrides}
    app.conf.update(overrides)
    workers = contextlib.ExitStack()
    # Django's system checks run when the worker starts; the DB blocker must allow them.
    with django_db_blocker.unblock():
        worker = workers.enter_context(
            start_worker(
                app,
                queues=["default", "reports"],
                perform_ping_check=False,  # the ping needs a result backend; ours is the job table
                shutdown_timeout=60,
            )
        )
    yield worker
    with django_db_blocker.unblock():
        workers.close()
    app.conf.update(previous)


@pytest.fixture(autouse=True)
def _e2e_database(live_server, django_db_serialized_rollback, celery_worker):
    """Every e2e test: live server, real worker, and reference data restored after the flush."""


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium introuvable ({CHROMIUM}) : installez le paquet Debian « chromium ».")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request) -> Page:
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Failed loads show up below as responses; other console errors (CSP, scripts) count.
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} {response.url}") if response.status >= 500 else None
        ),
    )
    yield page
    if getattr(request.node, "rep_call_failed", False):
        screenshot(page, f"ECHEC-{request.node.name}")
    context.close()
    assert not errors, f"Erreurs JavaScript ou CSP dans la page : {errors}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call_failed = report.failed
    return report


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot under test-artifacts/e2e/, named after the page it shows."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^\w-]+', '-', name).strip('-')}.png"
    scroll = page.evaluate("[window.scrollX, window.scrollY]")
    page.screenshot(path=path, full_page=True)
    # Debian's Chromium is left scrolled after a full-page capture and the next click misses.
    page.evaluate("([x, y]) => window.scrollTo(x, y)", scroll)
    return path


def login(page: Page, user, password: str = PASSWORD) -> None:
    """Sign in through the login form, as a person would."""
    page.goto("/connexion/")
    page.get_by_label("Nom d’utilisateur").or_(page.get_by_label("Nom d'utilisateur")).fill(
        user.username
    )
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
