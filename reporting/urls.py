from django.urls import path

from .views import campaigns, dashboard, exports, reports

app_name = "reporting"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("comparaison/", dashboard.comparison_export, name="comparison_export"),
    path("indicateurs/", dashboard.dictionary, name="dictionary"),
    path("statistiques/", exports.exports_view, name="exports"),
    path("rapports/", reports.reports, name="reports"),
    path("productions/<int:pk>/", reports.job_detail, name="job"),
    path("productions/<int:pk>/avancement/", reports.job_progress, name="job_progress"),
    path("productions/<int:pk>/telecharger/", reports.job_download, name="job_download"),
    # The yearly campaign and its frozen figures.
    path("campagnes/", campaigns.campaign_list, name="campaigns"),
    path("campagnes/ouvrir/", campaigns.campaign_open, name="campaign_open"),
    path("campagnes/<int:year>/", campaigns.campaign_detail, name="campaign"),
    path("campagnes/<int:year>/figer/", campaigns.campaign_freeze, name="campaign_freeze"),
    path("campagnes/<int:year>/dla/<int:pk>/", campaigns.campaign_dla, name="campaign_dla"),
    path(
        "campagnes/<int:year>/dla/<int:pk>/verification/",
        campaigns.campaign_check,
        name="campaign_check",
    ),
    path(
        "campagnes/<int:year>/structures/<int:pk>/31-decembre/",
        campaigns.campaign_year_end,
        name="campaign_year_end",
    ),
]
