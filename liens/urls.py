from django.urls import path

from . import views

app_name = "liens"

urlpatterns = [
    path("<str:token>/", views.open_link, name="open"),
]
