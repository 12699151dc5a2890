import django_tables2 as tables
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from webinput.tables import html_body, html_head, html_pagination

from .models import Accompagnement


class AccompagnementTable(tables.Table):
    structure = tables.Column(
        verbose_name="Structure", linkify=("accompagnements:detail", {"pk": tables.A("pk")})
    )
    departement = tables.Column(verbose_name="Département", accessor="structure__departement__code")
    state = tables.Column(verbose_name="Phase")
    state_entered_at = tables.Column(verbose_name="Dans la phase depuis")
    officer = tables.Column(verbose_name="Chargé·e")
    # The id breaks ties so that pages neither repeat nor skip cases opened the same day.
    # A plain column (render_opened_on): a DateColumn compiles a template for every cell.
    opened_on = tables.Column(verbose_name="Ouvert le", order_by=("opened_on", "id"))

    class Meta:
        model = Accompagnement
        fields = ("structure", "departement", "state", "state_entered_at", "officer", "opened_on")
        order_by = ("-opened_on",)
        empty_text = "Aucun accompagnement ne correspond à ces critères."
        # Rows rendered in one pass (webinput.tables): the cells below, without
        # django-tables2's per-cell machinery.
        template_name = "accompagnements/_table.html"
        attrs = {"class": "table"}
        # Closed, réorienté and abandonné cases are greyed (their phase badge says why).
        row_attrs = {"class": lambda record: "" if record.is_open else "row--closed"}

    def render_state(self, record, value):
        # ``value``: the phase's label (a choices field's cells get their display value).
        return format_html(
            '<span class="badge badge--phase badge--{}">{}</span>', record.state, value
        )

    def render_state_entered_at(self, record):
        if not record.is_open:
            return "—"  # a closed case is in no phase any more
        badge = (
            mark_safe(' <span class="badge badge--overdue">en retard</span>')
            if record.is_open and record.is_overdue
            else ""
        )
        return format_html("{} jours{}", record.days_in_phase, badge)

    def order_state_entered_at(self, queryset, is_descending):
        return queryset.order_by(("" if is_descending else "-") + "state_entered_at"), True

    def render_opened_on(self, value):
        return format_date(value, "d/m/Y")

    def html_head(self):
        return html_head(self)

    def html_body(self):
        return html_body(self)

    def html_pagination(self):
        return html_pagination(self)
