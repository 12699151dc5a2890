"""Forms of the steering pages: they parse; the services decide."""

import datetime

from django import forms

from accompagnements.forms import DateInput
from structures.models import Sector
from territoires.models import CentreRessources, Financeur
from territoires.partners import Funder

from .models import ComitePilotage, ConventionYear, ObjectiveKind, PilotageDocumentKind

YEAR = {"min_value": 2000, "max_value": 2100}
AMOUNT = {"max_digits": 12, "decimal_places": 2, "min_value": 0, "max_value": 9_999_999_999}


class ConventionForm(forms.Form):
    title = forms.CharField(label="Intitulé", max_length=200)
    reference = forms.CharField(label="Référence", max_length=100, required=False)
    first_year = forms.IntegerField(label="Première année", **YEAR)
    last_year = forms.IntegerField(
        label="Dernière année", **YEAR, help_text="Une année de convention est créée par année."
    )
    signed_on = forms.DateField(label="Signée le", required=False, widget=DateInput())


class ConventionYearForm(forms.ModelForm):
    class Meta:
        model = ConventionYear
        fields = ["starts_on", "ends_on", "amendment_reference", "amendment_signed_on", "notes"]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "amendment_signed_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class ContributionForm(forms.Form):
    financeur = forms.ModelChoiceField(label="Financeur", queryset=Financeur.objects.all())
    running_amount = forms.DecimalField(label="Fonctionnement (€)", **AMOUNT)
    ingenierie_amount = forms.DecimalField(label="Fonds d'ingénierie (€)", **AMOUNT)


class PilotageDocumentForm(forms.Form):
    kind = forms.ChoiceField(label="Type de document", choices=PilotageDocumentKind.choices)
    title = forms.CharField(label="Intitulé", max_length=200, required=False)
    file = forms.FileField(label="Fichier")


class ComitePilotageForm(forms.ModelForm):
    class Meta:
        model = ComitePilotage
        fields = ["held_on", "year", "members", "decisions"]
        widgets = {
            "held_on": DateInput(),
            "members": forms.Textarea(attrs={"rows": 3}),
            "decisions": forms.Textarea(attrs={"rows": 5}),
        }

    year = forms.IntegerField(label="Année concernée", **YEAR)


class ObjectivesForm(forms.Form):
    """One field per count or share objective; sector shares for the sectors chosen."""

    comite = forms.ModelChoiceField(
        label="Fixés par le comité de pilotage",
        queryset=ComitePilotage.objects.none(),
        required=False,
    )

    def __init__(self, *args, comites=None, **kwargs):
        super().__init__(*args, **kwargs)
        if comites is not None:
            self.fields["comite"].queryset = comites
        for kind in ObjectiveKind:
            if kind == ObjectiveKind.PART_SECTEUR:
                continue
            share = kind in (ObjectiveKind.PART_QPV, ObjectiveKind.PART_ZRR)
            self.fields[kind.value] = forms.DecimalField(
                label=f"{kind.label[:1].upper()}{kind.label[1:]}{' (%)' if share else ''}",
                required=False,
                min_value=0,
                max_value=100 if share else 100_000,
                decimal_places=1,
                max_digits=8,
            )
        for sector in Sector:
            self.fields[f"secteur_{sector.value}"] = forms.DecimalField(
                label=f"Part du secteur « {sector.label} » (%)",
                required=False,
                min_value=0,
                max_value=100,
                decimal_places=1,
                max_digits=4,
            )

    def targets(self) -> dict:
        data = self.cleaned_data
        targets = {}
        for kind in ObjectiveKind:
            if kind != ObjectiveKind.PART_SECTEUR:
                targets[(kind.value, "")] = data.get(kind.value)
        for sector in Sector:
            targets[(ObjectiveKind.PART_SECTEUR.value, sector.value)] = data.get(
                f"secteur_{sector.value}"
            )
        return targets


def objectives_initial(objectives) -> dict:
    initial = {}
    for objective in objectives:
        name = f"secteur_{objective.sector}" if objective.sector else objective.kind
        initial[name] = objective.target
    return initial


class CommitmentForm(forms.Form):
    funder = forms.ChoiceField(label="Financeur", choices=Funder.choices)
    label = forms.CharField(label="Précision", max_length=200, required=False)
    amount = forms.DecimalField(
        label="Montant (€)", min_value=0.01, max_value=9_999_999.99, decimal_places=2
    )
    committed_on = forms.DateField(
        label="Engagé le",
        widget=DateInput(),
        initial=datetime.date.today,
        help_text="La ligne s'impute sur le fonds de l'année de convention qui contient "
        "cette date.",
    )
    confirm_overrun = forms.BooleanField(
        label="Je confirme l'engagement au-delà du fonds",
        required=False,
        help_text="Nécessaire seulement si l'engagement dépasse le fonds disponible ; "
        "la confirmation est journalisée.",
    )
    confirm_beyond_cost = forms.BooleanField(
        label="Je confirme un financement au-delà du coût",
        required=False,
        help_text="Nécessaire seulement si les financements de l'ingénierie dépassent son "
        "coût ; la confirmation est journalisée.",
    )


class CorrectionForm(forms.Form):
    amount = forms.DecimalField(
        label="Correction (€)",
        min_value=-9_999_999.99,
        max_value=9_999_999.99,
        decimal_places=2,
        help_text="Positive pour augmenter la ligne, négative pour la diminuer. Elle s'impute "
        "sur l'année de convention de la ligne corrigée.",
    )
    on = forms.DateField(
        label="Date de la correction", widget=DateInput(), initial=datetime.date.today
    )
    reason = forms.CharField(label="Motif", max_length=300)
    confirm_overrun = CommitmentForm.base_fields["confirm_overrun"]
    confirm_beyond_cost = CommitmentForm.base_fields["confirm_beyond_cost"]


class CancellationForm(forms.Form):
    on = forms.DateField(
        label="Date de l'annulation", widget=DateInput(), initial=datetime.date.today
    )
    reason = forms.CharField(label="Motif", max_length=300)


class ConsentForm(forms.Form):
    centre = forms.ModelChoiceField(
        label="Centre de ressources", queryset=CentreRessources.objects.all()
    )
    consent_on = forms.DateField(
        label="Accord de la structure le", widget=DateInput(), initial=datetime.date.today
    )
    consent_by_name = forms.CharField(
        label="Accord donné par",
        max_length=200,
        help_text="Nom et fonction de la personne qui a donné l'accord pour la structure.",
    )
