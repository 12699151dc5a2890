"""The activity report: HTML from frozen figures, then a PDF with WeasyPrint."""

import datetime
import warnings
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.text import slugify

from . import extensions, figures, maps
from .indicators import by_theme

STYLESHEET = Path(__file__).parent / "pdf" / "report.css"
PDF_UA = "pdf/ua-1"


def title_for(data) -> str:
    if data["scope"]["level"] == "national":
        return f"Rapport d'activité national {data['year']} du DLA"
    return f"Rapport d'activité {data['year']} du DLA"


def report_filename(data: dict, *, accessible: bool = False) -> str:
    """``rapport-<territoire>-<année>-v<version>.pdf``: ``national``, or the territory's
    name (``bretagne``); ``provisoire`` instead of the version for a year not frozen."""
    scope = data["scope"]
    territory = "national" if scope["level"] == "national" else slugify(scope["name"])
    snapshot = data.get("snapshot")
    edition = f"v{snapshot['version']}" if snapshot else "provisoire"
    suffix = "-accessible" if accessible else ""
    return f"rapport-{territory}-{data['year']}-{edition}{suffix}.pdf"


def render_html(data: dict) -> str:
    """The report's HTML, from the figures frozen with the job (public: small cells hidden)."""
    context = {
        "data": data,
        "title": title_for(data),
        "generated_at": datetime.datetime.fromisoformat(data["generated_at"]),
        "key_figures": figures.key_figures(data, public=True),
        "sections": figures.sections(
            data, public=True, skip=figures.chart_skips(data["scope"]["level"])
        ),
        "map": figures.map_chart(data, public=True),
        "map_attribution": maps.ATTRIBUTION,
        "panels": extensions.render(data, public=True, pdf=True),
        "territory_tables": figures.comparison_by_theme(data, public=True),
        "previous_year": (data.get("previous") or {}).get("year"),
        "series": figures.series_table(data),
        "dictionary": by_theme(),
    }
    return render_to_string("reporting/pdf/report.html", context)


def _weasyprint():
    # WeasyPrint warns at import when the system lacks libharfbuzz-subset (it falls back
    # to fontTools); that is about the host's packages, not our code.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
        import weasyprint
    return weasyprint


def render_pdf(data: dict, *, accessible: bool = False) -> bytes:
    weasyprint = _weasyprint()
    CSS, HTML = weasyprint.CSS, weasyprint.HTML

    html = HTML(string=render_html(data), base_url=str(Path(__file__).parent))
    options = {"pdf_variant": PDF_UA} if accessible else {}
    return html.write_pdf(stylesheets=[CSS(filename=str(STYLESHEET))], **options)
