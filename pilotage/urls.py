from django.urls import path

from .views import dla, engagements, partage, tableau

app_name = "pilotage"

urlpatterns = [
    path("", tableau.index, name="index"),
    path("dla/<int:pk>/", dla.dla_detail, name="dla"),
    path("dla/<int:pk>/nouvelle-convention/", dla.convention_add, name="convention_add"),
    path("dla/<int:pk>/objectifs/<int:year>/", dla.objectives_edit, name="objectives"),
    path("dla/<int:pk>/nouveau-comite/", dla.comite_add, name="comite_add"),
    path("convention/<int:pk>/", dla.convention_detail, name="convention"),
    path(
        "convention/<int:pk>/document/",
        dla.convention_document_add,
        name="convention_document_add",
    ),
    path("annee/<int:pk>/", dla.year_edit, name="year_edit"),
    path("annee/<int:pk>/contribution/", dla.contribution_add, name="contribution_add"),
    path("comite/<int:pk>/", dla.comite_detail, name="comite"),
    path("comite/<int:pk>/document/", dla.comite_document_add, name="comite_document_add"),
    path("document/<int:pk>/", dla.document_download, name="document"),
    path("ingenierie/<int:pk>/engager/", engagements.engagement_add, name="engagement_add"),
    path(
        "financement/<int:pk>/corriger/", engagements.engagement_correct, name="engagement_correct"
    ),
    path("financement/<int:pk>/annuler/", engagements.engagement_cancel, name="engagement_cancel"),
    path("partages/", partage.partages, name="partages"),
    path("partages/<int:pk>/", partage.partage_detail, name="partage"),
    path(
        "partages/<int:pk>/fichiers/<int:version_pk>/",
        partage.partage_download,
        name="partage_download",
    ),
    path("accompagnement/<int:pk>/partage/", partage.partage_add, name="partage_add"),
    path("partages/<int:pk>/retirer/", partage.partage_withdraw, name="partage_withdraw"),
]
