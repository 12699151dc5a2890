"""In-app reminders (emailed as each person chose: messagerie preferences)."""

from django.conf import settings
from django.db import models


class NotificationKind(models.TextChoices):
    PHASE_OVERDUE = "phase_overdue", "phase dépassée"
    FOLLOWUP_DUE = "followup_due", "point de suivi à faire"
    TRANSITION = "transition", "changement de phase par une autre personne"
    NO_CONTACT = "no_contact", "pas de contact depuis longtemps"
    TASK_OVERDUE = "task_overdue", "tâche en retard"
    OPENED_BY_REGION = "opened_by_region", "accompagnement ouvert par la coordination régionale"


# Reminders whose cause is the case's stay in a phase: gone when the case moves on.
PHASE_BOUND_KINDS = (NotificationKind.PHASE_OVERDUE, NotificationKind.FOLLOWUP_DUE)


class NotificationQuerySet(models.QuerySet):
    def current(self):
        """Reminders whose cause is still there."""
        return self.filter(resolved_at__isnull=True)

    def unread(self):
        return self.current().filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="destinataire",
    )
    accompagnement = models.ForeignKey(
        "accompagnements.Accompagnement",
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="accompagnement",
    )
    kind = models.CharField("type", max_length=20, choices=NotificationKind.choices)
    # What makes a reminder distinct: the phase stint it is about. Re-running the
    # reminder job for the same stint hits the unique constraint, not a duplicate.
    key = models.CharField("clé", max_length=100)
    message = models.CharField("message", max_length=300)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    read_at = models.DateTimeField("lue le", null=True, blank=True)
    # Set by the service that removed the cause (phase left, case closed, task done,
    # contact logged): a resolved reminder is no longer shown nor counted.
    resolved_at = models.DateTimeField("résolue le", null=True, blank=True)
    emailed_at = models.DateTimeField("envoyée par courriel le", null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "notification"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "accompagnement", "kind", "key"],
                name="notification_once_per_stint",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.message
