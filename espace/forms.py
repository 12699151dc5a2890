from django import forms
from django.template.defaultfilters import floatformat

from accompagnements.models import Satisfaction, Situation
from webinput.fields import BoundedModelMultipleChoiceField

from .services.consultation import GRID


class RecipientForm(forms.Form):
    name = forms.CharField(label="Nom du destinataire", max_length=200)
    email = forms.EmailField(label="Courriel du destinataire")


class ValidationForm(forms.Form):
    name = forms.CharField(label="Votre nom", max_length=120)
    role = forms.CharField(label="Votre fonction dans la structure", max_length=70)


class RemarksForm(forms.Form):
    name = forms.CharField(label="Votre nom", max_length=200)
    remarks = forms.CharField(label="Vos remarques", widget=forms.Textarea(attrs={"rows": 5}))


SATISFACTION_CHOICES = [(value, label) for value, label in Satisfaction.choices]


class SatisfactionForm(forms.Form):
    name = forms.CharField(label="Votre nom", max_length=200)
    overall = forms.TypedChoiceField(
        label="Êtes-vous satisfait·e de l'accompagnement du DLA ?",
        choices=SATISFACTION_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label="Un commentaire (facultatif)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, ingenieries=(), **kwargs):
        super().__init__(*args, **kwargs)
        for ingenierie in ingenieries:
            self.fields[f"ingenierie_{ingenierie.pk}"] = forms.TypedChoiceField(
                label=(
                    f"Satisfaction sur l'intervention de {ingenierie.selected_prestataire} "
                    f"({ingenierie})"
                ),
                choices=SATISFACTION_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
            )
        self.ingenieries = list(ingenieries)

    def consultants(self) -> dict[int, int]:
        return {ing.pk: self.cleaned_data[f"ingenierie_{ing.pk}"] for ing in self.ingenieries}


class FollowUpQuestionnaireForm(forms.Form):
    name = forms.CharField(label="Votre nom", max_length=200)
    headcount = forms.IntegerField(label="Effectif salarié aujourd'hui", min_value=0)
    fte = forms.DecimalField(
        label="Équivalents temps plein", min_value=0, max_digits=8, decimal_places=2
    )
    cdi_count = forms.IntegerField(label="Salarié·es en CDI", min_value=0)
    cdd_count = forms.IntegerField(label="Salarié·es en CDD", min_value=0)
    budget = forms.IntegerField(label="Budget annuel (€)", min_value=0, required=False)
    situation = forms.ChoiceField(
        label="Situation de la structure", choices=Situation.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="Ce qui a changé depuis l'accompagnement (facultatif)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def figures(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "name"}


class GridForm(forms.Form):
    """The structure's /70 grid: each criterion for each proposal, and its preference."""

    name = forms.CharField(label="Votre nom", max_length=200)
    comment = forms.CharField(
        label="Pourquoi ce choix ? (facultatif)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, proposals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.proposals = list(proposals)
        self.rows = []
        for proposal in self.proposals:
            names = []
            for code, label, points in GRID:
                name = f"p{proposal.pk}_{code}"
                self.fields[name] = forms.IntegerField(
                    label=f"{label} – {proposal.prestataire} (sur {points})",
                    min_value=0,
                    max_value=points,
                )
                names.append(name)
            self.rows.append((proposal, [self[name] for name in names]))
        self.fields["preferred"] = forms.TypedChoiceField(
            label="La proposition que la structure préfère",
            choices=[(p.pk, str(p.prestataire)) for p in self.proposals],
            coerce=int,
            widget=forms.RadioSelect,
        )

    def scores(self) -> dict[int, dict[str, int]]:
        return {
            p.pk: {code: self.cleaned_data[f"p{p.pk}_{code}"] for code, _, _ in GRID}
            for p in self.proposals
        }


class DeclineForm(forms.Form):
    name = forms.CharField(label="Votre nom", max_length=200)
    reason = forms.CharField(
        label="Motif (facultatif)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProposalUploadForm(forms.Form):
    name = forms.CharField(label="Votre nom", max_length=200)
    document = forms.FileField(label="Votre proposition (PDF)")
    days = forms.DecimalField(label="Nombre de jours", min_value=0, max_digits=5, decimal_places=1)
    daily_rate = forms.DecimalField(
        label="Tarif journalier (€ HT)", min_value=0, max_digits=8, decimal_places=2
    )
    total = forms.DecimalField(label="Total (€ HT)", min_value=0, max_digits=10, decimal_places=2)


class ConsultationForm(forms.Form):
    prestataires = BoundedModelMultipleChoiceField(
        label="Prestataires à consulter (3 ou 4)",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = forms.DateField(
        label="Date limite de réponse", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prestataires"].queryset = candidates
        self.fields["prestataires"].label_from_instance = lambda p: (
            f"{p.name} – {p.mission_count} mission{'s' if p.mission_count > 1 else ''} DLA"
            + (" – attestation expirée" if p.has_expired else "")
        )


def score_text(score) -> str:
    """A score as people write it: « 61 », « 49,5 », « — » when not scored."""
    return "—" if score is None else floatformat(score, -1)


class SelectionForm(forms.Form):
    proposal = forms.TypedChoiceField(
        label="Prestataire retenu", coerce=int, widget=forms.RadioSelect
    )
    reason = forms.CharField(label="Motif de la décision", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].choices = [
            (p.pk, f"{p.prestataire} – {score_text(p.score)}/{p.max_score}") for p in proposals
        ]


class HandoverForm(forms.Form):
    consent_given_by = forms.CharField(
        label="Personne de la structure qui a donné son accord", max_length=200
    )
    consent_on = forms.DateField(
        label="Accord donné le", widget=forms.DateInput(attrs={"type": "date"})
    )
    message = forms.CharField(
        label="Message à l'acteur d'appui",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Ce que l'acteur doit savoir de la demande de la structure.",
    )


class AcknowledgeForm(forms.Form):
    name = forms.CharField(label="Votre nom", max_length=200)
    answer = forms.CharField(
        label="Un mot pour le DLA (facultatif)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _sector_choices():
    from structures.models import Sector

    return Sector.choices


class RegisterFilterForm(forms.Form):
    q = forms.CharField(label="Nom, contact ou SIRET", required=False)
    competence = forms.ChoiceField(label="Compétence", required=False)
    sector = forms.ChoiceField(label="Secteur", required=False)
    departement = forms.ModelChoiceField(label="Département couvert", queryset=None, required=False)
    min_missions = forms.IntegerField(label="Missions DLA (au moins)", min_value=0, required=False)
    expired = forms.BooleanField(label="Attestation expirée", required=False)
    tri = forms.ChoiceField(
        label="Trier par",
        required=False,
        choices=[
            ("nom", "nom"),
            ("missions", "nombre de missions"),
            ("satisfaction", "satisfaction"),
            ("renouvellement", "renouvellement"),
        ],
    )

    def __init__(self, *args, departements, **kwargs):
        from .models import competence_choices

        super().__init__(*args, **kwargs)
        self.fields["competence"].choices = [("", "toutes"), *competence_choices()]
        self.fields["sector"].choices = [("", "tous"), *_sector_choices()]
        self.fields["departement"].queryset = departements


class ReferencementForm(forms.Form):
    competences = forms.MultipleChoiceField(
        label="Compétences", required=False, widget=forms.CheckboxSelectMultiple
    )
    sectors = forms.MultipleChoiceField(
        label="Secteurs", required=False, widget=forms.CheckboxSelectMultiple
    )
    departements = BoundedModelMultipleChoiceField(
        label="Départements couverts",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    referenced_on = forms.DateField(
        label="Référencé le", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    renewal_on = forms.DateField(
        label="Renouvellement le", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, departements, **kwargs):
        from .models import competence_choices

        super().__init__(*args, **kwargs)
        self.fields["competences"].choices = competence_choices()
        self.fields["sectors"].choices = _sector_choices()
        self.fields["departements"].queryset = departements


class AttestationForm(forms.Form):
    kind = forms.ChoiceField(label="Type d'attestation")
    reference = forms.CharField(label="Référence", required=False, max_length=200)
    expires_on = forms.DateField(
        label="Valable jusqu'au", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        from .models import AttestationKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = AttestationKind.choices
