"""HTML to PDF with WeasyPrint, as the activity report does (reporting/report.py)."""

import warnings
from pathlib import Path

from django.template.loader import render_to_string

STYLESHEET = Path(__file__).parent / "print.css"
PDF_UA = "pdf/ua-1"


def _weasyprint():
    # Same guard as the report: WeasyPrint warns at import when the host lacks
    # libharfbuzz-subset (it falls back to fontTools).
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
        import weasyprint
    return weasyprint


def render_pdf(template: str, context: dict) -> bytes:
    """A tagged PDF (PDF/UA) from ``template``, with our own print stylesheet."""
    weasyprint = _weasyprint()
    html = weasyprint.HTML(
        string=render_to_string(template, context), base_url=str(Path(__file__).parent)
    )
    return html.write_pdf(
        stylesheets=[weasyprint.CSS(filename=str(STYLESHEET))], pdf_variant=PDF_UA
    )
