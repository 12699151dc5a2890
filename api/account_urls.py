from django.urls import path

from .views import tokens

app_name = "jetons"

urlpatterns = [
    path("", tokens.token_list, name="list"),
    path("revoquer/", tokens.token_revoke, name="revoke"),
]
