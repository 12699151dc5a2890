"""Freezing a year: an immutable, checksummed snapshot that every output reads afterwards.

Expected figures come from the known-answer data set (known_answers.py), worked out by
hand there and in test_known_answers.py.
"""

import datetime
import hashlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from accompagnements.models import Diagnostic, Ingenierie
from accompagnements.services import advance
from reporting import campaigns, exports, figures, snapshots
from reporting.indicators import Query, Scope, compute
from reporting.models import Snapshot
from reporting.report import render_html, report_filename
from reporting.tasks import freeze_due_years
from structures.models import Structure
from territoires.actors import SYSTEM
from territoires.models import Departement, Region
from tests.accounts.factories import departmental_dla

from .known_answers import build_known_answers
from .test_exports import parse_csv


@pytest.fixture
def known(personas):
    return build_known_answers(personas)


def live(year=2025, scope=None):
    return compute(Query(year, scope or Scope.national(), SYSTEM))


def freeze(year=2025, reason="", by=SYSTEM):
    return campaigns.freeze_year(year, by=by, reason=reason).snapshot


def correct_after_the_year(known, personas):
    """Ordinary work after the freeze: a reopening, a structure edited, fields corrected."""
    advance(known.cases["k3"], "reopen", by=personas.officer_a, comment="Nouvelle demande.")
    k12 = Structure.objects.get(pk=known.structures["k12"].pk)
    k12.headcount = 5
    k12.cdi_count, k12.cdd_count = 4, 1
    k12.save()
    # The corrected record is made the one of 31 December 2025 (the campaign's remedy).
    campaigns.apply_record_to_year_end(k12, 2025, by=personas.officer_a)
    Diagnostic.objects.filter(accompagnement=known.cases["k10"]).update(
        validated_by_name="Mme Le Bihan"
    )
    Ingenierie.objects.filter(dla=departmental_dla("35")).update(days=8)


def test_the_snapshot_holds_every_level_as_computed_live(known):
    snapshot = freeze()
    assert snapshot.version == 1
    assert snapshot.author == "système"
    for scope in [
        Scope.national(),
        Scope.for_region(Region.objects.get(code="53")),
        Scope.for_region(Region.objects.get(code="52")),
        *(Scope.for_departement(Departement.objects.get(code=c)) for c in ("35", "29", "44", "22")),
        Scope.for_dla(departmental_dla("35")),
        Scope.for_dla(departmental_dla("56")),
    ]:
        assert snapshots.scope_totals(snapshot, scope) == live(scope=scope), scope
    dla_35 = snapshots.scope_totals(snapshot, Scope.for_dla(departmental_dla("35")))
    # DLA 35 owns K1, K2, K3, K6, K10, K11, K12: accompanied in 2025 K2, K3, K6, K10, K11, K12.
    assert dla_35["ACT_STRUCTURES"] == 6
    # It commissions the collective ingénierie of K6 and K7.
    assert dla_35["ING_COLLECTIVE"] == 1
    dla_29 = snapshots.scope_totals(snapshot, Scope.for_dla(departmental_dla("29")))
    # K5 (abandoned on 1 January 2025 in Paris) and K7; K7 took part in the ingénierie.
    assert dla_29["ACT_STRUCTURES"] == 2
    assert dla_29["ING_COLLECTIVE"] == 0
    assert dla_29["ACT_STRUCTURES_INGENIERIE"] == 1
    # The case-level dataset: the 9 cases accompanied in 2025 but K6, K7 and K9, whose
    # structures the k-anonymity leaves out (test_anonymity.py).
    assert len(snapshots.dataset_of(snapshot)["rows"]) == 6


