import datetime
import os

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from structures.tasks import purge_stale_imports


def test_abandoned_import_files_are_purged_after_a_day_and_recent_ones_kept(settings):
    old = default_storage.save("structure-imports/1-old.csv", ContentFile(b"nom;siret"))
    recent = default_storage.save("structure-imports/1-recent.csv", ContentFile(b"nom;siret"))
    two_days_ago = (datetime.datetime.now() - datetime.timedelta(days=2)).timestamp()
    os.utime(default_storage.path(old), (two_days_ago, two_days_ago))
    assert purge_stale_imports() == 1
    assert not default_storage.exists(old)
    assert default_storage.exists(recent)


def test_purge_without_any_upload_does_nothing():
    assert purge_stale_imports() == 0
