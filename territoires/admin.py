from django.contrib import admin

from .collation import french_column
from .models import CentreRessources, Departement, Dla, Financeur, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", french_column("name", "nom")]


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["code", french_column("name", "nom"), "region"]
    list_filter = ["region"]


@admin.register(Dla)
class DlaAdmin(admin.ModelAdmin):
    list_display = [
        french_column("name", "nom"),
        "level",
        "region",
        "departement",
        "email",
        "phone",
    ]
    list_filter = ["level", "region"]
    search_fields = ["name"]
    list_select_related = ["region", "departement"]


@admin.register(Financeur)
class FinanceurAdmin(admin.ModelAdmin):
    list_display = [french_column("name", "nom"), "kind", "region", "departement"]
    list_filter = ["kind", "region"]
    search_fields = ["name"]
    list_select_related = ["region", "departement"]


@admin.register(CentreRessources)
class CentreRessourcesAdmin(admin.ModelAdmin):
    list_display = [french_column("name", "nom"), "secteur"]
