import django_tables2 as tables

from territoires.collation import french_order
from webinput.tables import html_body, html_head, html_pagination

from .models import Structure, cases


class StructureTable(tables.Table):
    name = tables.Column(
        verbose_name="Nom",
        linkify=("structures:detail", [tables.A("pk")]),
        order_by=("name", "pk"),
    )
    siret = tables.Column(verbose_name="SIRET", default="—")
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
    has_open_case = tables.Column(
        verbose_name="Accompagnement en cours", accessor="pk", orderable=False
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.open_case_pks = set()

    def load_open_cases(self):
        """After pagination: one query for the page's rows, not a subquery per sorted row."""
        pks = [row.record.pk for row in self.page.object_list] if self.page else []
        self.open_case_pks = set(
            cases().open().filter(structure_id__in=pks).values_list("structure_id", flat=True)
        )

    # Names and communes in French order (territoires.collation), not byte order.
    def order_name(self, queryset, is_descending):
        return queryset.order_by(*french_order("-name" if is_descending else "name", "pk")), True

    def order_commune(self, queryset, is_descending):
        commune = "-commune" if is_descending else "commune"
        return queryset.order_by(*french_order(commune, "pk")), True

    def order_departement(self, queryset, is_descending):
        code = "-departement__code" if is_descending else "departement__code"
        return queryset.order_by(*french_order(code, "name", "pk")), True

    def render_has_open_case(self, value):
        return "oui" if value in self.open_case_pks else "—"

    # Head, rows and pagination rendered in one pass each (webinput.tables), printed by
    # structures/_table.html; sorting and paging swap the results region in place.
    def html_head(self):
        return html_head(self, hx_target="structures-results")

    def html_body(self):
        return html_body(self)

    def html_pagination(self):
        return html_pagination(self, hx_target="structures-results")
