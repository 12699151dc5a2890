"""The roles a person holds. Defined at the ground floor so the access policy can use them.

Only ``territoires.policy`` (and ``accounts``, which stores them) compares roles;
everything else asks the policy a named question.
"""

from django.db import models


class Role(models.TextChoices):
    OFFICER = "officer", "chargé·e d'accompagnement"
    COORDINATOR = "coordinator", "coordinateur·rice régional·e"
    # Labels name the person (inclusive form), not the organisation they work for.
    NATIONAL = "national", "chargé·e de mission de l'opérateur national"
    ADMIN = "admin", "administrateur·rice"
    # Read-only partners (issue 16): a funder reads aggregates of its territory, a
    # resource centre the diagnostics and documents shared with it.
    FINANCEUR = "financeur", "représentant·e d'un financeur ou pilote"
    CRDLA = "crdla", "expert·e d'un centre de ressources (CRDLA)"
