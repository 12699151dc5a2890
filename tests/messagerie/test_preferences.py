import pytest

from messagerie.models import Preference, ReminderFrequency
from messagerie.services import reminder_frequency

pytestmark = pytest.mark.django_db


def test_without_a_choice_reminders_stay_in_the_application(personas):
    assert reminder_frequency(personas.officer_a) == ReminderFrequency.NONE


def test_a_person_chooses_a_daily_digest(personas, client_for):
    client = client_for(personas.officer_a)
    page = client.get("/messagerie/preferences/")
    assert "un récapitulatif chaque matin" in page.text
    response = client.post("/messagerie/preferences/", {"reminders": "quotidien"})
    assert response.status_code == 302
    assert Preference.objects.get(user=personas.officer_a).reminders == "quotidien"
    assert not Preference.objects.filter(user=personas.officer_b).exists()


def test_an_unknown_choice_is_refused_and_names_the_field(personas, client_for):
    response = client_for(personas.officer_a).post(
        "/messagerie/preferences/", {"reminders": "hebdo"}
    )
    assert response.status_code == 200
    assert "Rappels par courriel" in response.text or "rappels par courriel" in response.text
    assert "Sélectionnez un choix valide" in response.text
    assert not Preference.objects.exists()
