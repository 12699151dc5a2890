import django_tables2 as tables
from django.utils import timezone
from django.utils.safestring import mark_safe

from francais import pluriel
from webinput.markup import escaped
from webinput.tables import html_body, html_head, html_pagination

from .models import Accompagnement
from .task_items import OVERDUE_BADGE


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One instant for every row's days and lateness (the page's, not each cell's).
        self.now = timezone.now()

    # The cells below are written with f-strings and ``escaped`` rather than format_html:
    # its lazy-argument wrappers were most of a case list's 150 badges' cost.
    def render_state(self, record, value):
        # ``value``: the phase's label (a choices field's cells get their display value).
        return mark_safe(  # both escaped
            f'<span class="badge badge--phase badge--{escaped(record.state)}">'
            f"{escaped(value)}</span>"
        )

    def render_state_entered_at(self, record):
        if not record.is_open:
            return "—"  # a closed case is in no phase any more
        badge = f" {OVERDUE_BADGE}" if record.overdue_at(self.now) else ""
        return mark_safe(f"{pluriel(record.days_in_phase_at(self.now), 'jour')}{badge}")

    def order_state_entered_at(self, queryset, is_descending):
        return queryset.order_by(("" if is_descending else "-") + "state_entered_at"), True

    def render_opened_on(self, value):
        return f"{value:%d/%m/%Y}"  # dateformat's "d/m/Y", without its parser per cell

    def html_head(self):
        return html_head(self)

    def html_body(self):
        return html_body(self)

    def html_pagination(self):
        return html_pagination(self)
