"""Read-only admin pages to browse the audit trail by object and by user.

Every history table (django-simple-history), the case journal and the erasure
log: they can be searched and filtered, never changed or deleted.
"""

from django.apps import apps
from django.contrib import admin

from .models import ErasureLog


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryAdmin(ReadOnlyAdmin):
    list_display = ["history_date", "history_type", "history_user", "object_label", "id"]
    list_filter = ["history_type", "history_date", "history_user"]
    search_fields = ["=id", "history_user__username", "history_user__last_name"]
    list_select_related = ["history_user"]
    date_hierarchy = "history_date"

    @admin.display(description="élément")
    def object_label(self, obj):
        return str(obj.instance) if hasattr(obj, "instance") else obj.pk


@admin.register(ErasureLog)
class ErasureLogAdmin(ReadOnlyAdmin):
    list_display = ["performed_at", "reason", "model", "object_id", "structure_id", "performed_by"]
    list_filter = ["reason", "model"]
    search_fields = ["=object_id", "=structure_id"]


def register_history_models(site=admin.site):
    for model in apps.get_models():
        if model.__name__.startswith("Historical") and not site.is_registered(model):
            site.register(model, HistoryAdmin)


register_history_models()
