"""Read-only representations: French field names (as in the exports), codes for choices,
ISO 8601 dates, integer ids that never change. Personal data of structures' contacts is
never exposed."""

from rest_framework import serializers

from accompagnements.models import (
    AbandonReason,
    ActeurKind,
    Axis,
    Channel,
    IngenierieKind,
    IngenierieStatus,
    IngenierieTheme,
    Priority,
    ReorientationReason,
    State,
)
from structures.models import LegalForm, Sector, SiaeType

R = {"read_only": True}


def code(choices, *, blank=False, **kwargs):
    """A choice as its stable code; the schema lists the codes (labels in docs)."""
    values = list(choices)
    if blank:
        values = [("", "non renseigné"), *values]
    return serializers.ChoiceField(choices=values, read_only=True, **kwargs)


def decimal(digits, places, **kwargs):
    return serializers.DecimalField(
        max_digits=digits, decimal_places=places, coerce_to_string=False, read_only=True, **kwargs
    )


class RefSerializer(serializers.Serializer):
    """Another object, by its id and its name."""

    id = serializers.IntegerField(**R)
    nom = serializers.CharField(source="__str__", **R)


# -- Structures -----------------------------------------------------------------------------


class StructureSerializer(serializers.Serializer):
    id = serializers.IntegerField(**R)
    nom = serializers.CharField(source="name", **R)
    siret = serializers.CharField(**R, help_text="14 chiffres, vide si inconnu.")
    siren = serializers.CharField(**R)
    rna = serializers.CharField(**R, help_text="Associations : W suivi de 9 chiffres.")
    forme_juridique = code(LegalForm.choices, source="legal_form")
    agrement_esus = serializers.BooleanField(source="is_esus", **R)
    type_siae = code(SiaeType.choices, source="siae_type", blank=True)
    entreprise_adaptee = serializers.BooleanField(source="is_entreprise_adaptee", **R)
    tete_de_reseau = serializers.BooleanField(source="is_network", **R)
    secteur = code(Sector.choices, source="sector")
    adresse = serializers.CharField(source="address", **R)
    code_postal = serializers.CharField(source="postal_code", **R)
    commune = serializers.CharField(**R)
    departement = serializers.CharField(source="departement.code", **R)
    region = serializers.CharField(source="region.code", **R)
    qpv = serializers.BooleanField(source="in_qpv", **R)
    zrr = serializers.BooleanField(source="in_zrr", **R)
    effectif = serializers.IntegerField(source="headcount", **R)
    etp = decimal(8, 2, source="fte")
    cdi = serializers.IntegerField(source="cdi_count", **R)
    cdd = serializers.IntegerField(source="cdd_count", **R)
    budget = serializers.IntegerField(allow_null=True, **R)
    annee_creation = serializers.IntegerField(source="year_founded", allow_null=True, **R)
    creee_le = serializers.DateTimeField(source="created_at", **R)
    modifiee_le = serializers.DateTimeField(source="updated_at", **R)


# -- Cases ------------------------------------------------------------------------------------


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(**R)
    structure = RefSerializer(**R)
    dla = RefSerializer(**R, help_text="DLA porteur.")
    charge = RefSerializer(source="officer", **R, help_text="Chargé·e d'accompagnement.")
    phase = code(State.choices, source="state")
    phase_depuis = serializers.DateTimeField(source="state_entered_at", **R)
    en_retard = serializers.BooleanField(
        source="is_overdue", **R, help_text="Dans sa phase depuis plus longtemps que le délai."
    )
    canal = code(Channel.choices, source="channel")
    demande = serializers.CharField(source="request", **R)
    ouvert_le = serializers.DateField(source="opened_on", **R)
    clos_le = serializers.DateField(source="closed_on", allow_null=True, **R)
    motif_reorientation = code(
        ReorientationReason.choices, source="reorientation_reason", blank=True
    )
    reoriente_vers = serializers.IntegerField(
        source="reoriented_to_id", allow_null=True, **R, help_text="Id de l'acteur d'appui."
    )
    motif_abandon = code(AbandonReason.choices, source="abandon_reason", blank=True)


