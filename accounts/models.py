from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models

from territoires.collation import french
from territoires.roles import Role

__all__ = ["Role", "User"]


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
    financeur = models.ForeignKey(
        "territoires.Financeur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name="financeur",
        help_text="L'organisme financeur de la personne (rôle financeur / pilote).",
    )
    centre_ressources = models.ForeignKey(
        "territoires.CentreRessources",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name="centre de ressources",
        help_text="Le CRDLA de la personne (rôle centre de ressources).",
    )

    objects = UserManager()

    class Meta:
        verbose_name = "utilisateur·rice"
        ordering = [french("last_name"), french("first_name"), "username"]

    # What __str__ reads: pages naming many people load these columns alone (the timeline).
    NAME_FIELDS = ("first_name", "last_name", "username")

    def __str__(self):
        return self.get_full_name() or self.username

    def clean(self):
        super().clean()
        if self.role == Role.OFFICER and (self.dla is None or self.dla.is_regional):
            raise ValidationError({"dla": "Un·e chargé·e d'accompagnement travaille pour un DLA."})
        if self.role == Role.COORDINATOR and (self.dla is None or not self.dla.is_regional):
            raise ValidationError({"dla": "Un·e coordinateur·rice travaille pour un DLA régional."})
        if self.role == Role.FINANCEUR and (self.financeur_id is None or self.dla_id):
            raise ValidationError(
                {"financeur": "Un·e financeur·euse représente un organisme financeur, pas un DLA."}
            )
        if self.role == Role.CRDLA and (self.centre_ressources_id is None or self.dla_id):
            raise ValidationError(
                {"centre_ressources": "Un centre de ressources est rattaché à un CRDLA."}
            )
