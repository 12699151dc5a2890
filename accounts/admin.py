from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "last_name", "first_name", "role", "dla", "is_active"]
    list_filter = ["role", "is_active", "dla__region"]
    list_select_related = ["dla"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("DLA", {"fields": ["role", "dla", "financeur", "centre_ressources"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        ("DLA", {"fields": ["role", "dla", "financeur", "centre_ressources"]}),
    ]
