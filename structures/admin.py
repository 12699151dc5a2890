from django.contrib import admin

from territoires.collation import french_column
from webinput.admin_history import HistoryAdmin

from .models import Contact, Structure, StructureMerge


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Structure)
class StructureAdmin(HistoryAdmin):
    list_display = [
        french_column("name", "nom"),
        "siret",
        "rna",
        french_column("commune", "commune"),
        "departement",
        "legal_form",
        "sector",
    ]
    list_filter = ["legal_form", "sector", "in_qpv", "in_zrr"]
    list_select_related = ["departement"]
    search_fields = ["search_text", "siret", "rna"]
    raw_id_fields = ["departement"]
    inlines = [ContactInline]


@admin.register(StructureMerge)
class StructureMergeAdmin(admin.ModelAdmin):
    list_display = [
        french_column("merged_name", "nom de la structure fusionnée"),
        "merged_siret",
        "kept",
        "merged_by",
        "merged_at",
    ]
    list_select_related = ["kept", "merged_by"]
    readonly_fields = [f.name for f in StructureMerge._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
