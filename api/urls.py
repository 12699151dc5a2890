"""/api/v1/: read-only JSON, its OpenAPI 3.1 schema and its browsable documentation."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from .errors import not_found
from .views import reporting, resources

app_name = "api"

router = SimpleRouter(trailing_slash=True, use_regex_path=False)
router.register("structures", resources.StructureViewSet, basename="structure")
router.register("accompagnements", resources.CaseViewSet, basename="accompagnement")
router.register("prestataires", resources.PrestataireViewSet, basename="prestataire")
router.register("acteurs-appui", resources.ActeurViewSet, basename="acteur")

urlpatterns = [
    *router.urls,
    path("indicateurs/", reporting.IndicatorListView.as_view(), name="indicateurs"),
    path("indicateurs/<str:code>/", reporting.IndicatorValueView.as_view(), name="indicateur"),
    path(
        "jeux-de-donnees/accompagnements/",
        reporting.CaseDatasetView.as_view(),
        name="jeu_accompagnements",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    # Anything else under /api/v1/ is a JSON 404 too.
    re_path(r"^.*$", not_found),
]

# The API answers for itself: 401 in JSON, not a redirect to the login page.
for pattern in urlpatterns:
    pattern.callback.login_required = False

# The schema and its documentation hold no data: public, so integrators can read them first.
PUBLIC_URL_NAMES = {"schema", "docs"}
