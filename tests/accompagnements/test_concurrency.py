"""Two people advancing the same case at once, with two real PostgreSQL transactions."""

import threading

import pytest
from django.db import connection, connections

from accompagnements.models import Accompagnement, State, TransitionLog
from accompagnements.services import Conflict, advance
from tests.accompagnements.factories import AccompagnementFactory
from tests.accounts.factories import UserFactory


def _on_postgres():
    return connection.vendor == "postgresql"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif("not _on_postgres()", reason="needs row locks of a real PostgreSQL")
def test_concurrent_advances_exactly_one_wins_and_the_other_gets_a_conflict(django_db_setup):
    alice = UserFactory(username="alice")
    colleague = UserFactory(username="alice2", dla=alice.dla)
    case_id = AccompagnementFactory(officer=alice).pk
    # Both load the page before either submits.
    loaded = [Accompagnement.objects.get(pk=case_id) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = {}

    def submit(index, user, transition, params):
        try:
            barrier.wait(timeout=10)
            advance(loaded[index], transition, by=user, **params)
            outcomes[index] = "ok"
        except Conflict as exc:
            outcomes[index] = str(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=submit, args=(0, alice, "start_diagnostic", {})),
        threading.Thread(target=submit, args=(1, colleague, "abandon", {"reason": "no_answer"})),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == [0, 1]
    winners = [i for i, outcome in outcomes.items() if outcome == "ok"]
    assert len(winners) == 1
    loser = 1 - winners[0]
    assert "en même temps que vous" in outcomes[loser]
    case = Accompagnement.objects.get(pk=case_id)
    expected = State.DIAGNOSTIC if winners[0] == 0 else State.ABANDONNE
    assert case.state == expected
    journal = list(TransitionLog.objects.filter(accompagnement_id=case_id))
    assert [(log.from_state, log.to_state) for log in journal] == [("accueil", expected)]
