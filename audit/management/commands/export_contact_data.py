import json

from django.core.management.base import BaseCommand, CommandError

from audit.personal_data import JSON_ENCODER, contact_export
from structures.models import Contact


class Command(BaseCommand):
    help = "Exporte en JSON tout ce que l'application détient sur un contact (droit d'accès)."

    def add_arguments(self, parser):
        parser.add_argument("contact_id", type=int)

    def handle(self, *args, contact_id, **options):
        try:
            contact = Contact.objects.select_related("structure").get(pk=contact_id)
        except Contact.DoesNotExist:
            raise CommandError(f"Aucun contact n°{contact_id}.") from None
        self.stdout.write(
            json.dumps(contact_export(contact), cls=JSON_ENCODER, ensure_ascii=False, indent=2)
        )
