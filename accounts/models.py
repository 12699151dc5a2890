from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models


class Role(models.TextChoices):
    OFFICER = "officer", "chargé·e d'accompagnement"
    COORDINATOR = "coordinator", "coordinateur·rice régional·e"
    NATIONAL = "national", "opérateur national"
    ADMIN = "admin", "administrateur·rice"


class User(AbstractUser):
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.OFFICER)
    dla = models.ForeignKey(
        "territoires.Dla",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name="DLA",
        help_text="Le DLA pour lequel la personne travaille (chargé·es et coordinateur·rices).",
    )

    objects = UserManager()

    class Meta:
        verbose_name = "utilisateur·rice"
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    def clean(self):
        super().clean()
        if self.role == Role.OFFICER and (self.dla is None or self.dla.is_regional):
            raise ValidationError({"dla": "Un·e chargé·e d'accompagnement travaille pour un DLA."})
        if self.role == Role.COORDINATOR and (self.dla is None or not self.dla.is_regional):
            raise ValidationError({"dla": "Un·e coordinateur·rice travaille pour un DLA régional."})

    @property
    def is_officer(self) -> bool:
        return self.role == Role.OFFICER

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def is_national(self) -> bool:
        return self.role == Role.NATIONAL

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN
