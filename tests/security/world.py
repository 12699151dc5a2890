"""A small world with the same objects in three territories, each carrying a marker.

Territory "a" is Ille-et-Vilaine (35) and "b" Finistère (29), both in Bretagne;
"o" is Loire-Atlantique (44) in Pays de la Loire. A marker string is the name of
an object: a persona that may not see the object must never receive its marker.
"""

from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone

from tests.accompagnements.factories import (
    AccompagnementFactory,
    ActeurAppuiFactory,
    IngenierieFactory,
    PlanActionFactory,
    PrestataireFactory,
)
from tests.accounts.factories import regional_dla
from tests.structures.factories import ContactFactory, StructureFactory
from tests.uploads.files import pdf_bytes

TERRITORIES = {"a": {}, "b": {"in_finistere": True}, "o": {"in_loire_atlantique": True}}


@dataclass
class World:
    objects: dict[tuple[str, str], models.Model] = field(default_factory=dict)
    markers: dict[str, models.Model] = field(default_factory=dict)

    def get(self, kind: str, territory: str):
        return self.objects.get((kind, territory))

    def add(self, kind, territory, obj, marker=None):
        self.objects[(kind, territory)] = obj
        if marker:
            self.markers[marker] = obj


def build_world(personas) -> World:
    from accompagnements.models import ComiteAppui, ComiteReview, Proposal
    from accompagnements.services.echanges import log_exchange
    from accompagnements.services.passation import request_transfer
    from dossiers.services import add_document

    world = World()
    officers = {"a": personas.officer_a, "b": personas.officer_b, "o": personas.other_officer}
    regions = {"a": "53", "o": "52"}
    for key, prestataire_region in regions.items():
        prestataire = PrestataireFactory(
            name=f"Marqueur-prestataire-{key}", dla=regional_dla(prestataire_region)
        )
        world.add("prestataire", key, prestataire, prestataire.name)
    for key, traits in TERRITORIES.items():
        officer = officers[key]
        structure = StructureFactory(name=f"Marqueur-structure-{key}", **traits)
        world.add("structure", key, structure, structure.name)
        # The yearly campaign's checklist of the territory's DLA (issue 12).
        from reporting.models import DlaCampagne

        world.add("campagne_dla", key, DlaCampagne.objects.get(pk=officer.dla_id))
        contact = ContactFactory(structure=structure, last_name=f"Marqueur-contact-{key}")
        world.add("contact", key, contact, contact.last_name)
        case = AccompagnementFactory(
            structure=structure,
            officer=officer,
            dla=officer.dla,
            request=f"Marqueur-demande-{key}",
        )
        world.add("case", key, case, case.request)
        document = add_document(
            upload=SimpleUploadedFile("statuts.pdf", pdf_bytes()),
            kind="statuts",
            title=f"Marqueur-document-{key}",
            by=officer,
            accompagnement=case,
        )
        world.add("document", key, document, document.title)
        world.add("version", key, document.versions.get())
        echange = log_exchange(
            case,
            by=officer,
            occurred_at=timezone.now(),
            kind="telephone",
            subject=f"Marqueur-echange-{key}",
            next_step=f"Marqueur-tache-{key}",
            next_step_due=timezone.localdate(),
        )
        world.add("echange", key, echange, echange.subject)
        world.add("tache", key, echange.tache, echange.tache.title)
        if key == "a":
            # A transfer offered by the Ille-et-Vilaine DLA to the Finistère one, unanswered.
            transfer = request_transfer(
                case, to_dla=personas.officer_b.dla, by=officer, reason="Marqueur-transfert-a"
            )
            world.add("passation", key, transfer, transfer.reason)
        world.markers[f'href="/accompagnements/{case.pk}/"'] = case
        ingenierie = IngenierieFactory(dla=officer.dla, title=f"Marqueur-ingenierie-{key}")
        world.add("ingenierie", key, ingenierie, ingenierie.title)
        action = PlanActionFactory(
            accompagnement=case,
            ingenierie_action=True,
            ingenierie=ingenierie,
            title=f"Marqueur-action-{key}",
        )
        world.add("action", key, action, action.title)
        proposal = Proposal.objects.create(
            ingenierie=ingenierie,
            prestataire=world.get("prestataire", "o" if key == "o" else "a"),
            score=50,
        )
        world.add("proposal", key, proposal)
        acteur = ActeurAppuiFactory(name=f"Marqueur-acteur-{key}", dla=officer.dla)
        world.add("acteur", key, acteur, acteur.name)
        comite = ComiteAppui.objects.create(
            dla=officer.dla, held_on="2026-03-01", members=f"Marqueur-comite-{key}"
        )
        ComiteReview.objects.create(comite=comite, accompagnement=case, opinion="favorable")
        world.add("comite", key, comite, comite.members)
        from liens.models import Purpose
        from liens.services import issue_link

        link, _ = issue_link(
            purpose=Purpose.DIAGNOSTIC,
            target=case,
            name=f"Marqueur-destinataire-{key}",
            email=f"destinataire-{key}@asso.example",
            by=officer,
        )
        world.add("link", key, link)
    # A Loire-Atlantique structure the Ille-et-Vilaine DLA once followed: officer A sees
    # the structure through that case, but not the Loire-Atlantique DLA's own case.
    followed = AccompagnementFactory(
        structure=world.get("structure", "o"),
        officer=personas.officer_a,
        dla=personas.officer_a.dla,
        state="cloture",
        opened_on="2023-01-10",
        closed_on="2023-09-30",
        request="Marqueur-ancienne-demande",  # not a prefix of another marker
    )
    world.add("case", "old", followed, followed.request)

    from reporting.models import ReportJob
    from territoires.models import Region

    for key, user, region_code in [
        ("a", personas.coordinator, "53"),
        ("o", personas.other_coordinator, "52"),
    ]:
        job = ReportJob.objects.create(
            requested_by=user,
            year=2026,
            region=Region.objects.get(code=region_code),
            status=ReportJob.Status.DONE,
            parameters={"marker": f"Marqueur-rapport-{key}"},
        )
        job.file.save(f"rapport-{key}.pdf", ContentFile(b"%PDF-1.7 test"))
        world.add("job", key, job)
    job = ReportJob.objects.create(
        requested_by=personas.national, year=2026, status=ReportJob.Status.DONE
    )
    job.file.save("rapport-national.pdf", ContentFile(b"%PDF-1.7 test"))
    world.add("job", "national", job)
    _add_pilotage(world, personas, officers)
    return world


