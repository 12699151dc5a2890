"""Admin site: corrections on registers; the journal is read-only.

Phase changes never go through the admin: the case's state is read-only here
and moves only through services.advance (journaled, guarded).
"""

from django.contrib import admin

from webinput.admin_history import HistoryAdmin

from .models import (
    Accompagnement,
    ActeurAppui,
    ComiteAppui,
    ComiteReview,
    Funding,
    Ingenierie,
    Prestataire,
    Proposal,
    TransitionLog,
)


class TransitionLogInline(admin.TabularInline):
    """The case's journal, newest first, every column shown."""

    model = TransitionLog
    fields = [
        "timestamp",
        "user",
        "transition",
        "from_state",
        "to_state",
        "comment",
        "exit_reason",
        "reoriented_to",
        "on_date",
        "open_days",
    ]
    readonly_fields = fields
    ordering = ["-timestamp", "-pk"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Accompagnement)
class AccompagnementAdmin(HistoryAdmin):
    """« Historique » shows the case's own history (django-simple-history), in French."""

    list_display = ["structure", "state", "dla", "officer", "opened_on", "closed_on"]
    list_filter = ["state", "dla__region"]
    list_select_related = ["structure", "dla", "officer"]
    search_fields = ["structure__name", "structure__siret"]
    raw_id_fields = ["structure", "officer", "reoriented_to"]
    readonly_fields = ["state", "state_entered_at", "left_state"]
    inlines = [TransitionLogInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    list_display = [
        "timestamp",
        "accompagnement",
        "user",
        "transition",
        "from_state",
        "to_state",
        "comment",
        "exit_reason",
        "on_date",
    ]
    list_select_related = ["accompagnement__structure", "user"]
    list_filter = ["to_state"]
    ordering = ["-timestamp", "-pk"]
    date_hierarchy = "timestamp"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Prestataire)
class PrestataireAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "dla", "is_active"]
    list_filter = ["region", "is_active"]
    search_fields = ["name", "siret"]


@admin.register(ActeurAppui)
class ActeurAppuiAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "dla", "is_active"]
    list_filter = ["kind", "region", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["departements"]


class ProposalInline(admin.TabularInline):
    model = Proposal
    extra = 0
    raw_id_fields = ["prestataire"]


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0


@admin.register(Ingenierie)
class IngenierieAdmin(HistoryAdmin):
    list_display = ["title", "kind", "dla", "status", "selected_prestataire", "cost"]
    list_filter = ["kind", "status", "theme"]
    search_fields = ["title"]
    raw_id_fields = ["selected_prestataire"]
    inlines = [ProposalInline, FundingInline]


class ComiteReviewInline(admin.TabularInline):
    model = ComiteReview
    extra = 0
    raw_id_fields = ["accompagnement"]


@admin.register(ComiteAppui)
class ComiteAppuiAdmin(admin.ModelAdmin):
    list_display = ["held_on", "dla"]
    list_filter = ["dla__region"]
    inlines = [ComiteReviewInline]
