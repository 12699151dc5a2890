"""Home page section (dla_suivi.views.home_sections hook): the national key figures."""

from django.utils import timezone

from . import figures
from .indicators import REGISTRY, Query, Scope, compute


def home_sections(request):
    user = request.user
    if user.role not in {"national", "admin"}:
        return []
    year = timezone.localdate().year
    keys = [i for i in REGISTRY.values() if i.key]
    values = compute(Query(year, Scope.national(), user), keys)
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
