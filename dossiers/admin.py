"""Documents in the admin: readable for corrections; files and journal never edited here."""

from django.contrib import admin

from webinput.admin_history import HistoryAdmin

from .models import Document, DocumentVersion


class VersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    can_delete = False
    fields = ["number", "original_name", "content_type", "size", "source", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(HistoryAdmin):
    list_display = ["title", "kind", "structure", "accompagnement", "ingenierie", "deleted_at"]
    list_filter = ["kind", "shared_with_comite"]
    search_fields = ["title"]
    readonly_fields = [
        "structure",
        "accompagnement",
        "ingenierie",
        "created_at",
        "created_by",
        "deleted_at",
        "deleted_by",
    ]
    inlines = [VersionInline]

    def has_delete_permission(self, request, obj=None):
        # Deletion is the journaled soft delete of dossiers.services.
        return False

    def has_add_permission(self, request):
        return False
