"""A GET never writes: every route of the resolver, as every persona, changes no row.

Each route is requested on every object of the security world it can take (the
access matrix knows which kind of object a route is about), as each persona and
as an anonymous visitor. Two nets:

- the SQL sent during each GET is watched: any INSERT, UPDATE or DELETE fails the
  test with the route, the persona and the statement (this also catches a write
  that leaves the same values, an ``update()`` to what was already there);
- around each group of routes, every table of every installed model (history and
  many-to-many tables included) is fingerprinted: row count and a digest of every
  column of every row, so an insert, an update or a delete shows whichever way it
  was sent.

Sessions are left out: they are the visitor's own state (a sign-in page may put a
token in it), not the product's data. Django's admin site is staff-only: it is
requested as the admin persona, a signed-in non-staff persona and an anonymous
visitor (every other persona meets the same login redirect).
"""

import hashlib
import re
from itertools import groupby

from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.http import close_quietly
from tests.security.test_access_matrix import MATRIX, ObjectRoute, reverse_url
from tests.security.world import build_world
from tests.urlwalk import all_routes

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE)\b", re.IGNORECASE)
NOT_PRODUCT_DATA = {"sessions.Session"}
SESSION_TABLE = "django_session"
ADMIN_VISITORS = ("admin", "national", "anonymous")


def fingerprint() -> dict[str, tuple[int, str]]:
    """Per model: (row count, digest of all rows in primary-key order)."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed or model._meta.label in NOT_PRODUCT_DATA:
            continue
        rows = list(model._base_manager.order_by("pk").values_list())
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        tables[model._meta.label] = (len(rows), digest)
    return tables


def changed_tables(before, after) -> list[str]:
    return [
        f"{label} ({before[label][0]} → {after[label][0]} rows)"
        for label in sorted(before)
        if before[label] != after[label]
    ]


def urls_for(route, world) -> list[str]:
    """The route on every world object of its kind, or its sample URL when it takes none."""
    spec = MATRIX.get(route.name)
    if spec is None:
        return [admin_object_url(route) or route.url]
    if isinstance(spec, ObjectRoute):
        return [
            reverse_url(route.name, spec.kwargs(obj))
            for (kind, _), obj in world.objects.items()
            if kind == spec.kind
        ]
    return [reverse_url(route.name, spec.kwargs)]


def admin_object_url(route) -> str | None:
    """An admin change, history or delete page on a real row of its model, when there is one.

    The delete page is a confirmation: a GET there must not delete either.
    """
    prefix, _, view = route.name.rpartition("_")
    if not route.name.startswith("admin:") or view not in {"change", "history", "delete"}:
        return None
    models = {f"{m._meta.app_label}_{m._meta.model_name}": m for m in apps.get_models()}
    model = models.get(prefix.removeprefix("admin:"))
    row = model._base_manager.order_by("pk").first() if model else None
    return reverse(route.name, kwargs={"object_id": row.pk}) if row else None


class WriteWatcher:
    """Records the data-changing SQL statements sent while it is installed."""

    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        if WRITE.match(sql) and SESSION_TABLE not in sql:
            self.statements.append(sql[:160])
        return execute(sql, params, many, context)


def signed_in_clients(personas) -> dict[str, Client]:
    """One client per persona, signed in before anything is watched (signing in writes).

    A server error does not stop the walk: the next route is still requested.
    """
    clients = {"anonymous": Client(raise_request_exception=False)}
    for label, user in personas.all_users().items():
        clients[label] = Client(raise_request_exception=False)
        clients[label].force_login(user)
    return clients


def is_admin(route) -> bool:
    return route.name.startswith("admin:") or route.url.startswith("/admin/")


def group_of(route) -> str:
    """Routes are fingerprinted by group: the admin site, then each app's namespace."""
    if is_admin(route):
        return "admin"
    return route.name.split(":")[0] if ":" in route.name else "(racine)"


def test_no_get_request_changes_any_row(personas):
    world = build_world(personas)
    clients = signed_in_clients(personas)
    failures = []
    baseline = fingerprint()
    for group, routes in groupby(sorted(all_routes(), key=group_of), key=group_of):
        for route in routes:
            urls = urls_for(route, world)
            visitors = ADMIN_VISITORS if is_admin(route) else clients
            for label in visitors:
                watcher = WriteWatcher()
                with connection.execute_wrapper(watcher):
                    for url in urls:
                        # A server error is the access matrix's business; a write
                        # sent before it is still seen here.
                        close_quietly(clients[label].get(url))
                if watcher.statements:
                    failures.append(f"{route.name} as {label} sent {watcher.statements}")
        after = fingerprint()
        if after != baseline:
            failures.append(f"routes of {group} changed {changed_tables(baseline, after)}")
            baseline = after
    assert not failures, "\n".join(failures)


def test_the_fingerprint_sees_an_insert_an_update_and_a_delete(personas):
    from tests.structures.factories import StructureFactory

    start = fingerprint()
    structure = StructureFactory(name="Avant")
    inserted = fingerprint()
    structure.name = "Après"
    structure.save()
    updated = fingerprint()
    structure.delete()
    deleted = fingerprint()
    assert start != inserted != updated != deleted
    # The update kept the count: only the digest tells it.
    assert inserted["structures.Structure"][0] == updated["structures.Structure"][0]
    assert inserted["structures.Structure"][1] != updated["structures.Structure"][1]
