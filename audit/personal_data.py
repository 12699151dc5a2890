"""Everything held about one contact (RGPD right of access)."""

from django.core.serializers.json import DjangoJSONEncoder

from structures.models import Contact


def contact_export(contact: Contact) -> dict:
    fields = ["first_name", "last_name", "role", "email", "phone", "anonymised_at"]
    return {
        "contact": {"id": contact.pk, **{name: getattr(contact, name) for name in fields}},
        "structure": {"id": contact.structure_id, "name": contact.structure.name},
        "history": [
            {
                "date": row.history_date,
                "type": row.get_history_type_display(),
                "by": str(row.history_user) if row.history_user_id else None,
                **{name: getattr(row, name) for name in fields if hasattr(row, name)},
            }
            for row in contact.history.select_related("history_user").order_by("history_date")
        ],
    }


JSON_ENCODER = DjangoJSONEncoder
