"""The people: officers of every DLA, regional coordinators, and structures' contacts."""

from accounts.models import Role, User
from structures.models import Contact
from structures.text import normalize

from .config import Rng
from .personas import PERSONAS

CONTACT_ROLES = {
    "Président·e": 40,
    "Directeur·rice": 25,
    "Trésorier·e": 15,
    "Coordinateur·rice": 12,
    "Secrétaire": 8,
}


def create_staff(rng: Rng, fake, dlas) -> dict[int, list[int]]:
    """Officers for each departmental DLA and a coordinator for each regional one.

    Returns the ids of the people who own cases, per DLA id; demo personas of a
    DLA are among them so that their workboards have content.
    """
    persona_ids = dict(
        User.objects.filter(username__in=[p.username for p in PERSONAS]).values_list(
            "username", "dla_id"
        )
    )
    users = []
    for dla in dlas:
        regional = dla.level == "regional"
        count = 1 if regional else rng.choice((1, 1, 2))
        code = dla.region.code if regional else dla.departement.code
        for n in range(1, count + 1):
            first, last = fake.first_name(), fake.last_name()
            prefix = "coord" if regional else "ca"
            username = f"{prefix}-{code.lower()}-{n}"
            users.append(
                User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@dla.example.org",
                    role=Role.COORDINATOR if regional else Role.OFFICER,
                    dla_id=dla.pk,
                    password="!seeded",  # unusable: seeded staff never log in
                )
            )
    User.objects.bulk_create(users, batch_size=500)
    owners: dict[int, list[int]] = {}
    staff = User.objects.filter(username__in=[u.username for u in users])
    for user_id, dla_id in staff.values_list("pk", "dla_id").order_by("pk"):
        owners.setdefault(dla_id, []).append(user_id)
    for user_id, dla_id in (
        User.objects.filter(username__in=list(persona_ids), dla__isnull=False)
        .order_by("pk")
        .values_list("pk", "dla_id")
    ):
        owners.setdefault(dla_id, []).append(user_id)
    return owners


def contacts_for(rng: Rng, fake, structure_id: int, leader: str, count: int) -> list[Contact]:
    """The structure's contacts; the first is the leader who validates diagnostic and plan."""
    contacts = []
    for i in range(count):
        first, last = leader.split(" ", 1) if i == 0 else (fake.first_name(), fake.last_name())
        local = f"{normalize(first)}.{normalize(last)}".replace(" ", "-")
        contacts.append(
            Contact(
                structure_id=structure_id,
                first_name=first,
                last_name=last,
                role="Président·e" if i == 0 else rng.pick(CONTACT_ROLES),
                email=f"{local}@{fake.free_email_domain()}",
                phone=fake.phone_number()[:20],
            )
        )
    return contacts
