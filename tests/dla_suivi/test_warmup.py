"""The web master's warm-up (gunicorn.conf.py → dla_suivi.warmup): every template of the
project compiled into the cached loader, and not one database query (a connection opened
in the master would be shared by the workers it forks)."""

from contextlib import ExitStack

from django.db import connections
from django.template import engines
from django.test.utils import CaptureQueriesContext

from dla_suivi.warmup import template_names, warm


def test_the_warm_up_compiles_the_templates_without_touching_the_database(db):
    names = template_names()
    # The project's own, its apps' and Django's admin ones.
    for name in ("base.html", "404.html", "accompagnements/_table.html", "admin/base.html"):
        assert name in names
    cached = engines["django"].engine.template_loaders[0]
    cached.reset()
    with ExitStack() as stack:
        captured = [stack.enter_context(CaptureQueriesContext(c)) for c in connections.all()]
        compiled = warm()
    assert [len(c) for c in captured] == [0] * len(captured)
    assert compiled >= len(names) - 5  # a few third-party ones may need absent libraries
    for name in ("base.html", "accompagnements/_table.html"):
        assert name in cached.get_template_cache
