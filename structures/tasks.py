import datetime

from celery import shared_task
from django.core.files.storage import default_storage
from django.utils import timezone

PENDING_IMPORTS = "structure-imports"


@shared_task(acks_late=True)
def purge_stale_imports(max_age_hours: int = 24) -> int:
    """Delete uploaded import files never confirmed (previews abandoned)."""
    if not default_storage.exists(PENDING_IMPORTS):
        return 0
    limit = timezone.now() - datetime.timedelta(hours=max_age_hours)
    removed = 0
    for name in default_storage.listdir(PENDING_IMPORTS)[1]:
        path = f"{PENDING_IMPORTS}/{name}"
        if default_storage.get_modified_time(path) < limit:
            default_storage.delete(path)
            removed += 1
    return removed
