"""Home page section (dla_suivi.views.home_sections hook): the national key figures."""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from territoires import policy

from . import figures
from .indicators import REGISTRY, Query, Scope, compute
from .views.dashboard import DEFAULT_CACHE_SECONDS


def home_sections(request):
    user = request.user
    if not policy.sees_national_key_figures(user):
        return []
    year = timezone.localdate().year
    keys = [i for i in REGISTRY.values() if i.key]
    seconds = getattr(settings, "REPORTING_DASHBOARD_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)
    cache_key = f"reporting:home:v{figures.DATA_VERSION}:{year}"
    values = cache.get(cache_key) if seconds else None
    if values is None:
        values = compute(Query(year, Scope.national(), user), keys)
        if seconds:
            cache.set(cache_key, values, seconds)
    return [
        {
            "template": "reporting/home/key_figures.html",
            "year": year,
            "figures": [
                figures.Figure(
                    i.code, i.label, i.unit, values[i.code], figures.text(i, values[i.code])
                )
                for i in keys
            ],
        }
    ]
