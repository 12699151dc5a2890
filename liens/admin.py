from django.contrib import admin

from .models import LinkEvent, SecureLink


class LinkEventInline(admin.TabularInline):
    model = LinkEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "name", "email", "ip_address", "at", "details"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SecureLink)
class SecureLinkAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "purpose",
        "recipient_email",
        "expires_at",
        "used_at",
        "revoked_at",
    ]
    list_filter = ["purpose", "created_at"]
    search_fields = ["recipient_email", "recipient_name"]
    readonly_fields = [
        f.name for f in SecureLink._meta.fields if f.name not in {"id", "token_hash", "nonce"}
    ]
    exclude = ["token_hash", "nonce"]
    inlines = [LinkEventInline]

    def has_add_permission(self, request):
        return False
