import datetime
import time

from celery import shared_task
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone

from . import registre
from .registre import RegisterUnavailable
from .registre.services import record_check, structures_to_recheck

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


@shared_task(
    acks_late=True,
    autoretry_for=(RegisterUnavailable,),
    retry_backoff=600,
    retry_backoff_max=6 * 3600,
    max_retries=5,
)
def recheck_register(batch: int = 500) -> int:
    """Re-check active structures at the register; flag establishments closed since.

    Idempotent: a structure checked today is skipped, so a retry resumes where the
    register stopped answering. Returns how many were newly flagged closed.
    """
    today = timezone.localdate()
    pause = settings.ENTREPRISES_API_PAUSE_SECONDS
    flagged = 0
    pending = structures_to_recheck().exclude(register_checked_on=today)
    for pk, siret in pending.values_list("pk", "siret")[:batch]:
        found = registre.find_siret(siret)
        flagged += record_check(pk, found, on=today)
        if pause:
            # The public API allows about 7 calls a second per address.
            time.sleep(pause)
    return flagged
