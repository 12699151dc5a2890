"""Sending a personal link by email, and telling the officer what came back."""

from typing import Any

from django.db import models, transaction
from django.urls import reverse

from liens.models import Purpose, SecureLink
from liens.services import issue_link
from messagerie.services import queue_message, site_url


class Refused(Exception):
    """A request the rules refuse; ``message`` says why in French, naming the field."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


SUBJECTS = {
    Purpose.DIAGNOSTIC: "Votre diagnostic partagé DLA à relire et valider",
    Purpose.PARCOURS: "Votre parcours d'accompagnement DLA à valider",
    Purpose.EVALUATION: "Les propositions des prestataires à noter",
    Purpose.CONSULTATION: "Consultation DLA : {ingenierie}",
    Purpose.SATISFACTION: "Votre avis sur l'accompagnement DLA",
    Purpose.SUIVI: "Où en est votre structure ? Questionnaire de suivi DLA",
    Purpose.ORIENTATION: "Orientation d'une structure par le DLA : {structure}",
}


def send_link(
    *,
    purpose: str,
    target: models.Model,
    name: str,
    email: str,
    by: Any,
    context: dict[str, Any],
    concerns: models.Model | None = None,
    single_use: bool = True,
    expires_at=None,
) -> SecureLink:
    """Issue a link and queue the email carrying it, in one transaction."""
    name, email = (name or "").strip(), (email or "").strip()
    if not name:
        raise Refused("Destinataire : indiquez le nom de la personne.")
    if not email:
        raise Refused("Courriel : indiquez l'adresse de la personne.")
    with transaction.atomic():
        link, secret = issue_link(
            purpose=purpose,
            target=target,
            name=name,
            email=email,
            by=by,
            single_use=single_use,
            expires_at=expires_at,
        )
        queue_message(
            template=f"espace/email/{purpose}",
            to_email=email,
            to_name=name,
            subject=SUBJECTS[Purpose(purpose)].format(**context),
            context={**context, "link": link},
            concerns=concerns or target,
            secret=secret,
            by=by,
        )
    return link


def tell_officer(case: Any, *, subject: str, text: str, concerns: models.Model) -> None:
    """An email to the case's officer about what came back through a link."""
    if not case.officer.email:
        return
    queue_message(
        template="espace/email/retour",
        to_email=case.officer.email,
        to_name=str(case.officer),
        subject=subject,
        context={"text": text, "url": site_url(reverse("accompagnements:detail", args=[case.pk]))},
        concerns=concerns,
    )


def first_contact(structure: Any) -> Any | None:
    """The structure's first contact with an email address (the usual recipient)."""
    return structure.contacts.exclude(email="").order_by("pk").first()
