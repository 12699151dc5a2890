from django.urls import path

from .views import cases, echanges, phases, registers

app_name = "accompagnements"

urlpatterns = [
    path("", cases.case_list, name="list"),
    path("tableau-de-suivi/", cases.workboard, name="workboard"),
    path("<int:pk>/", cases.case_detail, name="detail"),
    path("<int:pk>/demande/", cases.case_edit, name="edit"),
    path("<int:pk>/transition/<slug:name>/", cases.case_transition, name="transition"),
    path("ouvrir/<int:structure_pk>/", cases.case_create, name="create"),
    path("structure/<int:structure_pk>/", cases.structure_cases, name="structure_cases"),
    path("<int:pk>/diagnostic/", phases.diagnostic_edit, name="diagnostic"),
    path("<int:pk>/parcours/", phases.parcours_edit, name="parcours"),
    path("<int:pk>/parcours/actions/ajouter/", phases.action_edit, name="action_add"),
    path("<int:pk>/parcours/actions/<int:action_pk>/", phases.action_edit, name="action_edit"),
    path(
        "<int:pk>/parcours/actions/<int:action_pk>/retirer/",
        phases.action_delete,
        name="action_delete",
    ),
    path("<int:pk>/ingenieries/ajouter/", phases.ingenierie_create, name="ingenierie_add"),
    path("<int:pk>/suivi/ajouter/", phases.followup_add, name="followup_add"),
    path("<int:pk>/echanges/ajouter/", echanges.echange_edit, name="echange_add"),
    path("<int:pk>/echanges/<int:echange_pk>/", echanges.echange_edit, name="echange_edit"),
    path("<int:pk>/taches/ajouter/", echanges.tache_edit, name="tache_add"),
    path("<int:pk>/taches/<int:tache_pk>/", echanges.tache_edit, name="tache_edit"),
    path("<int:pk>/taches/<int:tache_pk>/fait/", echanges.tache_done, name="tache_done"),
    path("taches/", echanges.task_list, name="taches"),
    path("ingenieries/<int:pk>/", phases.ingenierie_detail, name="ingenierie"),
    path("ingenieries/<int:pk>/modifier/", phases.ingenierie_edit, name="ingenierie_edit"),
    path("ingenieries/<int:pk>/propositions/", phases.proposal_add, name="proposal_add"),
    path(
        "ingenieries/<int:pk>/propositions/<int:proposal_pk>/informe/",
        phases.proposal_informed,
        name="proposal_informed",
    ),
    path("prestataires/", registers.prestataire_list, name="prestataires"),
    path("prestataires/ajouter/", registers.prestataire_edit, name="prestataire_add"),
    path("prestataires/<int:pk>/", registers.prestataire_edit, name="prestataire_edit"),
    path("acteurs/", registers.acteur_list, name="acteurs"),
    path("acteurs/ajouter/", registers.acteur_edit, name="acteur_add"),
    path("acteurs/<int:pk>/", registers.acteur_edit, name="acteur_edit"),
    path("comites/", registers.comite_list, name="comites"),
    path("comites/ajouter/", registers.comite_create, name="comite_add"),
    path("comites/<int:pk>/", registers.comite_detail, name="comite"),
    path("rappels/", registers.notification_list, name="notifications"),
    path("rappels/lus/", registers.notifications_read, name="notifications_read"),
    path("rappels/recapitulatif/", registers.digest_toggle, name="digest_toggle"),
]
