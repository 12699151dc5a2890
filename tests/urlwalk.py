"""Walk the URL resolver so that new views are checked without anyone remembering."""

import re
import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

SAMPLES = {"int": "1", "str": "x", "slug": "x", "uuid": str(uuid.UUID(int=1)), "path": "x"}


@dataclass(frozen=True)
class Route:
    name: str  # namespace:name
    url: str


def _route_to_url(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "x"), route)


def walk(patterns=None, prefix="", namespace=""):
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        pattern = entry.pattern
        if isinstance(pattern, RoutePattern):
            part = _route_to_url(str(pattern))
        elif isinstance(pattern, RegexPattern):
            part = None  # admin's regex routes: covered by the admin's own login check
        else:
            part = None
        if isinstance(entry, URLResolver):
            if part is None:
                continue
            ns = entry.namespace or namespace
            full_ns = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else ns
            yield from walk(entry.url_patterns, prefix + part, full_ns)
        elif isinstance(entry, URLPattern) and part is not None:
            name = entry.name or entry.lookup_str
            yield Route(f"{namespace}:{name}" if namespace else name, "/" + prefix + part)


def all_routes() -> list[Route]:
    return sorted(set(walk()), key=lambda r: r.url)
