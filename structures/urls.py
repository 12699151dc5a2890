from django.urls import path

from .views import imports, register, registre

app_name = "structures"

urlpatterns = [
    path("", register.structure_list, name="list"),
    path("export/", register.structure_export, name="export"),
    path("nouvelle/", register.structure_create, name="create"),
    path("importer/", imports.import_upload, name="import"),
    path("importer/confirmer/", imports.import_confirm, name="import_confirm"),
    path("importer/modele.<str:fmt>", register.import_template, name="import_template"),
    path("doublons/", register.duplicate_list, name="duplicates"),
    path("repertoire/", registre.register_lookup, name="register_lookup"),
    path("repertoire/verifier/", registre.register_check, name="register_check"),
    path("<int:pk>/", register.structure_detail, name="detail"),
    path("<int:pk>/modifier/", register.structure_update, name="update"),
    path("<int:pk>/contacts/", register.structure_contacts, name="contacts"),
    path("<int:pk>/fusionner/", register.structure_merge, name="merge"),
]
