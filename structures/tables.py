import django_tables2 as tables
from django.utils.html import format_html

from .models import Structure


class StructureTable(tables.Table):
    name = tables.Column(
        verbose_name="Nom",
        linkify=("structures:detail", [tables.A("pk")]),
        order_by=("name", "pk"),
    )
    siret = tables.Column(verbose_name="SIRET")
    commune = tables.Column(verbose_name="Commune", order_by=("commune", "pk"))
    departement = tables.Column(
        verbose_name="Dépt",
        accessor="departement__code",
        order_by=("departement__code", "name", "pk"),
    )
    legal_form = tables.Column(verbose_name="Forme juridique", order_by=("legal_form", "pk"))
    sector = tables.Column(verbose_name="Secteur", order_by=("sector", "pk"))
    headcount = tables.Column(
        verbose_name="Effectif",
        order_by=("headcount", "pk"),
        attrs={"td": {"class": "num"}, "th": {"class": "num"}},
    )
    has_open_case = tables.BooleanColumn(
        verbose_name="Accompagnement en cours",
        orderable=False,
        yesno="oui,—",
    )

    class Meta:
        model = Structure
        fields = (
            "name",
            "siret",
            "commune",
            "departement",
            "legal_form",
            "sector",
            "headcount",
            "has_open_case",
        )
        template_name = "structures/_table.html"
        attrs = {"class": "table"}
        empty_text = "Aucune structure ne correspond à ces critères."
        order_by = ("name",)

    def render_siret(self, value):
        return format_html('<span class="nowrap">{}</span>', value) if value else "—"
