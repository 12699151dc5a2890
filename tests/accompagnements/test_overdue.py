"""One rule for "overdue" and one for "follow-up due": every page, filter and task agree.

The accueil phase allows 30 days (DEFAULT_PHASE_DELAYS); the follow-up checkpoint
is due 180 days after entering suivi (DEFAULT_FOLLOWUP_DELAY).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompagnements.models import Accompagnement, State
from tests.accompagnements.factories import AccompagnementFactory, FollowUpFactory

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
BADGE = '<span class="badge badge--overdue">en retard</span>'


def case_in_accueil_for(personas, age):
    return AccompagnementFactory(officer=personas.officer_a, state_entered_at=timezone.now() - age)


def listed_as_overdue(case) -> bool:
    return Accompagnement.objects.overdue().filter(pk=case.pk).exists()


@pytest.mark.parametrize(
    ("age", "overdue"),
    [
        (29 * DAY + 23 * HOUR, False),
        # Within the 31st day: the queryset always said overdue, the badge said not yet.
        (30 * DAY + HOUR, True),
        (30 * DAY + 23 * HOUR, True),
        (31 * DAY + HOUR, True),
    ],
)
def test_queryset_and_instance_agree_around_the_phase_delay(personas, age, overdue):
    case = case_in_accueil_for(personas, age)
    assert listed_as_overdue(case) is overdue
    assert case.is_overdue is overdue


def test_exact_cutoff_is_the_same_instant_for_both(personas):
    now = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
    on_time = AccompagnementFactory(officer=personas.officer_a, state_entered_at=now - 30 * DAY)
    late = AccompagnementFactory(
        officer=personas.officer_a,
        state_entered_at=now - 30 * DAY - datetime.timedelta(microseconds=1),
    )
    assert list(Accompagnement.objects.overdue(now).order_by("pk")) == [late]
    assert not on_time.overdue_at(now)
    assert late.overdue_at(now)


def test_terminal_case_is_never_overdue(personas):
    case = AccompagnementFactory(
        officer=personas.officer_a,
        state=State.CLOTURE,
        state_entered_at=timezone.now() - 400 * DAY,
    )
    assert not listed_as_overdue(case)
    assert not case.is_overdue


def test_case_on_its_31st_day_has_its_badge_where_the_list_filter_counts_it(client_for, personas):
    case = case_in_accueil_for(personas, 30 * DAY + 2 * HOUR)
    client = client_for(personas.officer_a)
    listed = client.get(reverse("accompagnements:list"), {"overdue": "true"})
    assert case.structure.name in listed.text
    assert BADGE in listed.text
    page = client.get(case.get_absolute_url())
    assert BADGE in page.text
    board = client.get(reverse("accompagnements:workboard"))
    assert "phase en retard" in board.text


def test_workboard_flags_follow_ups_due_exactly_as_the_reminder_task_finds_them(
    client_for, personas
):
    def in_suivi(name, age, checkpoint=False):
        case = AccompagnementFactory(
            officer=personas.officer_a,
            state=State.SUIVI,
            state_entered_at=timezone.now() - age,
            structure__name=name,
        )
        if checkpoint:
            FollowUpFactory(accompagnement=case)
        return case

    due = in_suivi("Due", 180 * DAY + HOUR)
    in_suivi("Recente", 179 * DAY)
    in_suivi("Deja suivie", 200 * DAY, checkpoint=True)
    assert list(Accompagnement.objects.followup_due()) == [due]
    board = client_for(personas.officer_a).get(reverse("accompagnements:workboard"))
    flagged = [
        case.structure_name
        for phase in board.context["phases"]
        for case in phase["cases"]
        if case.followup_due
    ]
    assert flagged == ["Due"]
    assert board.text.count("point de suivi à faire") == 1


def test_home_counts_and_list_filter_count_the_same_overdue_cases(client_for, personas):
    """The officer's home, the region's overview and the list's filter read the rule on
    the counted rows (``overdue_q``), worked out here by hand."""
    mine = case_in_accueil_for(personas, 31 * DAY)  # accueil allows 30 days: late
    AccompagnementFactory(  # diagnostic allows 90: on time
        officer=personas.officer_a,
        state=State.DIAGNOSTIC,
        state_entered_at=timezone.now() - 89 * DAY,
    )
    AccompagnementFactory(  # closed: never late, and not open
        officer=personas.officer_a,
        state=State.CLOTURE,
        state_entered_at=timezone.now() - 400 * DAY,
    )
    AccompagnementFactory(  # Finistère's, late: the region's, not Alice's
        officer=personas.officer_b,
        structure__departement=personas.departement_b,
        state_entered_at=timezone.now() - 40 * DAY,
    )
    cases = reverse("accompagnements:list")
    me = personas.officer_a.pk

    home = client_for(personas.officer_a).get(reverse("home")).text
    assert f'<a href="{cases}?overdue=true&amp;officer={me}">1 accompagnement en retard</a>' in home
    late = client_for(personas.officer_a).get(cases, {"overdue": "true", "officer": me})
    assert [row.record for row in late.context["table"].rows] == [mine]
    on_time = client_for(personas.officer_a).get(cases, {"overdue": "false", "officer": me})
    assert [row.record.state for row in on_time.context["table"].rows] == [State.DIAGNOSTIC]

    overview = client_for(personas.coordinator).get(reverse("home")).text
    for departement in (personas.departement_a, personas.departement_b):
        link = f"{cases}?overdue=true&amp;statut=ouverts&amp;departement={departement.pk}"
        assert f'<a href="{link}">1</a>' in overview
