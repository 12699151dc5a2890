from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from .models import Campaign, ReportJob, Snapshot


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
    # The file is shown by ``file_link``: the admin's own display asks the storage for a
    # URL, and generated files have none (MEDIA_URL is unset, docs/security.md).
    readonly_fields = [f.name for f in ReportJob._meta.fields if f.name != "file"] + ["file_link"]
    exclude = ["data", "file"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="fichier")
    def file_link(self, job: ReportJob) -> str:
        """The file's name, linked to the download page (which checks access) while valid."""
        if not job.file:
            return "-"
        name = job.file.name.rsplit("/", 1)[-1]
        if not job.is_downloadable:
            return f"{name} (plus disponible)"
        return format_html(
            '<a href="{}">{}</a>', reverse("reporting:job_download", args=[job.pk]), name
        )


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    """Campaigns are opened from the campaign page (reporting.campaigns): read here."""

    list_display = ["year", "cutoff_on", "opened_by", "opened_at"]
    readonly_fields = [f.name for f in Campaign._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    """Immutable: a correction is a new version (manage.py freeze_year, campaign page)."""

    list_display = ["year", "version", "created_at", "author", "checksum"]
    list_filter = ["year"]
    fields = ["year", "version", "created_at", "author", "reason", "checksum"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("figures", "dataset", "changes")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
