"""Who changed what and when, for the records a case is made of."""

from accompagnements.models import Accompagnement, Channel
from tests.accompagnements.factories import AccompagnementFactory, FollowUpFactory


def test_editing_a_case_records_who_changed_what(personas, client_for):
    case = AccompagnementFactory(officer=personas.officer_a)
    response = client_for(personas.officer_a).post(
        f"/accompagnements/{case.pk}/demande/",
        {
            "officer": personas.officer_a.pk,
            "channel": Channel.choices[0][0],
            "request": "Nouvelle demande précisée",
            "opened_on": case.opened_on.isoformat(),
        },
    )
    assert response.status_code == 302
    latest = Accompagnement.history.filter(id=case.pk).latest("history_date")
    assert latest.history_user == personas.officer_a
    assert latest.history_type == "~"
    changes = latest.diff_against(latest.prev_record).changed_fields
    assert "request" in changes


def test_follow_ups_keep_their_history(personas):
    followup = FollowUpFactory(accompagnement=AccompagnementFactory(officer=personas.officer_a))
    followup.headcount = 9
    followup.save()
    assert list(followup.history.order_by("history_date").values_list("headcount", flat=True)) == [
        6,
        9,
    ]
