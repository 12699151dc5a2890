import logging

from celery import shared_task
from django.conf import settings

from .retention import apply_retention

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def apply_retention_task():
    # Idempotent: contacts already anonymised are skipped, so a retry does nothing twice.
    report = apply_retention(years=settings.RGPD_RETENTION_YEARS)
    logger.info(
        "RGPD retention: %s contacts and %s personal links anonymised in %s structures (cutoff %s)",
        report.contacts,
        report.links,
        len(report.structures),
        report.cutoff,
    )
