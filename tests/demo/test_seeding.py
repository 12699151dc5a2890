import dataclasses
import statistics
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from stdnum.fr import siret

from accompagnements.models import (
    Accompagnement,
    ComiteReview,
    FollowUp,
    Ingenierie,
    Notification,
    State,
    TransitionLog,
)
from accompagnements.models import case as guards
from accounts.models import User
from demo.config import SeedConfig
from demo.personas import PERSONAS
from demo.runner import AlreadySeeded, seed
from structures.models import Structure
from territoires.postal import departement_code_from_postal_code

SMALL = SeedConfig(scale="demo", years=2, seed=7, cases_per_year=60)


def snapshot():
    """The seeded content without database ids (sequences differ between runs)."""
    structures = list(
        Structure.objects.order_by("siret", "name", "commune").values_list(
            "name", "siret", "rna", "commune", "postal_code", "headcount", "sector", "created_at"
        )
    )
    cases = list(
        Accompagnement.objects.order_by("opened_on", "structure__name", "state").values_list(
            "structure__name", "officer__username", "state", "opened_on", "closed_on"
        )
    )
    journal = Counter(TransitionLog.objects.values_list("transition", "timestamp"))
    return structures, cases, journal


def seeded_once(config):
    with transaction.atomic():
        seed(config)
        result = snapshot()
        transaction.set_rollback(True)
    return result


@pytest.mark.django_db
def test_same_seed_gives_same_data():
    first = seeded_once(SMALL)
    assert first[1], "the run produced cases"
    assert seeded_once(SMALL) == first
    assert seeded_once(dataclasses.replace(SMALL, seed=8)) != first


@pytest.mark.django_db
def test_rerunning_adds_nothing_and_another_scale_is_refused():
    seed(SMALL)
    counts = Structure.objects.count(), Accompagnement.objects.count()
    assert seed(SMALL)["skipped"]
    # `make demo` keeps whatever demo data the database already has.
    assert seed(dataclasses.replace(SMALL, seed=9))["skipped"]
    assert (Structure.objects.count(), Accompagnement.objects.count()) == counts
    with pytest.raises(AlreadySeeded):
        seed(SeedConfig(scale="national", years=1, seed=9, cases_per_year=10, departements=None))


@pytest.mark.django_db
def test_demo_command_creates_the_personas_and_every_open_phase(capsys):
    call_command("seed_demo", "--scale", "demo", "--years", "1")
    out = capsys.readouterr().out
    for persona in PERSONAS:
        assert User.objects.get(username=persona.username).check_password(persona.password)
        assert persona.password in out
    for username in ("charge35", "charge29", "coord-bretagne", "coord-pdl"):
        states = set(
            Accompagnement.objects.filter(officer__username=username).values_list(
                "state", flat=True
            )
        )
        assert set(State.OPEN) <= states, username
    assert ComiteReview.objects.exists()
    assert Notification.objects.exists()
    # `make demo PORT=8057` sets SITE_URL: the logins point at the port actually served.
    with override_settings(SITE_URL="http://127.0.0.1:8057"):
        call_command("seed_demo", "--scale", "demo", "--years", "1")
    out = capsys.readouterr().out
    assert "déjà chargé" in out
    assert "Identifiants de démonstration (http://127.0.0.1:8057) :" in out
    with pytest.raises(CommandError):
        call_command("seed_demo", "--scale", "national", "--years", "1")


@pytest.fixture(scope="module")
def national_sample(django_db_setup, django_db_blocker):
    """A few thousand cases across France, shared by the proportion tests."""
    config = SeedConfig(scale="national", years=3, seed=11, cases_per_year=1500, departements=None)
    with django_db_blocker.unblock(), transaction.atomic():
        seed(config)
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("national_sample")
def test_structures_follow_the_published_mix():
    structures = Structure.objects.all()
    total = structures.count()
    assert total > 3000

    def share(**lookup):
        return structures.filter(**lookup).count() / total

    assert 0.94 <= share(legal_form="association") <= 0.98
    assert 0.07 <= share(headcount=0) <= 0.13
    assert 0.67 <= share(headcount__lt=10) <= 0.75
    assert 0.05 <= share(headcount__gt=50) <= 0.11
    assert 0.15 <= share(sector="culture") <= 0.21
    assert 0.07 <= share(sector="sport") <= 0.13


@pytest.mark.django_db
@pytest.mark.usefixtures("national_sample")
def test_structures_have_valid_identifiers_and_consistent_postal_codes():
    rows = Structure.objects.values_list(
        "siret", "rna", "legal_form", "postal_code", "departement__code"
    )
    for number, rna, legal_form, postal_code, departement in rows:
        assert not number or siret.is_valid(number)
        assert departement_code_from_postal_code(postal_code) == departement
        if legal_form == "association":
            assert rna.startswith("W")
            assert len(rna) == 10
            assert rna[1:].isdigit()


@pytest.mark.django_db
@pytest.mark.usefixtures("national_sample")
def test_cases_ingenieries_and_returning_structures_are_realistic():
    ingenieries = Ingenierie.objects.exclude(cost=None)
    days = [float(i.days) for i in ingenieries if i.kind == "individuelle"]
    assert min(days) >= 2
    assert max(days) <= 5
    rate = statistics.mean(float(i.daily_rate) for i in ingenieries)
    assert 950 <= rate <= 1100
    kinds = Counter(Ingenierie.objects.values_list("kind", flat=True))
    assert 0.15 <= kinds["collective"] / sum(kinds.values()) <= 0.35

    closed = Accompagnement.objects.filter(state=State.CLOTURE)
    durations = [(c.closed_on - c.opened_on).days for c in closed]
    assert min(durations) >= 60
    assert max(durations) <= 2 * 366
    states = Counter(Accompagnement.objects.values_list("state", flat=True))
    assert states["reoriente"]
    assert states["abandonne"]
    assert set(State.OPEN) <= set(states)
    assert FollowUp.objects.exists()

    per_structure = Counter(Accompagnement.objects.values_list("structure_id", flat=True))
    assert sum(1 for n in per_structure.values() if n > 1) > 50


@pytest.mark.django_db
@pytest.mark.usefixtures("national_sample")
def test_seeded_cases_satisfy_the_workflow_guards():
    beyond_diagnostic = {"parcours", "coordination", "suivi", "cloture"}
    cases = Accompagnement.objects.filter(state__in=[*beyond_diagnostic, "coordination"])[:400]
    for case in cases:
        assert not guards._diagnostic_missing(case), case.pk
        if case.state in {"coordination", "suivi", "cloture"}:
            assert not guards._plan_missing(case), case.pk
        if case.state == "coordination":
            assert not guards._consultants_missing(case), case.pk
        if case.state == "cloture":
            assert not guards._followup_missing(case), case.pk
            assert not guards._ingenieries_unfinished(case), case.pk
    for case in Accompagnement.objects.all()[:400]:
        journal = list(case.journal.order_by("timestamp", "pk"))
        assert journal[0].transition == "open"
        assert journal[-1].to_state == case.state
        assert journal[-1].timestamp == case.state_entered_at
