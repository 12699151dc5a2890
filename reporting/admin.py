from django.contrib import admin

from .models import ReportJob


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    """Read-only: jobs change state only through reporting.services."""

    list_display = [
        "__str__",
        "kind",
        "status",
        "progress",
        "attempts",
        "requested_by",
        "created_at",
    ]
    list_filter = ["kind", "status", "year"]
    list_select_related = ["requested_by"]
    readonly_fields = [f.name for f in ReportJob._meta.fields]
    exclude = ["data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
