from django.urls import path

from .views import officer, public, register

app_name = "espace"

urlpatterns = [
    # Public pages reached through a personal link (docs/links.md); names = link purposes.
    path("espace/<int:link_pk>/diagnostic/", public.diagnostic, name="diagnostic"),
    path("espace/<int:link_pk>/parcours/", public.parcours, name="parcours"),
    path("espace/<int:link_pk>/satisfaction/", public.satisfaction, name="satisfaction"),
    path("espace/<int:link_pk>/suivi/", public.suivi, name="suivi"),
    path("espace/<int:link_pk>/consultation/", public.consultation, name="consultation_answer"),
    path("espace/<int:link_pk>/notation/", public.evaluation, name="evaluation"),
    path(
        "espace/<int:link_pk>/notation/proposition/<int:invitation_pk>/",
        public.proposal_file,
        name="proposal_file",
    ),
    path("espace/<int:link_pk>/orientation/", public.orientation, name="orientation"),
    # The officer's side.
    path("accompagnements/<int:pk>/liens/<slug:purpose>/", officer.send, name="send"),
    path("accompagnements/<int:pk>/passation/", officer.handover, name="handover"),
    path("liens/<int:pk>/desactiver/", officer.revoke, name="revoke"),
    path("ingenieries/<int:pk>/consultation/", officer.consultation, name="consultation"),
    path("ingenieries/<int:pk>/consultation/notation/", officer.send_scoring, name="send_scoring"),
    path("ingenieries/<int:pk>/consultation/selection/", officer.select, name="select"),
    path("ingenieries/<int:pk>/consultation/pv/", officer.selection_report, name="pv"),
    # The consultant register as a referencing tool.
    path("prestataires/registre/", register.register, name="register"),
    path("prestataires/<int:pk>/fiche/", register.prestataire, name="prestataire"),
    path("prestataires/<int:pk>/fusion/", register.merge, name="merge"),
]