def _add_pilotage(world, personas, officers) -> None:
    """Steering objects (issue 16): the Bretagne State service funds "a" and "b";
    the structure of "a" shares its case with the culture resource centre."""
    import datetime

    from accompagnements.models import Funding
    from pilotage.models import (
        ComitePilotage,
        Contribution,
        Convention,
        ConventionYear,
        DlaPilotage,
        Objective,
        PartageCentre,
    )
    from pilotage.services import add_document as add_pilotage_document
    from territoires.models import CentreRessources, Financeur, Region

    funders = {
        "a": personas.financeur.financeur,
        "b": personas.financeur.financeur,
        "o": Financeur.objects.create(
            name="DREETS Pays de la Loire", kind="etat", region=Region.objects.get(code="52")
        ),
    }
    for key, officer in officers.items():
        dla = DlaPilotage.objects.get(pk=officer.dla_id)
        world.add("pilotage_dla", key, dla)
        convention = Convention.objects.create(
            dla=dla, title=f"Marqueur-convention-{key}", first_year=2026, last_year=2026
        )
        world.add("convention", key, convention, convention.title)
        year = ConventionYear.objects.create(
            convention=convention,
            year=2026,
            starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2026, 12, 31),
        )
        world.add("convention_year", key, year)
        Contribution.objects.create(
            convention_year=year, financeur=funders[key], ingenierie_amount=30000
        )
        comite = ComitePilotage.objects.create(
            dla=dla,
            held_on="2026-01-20",
            year=2026,
            decisions=f"Marqueur-comite-pilotage-{key}",
        )
        world.add("comite_pilotage", key, comite, comite.decisions)
        Objective.objects.create(
            dla=dla, year=2026, kind="structures_accompagnees", target=40, comite=comite
        )
        document = add_pilotage_document(
            upload=SimpleUploadedFile("convention.pdf", pdf_bytes()),
            kind="convention",
            title=f"Marqueur-doc-convention-{key}",
            by=officer,
            convention=convention,
        )
        world.add("pilotage_document", key, document, document.title)
        funding = Funding.objects.create(
            ingenierie=world.get("ingenierie", key),
            funder="etat",
            amount=4000,
            committed_on=datetime.date(2026, 2, 1),
            label=f"Marqueur-financement-{key}",
        )
        world.add("funding", key, funding, funding.label)
        partage = PartageCentre.objects.create(
            accompagnement=world.get("case", key),
            centre=CentreRessources.objects.get(secteur="culture" if key == "a" else "sport"),
            consent_by_name=f"Marqueur-accord-{key}",
            recorded_by=officer,
        )
        world.add("partage", key, partage, partage.consent_by_name)
