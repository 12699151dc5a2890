import re
from io import StringIO

from django.core.management import call_command

from accompagnements.models import State

EXPECTED_EDGES = {
    ("accueil", "diagnostic", "start_diagnostic"),
    ("diagnostic", "parcours", "start_parcours"),
    ("parcours", "coordination", "start_coordination"),
    ("parcours", "suivi", "skip_to_suivi"),
    ("coordination", "suivi", "start_suivi"),
    ("suivi", "cloture", "close"),
    ("accueil", "reoriente", "reorient"),
    ("diagnostic", "reoriente", "reorient"),
    *{(state, "abandonne", "abandon") for state in State.OPEN},
    ("cloture", "suivi", "reopen"),
    ("reoriente", "accueil", "reopen"),
    ("reoriente", "diagnostic", "reopen"),
    *{("abandonne", state, "reopen") for state in State.OPEN},
}


def test_graph_transitions_shows_exactly_the_parcours_machine():
    out = StringIO()
    call_command("graph_transitions", "accompagnements.Accompagnement", stdout=out)
    edges = set(
        re.findall(
            r'"accompagnements\.accompagnement\.state\.(\w+)" -> '
            r'"accompagnements\.accompagnement\.state\.(\w+)" \[label=(\w+)\]',
            out.getvalue(),
        )
    )
    assert edges == EXPECTED_EDGES
