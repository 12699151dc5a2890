"""The weekly digest is gone: its toggle subscribed people to an email no scheduled task
sent. Reminders are emailed as each person chose on the preferences page (messagerie)."""

import pytest
from django.apps import apps
from django.urls import NoReverseMatch, reverse

from accompagnements import tasks


def test_no_digest_route_model_or_task_is_left():
    with pytest.raises(NoReverseMatch):
        reverse("accompagnements:digest_toggle")
    models = {model.__name__ for model in apps.get_app_config("accompagnements").get_models()}
    assert not {"DigestSubscription", "DigestSent"} & models
    assert not [name for name in vars(tasks) if "digest" in name]


def test_the_reminders_page_offers_the_email_preferences(client_for, personas):
    page = client_for(personas.officer_a).get(reverse("accompagnements:notifications"))
    assert page.status_code == 200
    assert reverse("messagerie:preferences") in page.text
