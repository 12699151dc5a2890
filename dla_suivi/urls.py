from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from accounts import sso
from messagerie import password_reset

from . import admin_login, health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accessibilite/", views.accessibilite, name="accessibilite"),
    path(
        "connexion/",
        login_not_required(sso.LoginView.as_view()),
        name="login",
    ),
    path("deconnexion/", sso.LogoutView.as_view(), name="logout"),
    # Single sign-on (OpenID Connect): public, answers 404 while not configured.
    path("sso/connexion/", login_not_required(sso.SsoLoginView.as_view()), name="sso_login"),
    path("sso/retour/", login_not_required(sso.SsoCallbackView.as_view()), name="sso_callback"),
    path("sso/refus/", login_not_required(sso.sso_refused), name="sso_refused"),
    path(
        "mot-de-passe/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "mot-de-passe/modifie/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Password reset by email (staff accounts); public, throttled, sent through the outbox.
    path(
        "mot-de-passe/oublie/",
        login_not_required(password_reset.PasswordResetView.as_view()),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oublie/envoye/",
        login_not_required(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/reinitialiser/<uidb64>/<token>/",
        login_not_required(password_reset.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/reinitialise/",
        login_not_required(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("messagerie/", include("messagerie.urls")),
    # Personal links (public): opening one grants this browser one purpose on one object.
    path("lien/", include("liens.urls")),
    # The pages those links lead to, and the officer actions that send them.
    path("", include("espace.urls")),
    path("structures/", include("structures.urls")),
    path("accompagnements/", include("accompagnements.urls")),
    path("documents/", include("dossiers.urls")),
    path("pilotage/", include("reporting.urls")),
    # Conventions, ingénierie fund, objectives, comités de pilotage, sharing with a CRDLA.
    path("conventions/", include("pilotage.urls")),
    path("api/v1/", include("api.urls")),
    path("compte/jetons-api/", include("api.account_urls")),
    # One login page for everyone (throttled by django-axes), the admin's included.
    path("admin/login/", admin_login.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
]

handler500 = "dla_suivi.errors.server_error"

# Public views opt out of LoginRequiredMiddleware explicitly.
PUBLIC_URL_NAMES = {
    "login",
    "sso_login",
    "sso_callback",
    "sso_refused",
    "healthz",
    "accessibilite",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    # Personal links and the pages they lead to (tests/security/test_link_matrix.py).
    "liens:open",
    "espace:diagnostic",
    "espace:parcours",
    "espace:satisfaction",
    "espace:suivi",
    "espace:consultation_answer",
    "espace:evaluation",
    "espace:proposal_file",
    "espace:orientation",
}

admin.site.site_header = "DLA Suivi — administration"
admin.site.site_title = "DLA Suivi"
