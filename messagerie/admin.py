from django.contrib import admin

from .models import Message, Preference


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The outbox, searchable by recipient and subject; read-only (the task writes it)."""

    list_display = ["created_at", "to_email", "subject", "kind", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["to_email", "to_name", "subject", "=object_id"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Message._meta.fields if f.name != "id"]
    list_select_related = ["content_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "reminders"]
    list_filter = ["reminders"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