def test_the_checksum_is_the_sha256_of_the_canonical_document(known):
    snapshot = freeze()
    stored = Snapshot.objects.get(pk=snapshot.pk)
    document = {
        "format": 1,
        "year": 2025,
        "version": 1,
        "created_at": stored.created_at.astimezone(datetime.UTC).isoformat(),
        "author": "système",
        "reason": "",
        "figures": json.loads(stored.figures),
        "dataset": json.loads(stored.dataset),
        "changes": [],
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert stored.checksum == hashlib.sha256(text.encode()).hexdigest()
    # Stored canonically: no whitespace, keys sorted.
    assert stored.figures == json.dumps(
        json.loads(stored.figures), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def test_reopening_editing_and_correcting_after_the_freeze_never_move_the_frozen_figures(
    known, personas, client_for
):
    freeze()
    correct_after_the_year(known, personas)
    now = live()
    # The corrections do move the live figures: 110 - 60 + 5 jobs, K10 validated, 8 days.
    assert (now["STR_JOBS"], now["ACT_DIAGNOSTICS"], now["ING_DAYS"]) == (55, 4, 8.0)
    # Dashboard, export, PDF: the frozen figures (test_known_answers.py).
    client = client_for(personas.national)
    response = client.get(reverse("reporting:dashboard"), {"annee": 2025})
    data = response.context["data"]
    assert data["snapshot"]["version"] == 1
    assert (data["totals"]["STR_JOBS"], data["totals"]["ACT_DIAGNOSTICS"]) == (110, 3)
    assert data["totals"]["ING_DAYS"] == 6.0
    assert data["by_territory"]["ACT_STRUCTURES"]["53"] == 8
    assert "Chiffres 2025 figés" in response.content.decode()
    content = exports.export_file(Query(2025, Scope.national(), SYSTEM), "indicateurs", "csv")
    rows = {r[1]: r[10] for r in parse_csv(content)[1:] if r[4] == "national" and not r[7]}
    assert (rows["STR_JOBS"], rows["ACT_DIAGNOSTICS"]) == ("110", "3")
    cases = parse_csv(
        exports.export_file(Query(2025, Scope.national(), SYSTEM), "accompagnements", "csv")
    )
    assert len(cases) == 1 + 6
    # Validated by the end of 2025 among K2, K3, K5, K10, K11, K12: K3 (in 2024) — not K10,
    # corrected later.
    assert sum(1 for row in cases[1:] if row[17] == "oui") == 1
    html = render_html(figures.build(Query(2025, Scope.national(), SYSTEM), public=True))
    assert "Chiffres figés, version 1" in html
    assert "110" in html


def test_national_operators_may_recompute_a_frozen_year_as_provisional(known, personas, client_for):
    freeze()
    correct_after_the_year(known, personas)
    client = client_for(personas.national)
    response = client.get(reverse("reporting:dashboard"), {"annee": 2025, "calcul": "provisoire"})
    assert response.context["data"]["snapshot"] is None
    assert response.context["data"]["totals"]["STR_JOBS"] == 55
    assert "Chiffres provisoires" in response.content.decode()
    # A coordinator asking the same reads the frozen figures.
    client = client_for(personas.coordinator)
    response = client.get(reverse("reporting:dashboard"), {"annee": 2025, "calcul": "provisoire"})
    assert response.context["data"]["snapshot"]["version"] == 1
    assert "Recalculer en direct" not in response.content.decode()


def test_a_correction_is_a_new_version_carrying_its_diff(known, personas):
    freeze()
    correct_after_the_year(known, personas)
    with pytest.raises(campaigns.CampaignError, match="motif"):
        freeze()
    second = freeze(reason="Validation du diagnostic K10 retrouvée.", by=personas.national)
    assert (second.version, second.author) == (2, personas.national.username)
    assert second.created_by == personas.national
    changes = {c["figure"]: (c["old"], c["new"]) for c in json.loads(second.changes)}
    assert changes["national//STR_JOBS"] == (110, 55)
    assert changes["national//ACT_DIAGNOSTICS"] == (3, 4)
    assert changes["national//ING_DAYS"] == (6.0, 8.0)
    assert changes["departement/35/ACT_DIAGNOSTICS"] == (1, 2)
    # DLA 35's structures: K2 3, K3 12, K6 20, K10 0, K11 2, K12 60 (then 5).
    assert changes[f"dla/{departmental_dla('35').pk}/STR_JOBS"] == (97, 42)
    # Untouched figures are not listed.
    assert "national//ACT_STRUCTURES" not in changes
    assert snapshots.verify(second)
    # Outputs now read version 2.
    assert figures.build(Query(2025, Scope.national(), SYSTEM))["totals"]["STR_JOBS"] == 55
    with pytest.raises(campaigns.CampaignError, match="Aucun chiffre n'a changé"):
        freeze(reason="Pour voir.")
    assert Snapshot.objects.filter(year=2025).count() == 2


def test_a_snapshot_cannot_be_changed_or_deleted_through_the_orm(known):
    snapshot = freeze()
    snapshot.reason = "Autre chose"
    with pytest.raises(TypeError):
        snapshot.save()
    with pytest.raises(TypeError):
        snapshot.delete()
    with pytest.raises(TypeError):
        Snapshot.objects.filter(pk=snapshot.pk).update(reason="x")
    with pytest.raises(TypeError):
        Snapshot.objects.filter(pk=snapshot.pk).delete()
    assert Snapshot.objects.get(pk=snapshot.pk).reason == ""


def test_verify_snapshot_detects_a_raw_update(known):
    snapshot = freeze()
    call_command("verify_snapshot", "--year", "2025")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reporting_snapshot SET figures = REPLACE(figures, '\"STR_JOBS\":110', "
            "'\"STR_JOBS\":111') WHERE id = %s",
            [snapshot.pk],
        )
    assert '"STR_JOBS":111' in Snapshot.objects.get(pk=snapshot.pk).figures
    with pytest.raises(CommandError) as error:
        call_command("verify_snapshot", "--year", "2025")
    assert error.value.returncode == 1


def test_freeze_year_command_dry_run_writes_nothing(known, capsys):
    call_command("freeze_year", "--year", "2025", "--dry-run")
    assert not Snapshot.objects.exists()
    assert "version 1" in capsys.readouterr().out
    call_command("freeze_year", "--year", "2025")
    assert Snapshot.objects.get().version == 1
    with pytest.raises(CommandError, match="motif"):
        call_command("freeze_year", "--year", "2025")


def test_the_beat_task_freezes_after_the_cut_off_day_once(known, personas, settings):
    assert campaigns.freeze_due(datetime.date(2026, 1, 31), by=SYSTEM) == []
    assert campaigns.freeze_due(datetime.date(2026, 2, 1), by=SYSTEM) == [2025]
    assert campaigns.freeze_due(datetime.date(2026, 2, 2), by=SYSTEM) == []
    assert Snapshot.objects.get().reason == "Gel à la date limite de la campagne (31/01/2026)."
    # A campaign's own cut-off, and the setting, move the day.
    settings.STATISTICS_CUTOFF = "03-15"
    campaigns.open_campaign(2024, by=personas.national, cutoff_on=datetime.date(2025, 2, 28))
    assert campaigns.freeze_due(datetime.date(2025, 3, 1), by=SYSTEM) == [2024]
    assert campaigns.cutoff_for(2026) == datetime.date(2027, 3, 15)
    assert freeze_due_years.delay().get() == []


def test_published_files_name_territory_year_and_version(known):
    national = figures.build(Query(2025, Scope.national(), SYSTEM), public=True)
    assert report_filename(national) == "rapport-national-2025-provisoire.pdf"
    freeze()
    bretagne = Scope.for_region(Region.objects.get(code="53"))
    assert (
        report_filename(figures.build(Query(2025, Scope.national(), SYSTEM), public=True))
        == "rapport-national-2025-v1.pdf"
    )
    assert (
        report_filename(figures.build(Query(2025, bretagne, SYSTEM), public=True), accessible=True)
        == "rapport-bretagne-2025-v1-accessible.pdf"
    )
    export = exports.prepare(Query(2025, Scope.national(), SYSTEM), "accompagnements")
    assert export.filename == f"dla-accompagnements-national-2025-v1-schema-v{export.schema}"


def test_the_frozen_publication_hides_the_same_cells(known):
    from reporting import publication

    live_publication = publication.build(2025)
    snapshot = freeze()
    frozen_publication = snapshots.publication_of(snapshot)
    assert frozen_publication.plan.hidden == live_publication.plan.hidden
    assert frozen_publication.public("ACT_STRUCTURES", "departement", "29") == "s"
    assert frozen_publication.public("ACT_STRUCTURES", "national") == 9