class JournalSerializer(serializers.Serializer):
    transition = serializers.CharField(**R)
    de = code(State.choices, source="from_state", blank=True)
    vers = code(State.choices, source="to_state")
    le = serializers.DateTimeField(source="timestamp", **R)
    par = RefSerializer(source="user", **R)
    commentaire = serializers.CharField(source="comment", **R)


class DiagnosticAxisSerializer(serializers.Serializer):
    axe = code(Axis.choices, source="axis")
    priorite = code(Priority.choices, source="priority")
    constats = serializers.CharField(source="assessment", **R)
    preconisations = serializers.CharField(source="recommendations", **R)


class DiagnosticSerializer(serializers.Serializer):
    premier_entretien_le = serializers.DateField(source="first_interview_on", allow_null=True, **R)
    dernier_entretien_le = serializers.DateField(source="last_interview_on", allow_null=True, **R)
    synthese = serializers.CharField(source="summary", **R)
    preconisations = serializers.CharField(source="recommendations", **R)
    valide = serializers.BooleanField(source="is_validated", **R)
    valide_le = serializers.DateField(source="validated_on", allow_null=True, **R)
    axes = DiagnosticAxisSerializer(many=True, **R)


class IngenierieSerializer(serializers.Serializer):
    id = serializers.IntegerField(**R)
    type = code(IngenierieKind.choices, source="kind")
    intitule = serializers.CharField(source="title", **R)
    theme = code(IngenierieTheme.choices)
    statut = code(IngenierieStatus.choices, source="status")
    prestataire = RefSerializer(source="selected_prestataire", allow_null=True, **R)
    jours = decimal(5, 1, source="days", allow_null=True)
    tarif_journalier = decimal(8, 2, source="daily_rate", allow_null=True)
    cout = decimal(10, 2, source="cost", allow_null=True)
    debut = serializers.DateField(source="start_on", allow_null=True, **R)
    fin = serializers.DateField(source="end_on", allow_null=True, **R)


class CaseDetailSerializer(CaseSerializer):
    journal = JournalSerializer(many=True, **R)
    diagnostic = serializers.SerializerMethodField()
    ingenieries = IngenierieSerializer(source="visible_ingenieries", many=True, **R)

    def get_diagnostic(self, case) -> DiagnosticSerializer(allow_null=True):  # type: ignore[valid-type]
        diagnostic = getattr(case, "api_diagnostic", None)
        return DiagnosticSerializer(diagnostic).data if diagnostic else None


# -- Registers --------------------------------------------------------------------------------


class PrestataireSerializer(serializers.Serializer):
    id = serializers.IntegerField(**R)
    nom = serializers.CharField(source="name", **R)
    siret = serializers.CharField(**R)
    region = serializers.CharField(source="region.code", **R)
    gere_par = RefSerializer(source="dla", **R)
    domaines = serializers.CharField(source="themes", **R)
    contact = serializers.CharField(source="contact_name", **R)
    courriel = serializers.CharField(source="email", **R)
    telephone = serializers.CharField(source="phone", **R)
    reference = serializers.BooleanField(source="is_active", **R)


class ActeurSerializer(serializers.Serializer):
    id = serializers.IntegerField(**R)
    nom = serializers.CharField(source="name", **R)
    type = code(ActeurKind.choices, source="kind")
    region = serializers.CharField(source="region.code", **R)
    departements = serializers.SerializerMethodField()
    reference_par = RefSerializer(source="dla", **R)
    offre = serializers.CharField(source="offer", **R)
    site = serializers.CharField(source="website", **R)
    courriel = serializers.CharField(source="email", **R)
    telephone = serializers.CharField(source="phone", **R)
    actif = serializers.BooleanField(source="is_active", **R)

    def get_departements(self, acteur) -> list[str]:
        return sorted(d.code for d in acteur.departements.all())
