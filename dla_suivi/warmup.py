"""What a web process would otherwise do on its first requests, done once before it
serves: gunicorn loads the application in its master (``preload_app``) and calls
``warm()`` there, so every worker forked from it (and every worker recycled after
``max_requests``) starts with the URL patterns resolved, the French catalogues loaded
and every template compiled, instead of spending up to two seconds of CPU on its first
requests (the load test's login pages, docs/benchmarks.md).

Nothing here touches the database: a connection opened in the master would be shared
by its forks.
"""

from pathlib import Path

from django.conf import settings
from django.template import TemplateSyntaxError, engines
from django.template.loaders.app_directories import get_app_template_dirs
from django.urls import get_resolver
from django.utils import translation


def template_names() -> list[str]:
    """Every template of the project and its apps (``templates`` directories)."""
    names: set[str] = set()
    directories = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    directories += [Path(d) for d in get_app_template_dirs("templates")]
    for directory in directories:
        names.update(
            path.relative_to(directory).as_posix()
            for path in directory.rglob("*")
            if path.suffix in {".html", ".txt", ".xml", ".svg"} and path.is_file()
        )
    return sorted(names)


def warm() -> int:
    """Resolve the URLs, load the catalogues, compile the templates; returns how many."""
    get_resolver().reverse_dict  # noqa: B018  (imports every view module, fills the lookups)
    translation.activate(settings.LANGUAGE_CODE)
    engine = engines["django"]
    compiled = 0
    for name in template_names():
        try:
            engine.get_template(name)
        except (TemplateSyntaxError, LookupError, ImportError):
            # A third-party template needing a library this project does not load:
            # compiled (and refused) when first used, as before.
            continue
        compiled += 1
    translation.deactivate()
    return compiled
