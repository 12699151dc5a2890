from django.urls import path

from . import views

app_name = "dossiers"

urlpatterns = [
    path(
        "accompagnement/<int:pk>/ajouter/",
        views.document_add,
        {"anchor": "accompagnement"},
        name="add_to_case",
    ),
    path(
        "structure/<int:pk>/ajouter/",
        views.document_add,
        {"anchor": "structure"},
        name="add_to_structure",
    ),
    path(
        "ingenierie/<int:pk>/ajouter/",
        views.document_add,
        {"anchor": "ingenierie"},
        name="add_to_ingenierie",
    ),
    path(
        "accompagnement/<int:pk>/generer/<slug:kind>/",
        views.paperwork_generate,
        {"anchor": "accompagnement"},
        name="generate_for_case",
    ),
    path(
        "ingenierie/<int:pk>/generer/<slug:kind>/",
        views.paperwork_generate,
        {"anchor": "ingenierie"},
        name="generate_for_ingenierie",
    ),
    path("<int:pk>/", views.document_detail, name="document"),
    path("<int:pk>/version/", views.version_add, name="version_add"),
    path("<int:pk>/partage/", views.document_sharing, name="sharing"),
    path("<int:pk>/supprimer/", views.document_delete, name="delete"),
    path("fichiers/<int:pk>/", views.version_download, name="download"),
]
