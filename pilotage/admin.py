from django.contrib import admin

from .models import (
    ComitePilotage,
    Contribution,
    Convention,
    ConventionYear,
    Depassement,
    EtablissementsEss,
    Objective,
    PartageCentre,
)


class ContributionInline(admin.TabularInline):
    model = Contribution
    extra = 0


@admin.register(ConventionYear)
class ConventionYearAdmin(admin.ModelAdmin):
    list_display = ["convention", "year", "starts_on", "ends_on", "amendment_reference"]
    list_filter = ["year", "dla__region"]
    inlines = [ContributionInline]


@admin.register(Convention)
class ConventionAdmin(admin.ModelAdmin):
    list_display = ["title", "dla", "first_year", "last_year", "signed_on"]
    list_filter = ["dla__region"]


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["dla", "year", "kind", "sector", "target"]
    list_filter = ["year", "kind"]


@admin.register(ComitePilotage)
class ComitePilotageAdmin(admin.ModelAdmin):
    list_display = ["dla", "held_on", "year"]


@admin.register(Depassement)
class DepassementAdmin(admin.ModelAdmin):
    """Journal: read only."""

    list_display = ["dla", "convention_year", "funder", "fund", "amount", "confirmed_by"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PartageCentre)
class PartageCentreAdmin(admin.ModelAdmin):
    list_display = ["accompagnement", "centre", "consent_on"]


@admin.register(EtablissementsEss)
class EtablissementsEssAdmin(admin.ModelAdmin):
    list_display = ["departement", "year", "employer_establishments", "in_zrr", "in_qpv"]
    list_filter = ["year"]
