from django.urls import path

from .views import dashboard, exports, reports

app_name = "reporting"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("indicateurs/", dashboard.dictionary, name="dictionary"),
    path("statistiques/", exports.exports_view, name="exports"),
    path("rapports/", reports.reports, name="reports"),
    path("productions/<int:pk>/", reports.job_detail, name="job"),
    path("productions/<int:pk>/avancement/", reports.job_progress, name="job_progress"),
    path("productions/<int:pk>/telecharger/", reports.job_download, name="job_download"),
]
