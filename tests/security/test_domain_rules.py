"""The querysets' access agrees with the rules written by hand from DOMAIN.md."""

import pytest

from tests.security.domain_rules import CASE_OPENING, PERSONAS, RULES, expected, expected_opening
from tests.security.world import build_world


def _actual(user, obj) -> str:
    objects = type(obj)._default_manager
    if objects.editable_by(user).filter(pk=obj.pk).exists():
        return "W"
    return "R" if objects.visible_to(user).filter(pk=obj.pk).exists() else "-"


def test_every_persona_has_a_column():
    for kind, rows in RULES.items():
        for territory, row in rows.items():
            assert len(row.split()) == len(PERSONAS), (kind, territory)


@pytest.mark.parametrize("kind", sorted(RULES))
def test_visible_to_and_editable_by_follow_the_domain_rules(kind, personas):
    world = build_world(personas)
    users = personas.all_users()
    mismatches = []
    for territory in RULES[kind]:
        obj = world.get(kind, territory)
        assert obj is not None, f"the world has no {kind} in {territory}"
        for persona in PERSONAS:
            got, want = _actual(users[persona], obj), expected(persona, kind, territory)
            if got != want:
                mismatches.append(f"{persona} on {kind} {territory}: {got}, rules say {want}")
    assert mismatches == []


def test_who_opens_a_case_follows_the_domain_rules(personas):
    from territoires import policy
    from tests.structures.factories import StructureFactory

    structures = {
        "a": StructureFactory(),
        "reseau_a": StructureFactory(is_network=True),
        "o": StructureFactory(in_loire_atlantique=True),
    }
    users = personas.all_users()
    mismatches = []
    for territory, structure in structures.items():
        for persona in PERSONAS:
            user = users[persona]
            got = "-"
            if policy.may_open_case(user, structure):
                got = "M" if policy.case_opening_needs_reason(user, structure) else "Y"
            want = expected_opening(persona, territory)
            if got != want:
                mismatches.append(f"{persona} opening on {territory}: {got}, rules say {want}")
    assert set(CASE_OPENING) == set(structures)
    assert mismatches == []
