"""Documents follow their structure's RGPD retention: files erased, journal kept."""

import datetime
from pathlib import Path

from accompagnements.models import State
from audit.models import ErasureLog
from audit.retention import apply_retention
from dossiers.models import DocumentVersion
from tests.accompagnements.factories import AccompagnementFactory
from tests.structures.factories import StructureFactory

from .factories import case_document, upload

TODAY = datetime.date(2026, 11, 26)


def test_files_of_expired_structures_are_erased_and_logged(
    personas, settings, django_capture_on_commit_callbacks
):
    old_case = AccompagnementFactory(
        structure=StructureFactory(name="Ancienne"),
        officer=personas.officer_a,
        state=State.CLOTURE,
        opened_on=datetime.date(2021, 9, 1),
        closed_on=datetime.date(2022, 6, 30),
    )
    recent_case = AccompagnementFactory(officer=personas.officer_a)
    old = case_document(old_case, upload=upload("CV Jeanne Martin.pdf"))
    kept = case_document(recent_case)
    old_version, kept_version = old.versions.get(), kept.versions.get()
    root = Path(settings.MEDIA_ROOT)
    assert (root / old_version.storage_name).exists()

    dry = apply_retention(years=3, today=TODAY, dry_run=True)
    assert dry.document_files == 1
    assert (root / old_version.storage_name).exists()

    with django_capture_on_commit_callbacks(execute=True):
        report = apply_retention(years=3, today=TODAY)
    assert report.document_files == 1
    old_version = DocumentVersion.objects.get(pk=old_version.pk)
    assert old_version.purged_at is not None
    assert old_version.original_name == ""
    assert not (root / old_version.storage_name).exists()
    assert (root / kept_version.storage_name).exists()
    log = ErasureLog.objects.get(model="dossiers.DocumentVersion")
    assert (log.object_id, log.structure_id) == (old_version.pk, old_case.structure_id)
    # Twice: nothing more to erase.
    assert apply_retention(years=3, today=TODAY).document_files == 0
