from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory

from accounts.models import User
from territoires.collation import french
from webinput.fields import BoundedModelMultipleChoiceField

from .models import (
    AbandonReason,
    Accompagnement,
    ActeurAppui,
    ActionKind,
    Axis,
    Channel,
    ComiteAppui,
    ComiteReview,
    Diagnostic,
    DiagnosticAxis,
    FollowUp,
    Ingenierie,
    IngenierieKind,
    Parcours,
    PlanAction,
    Prestataire,
    Proposal,
    ReorientationReason,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _date_widgets(*names):
    return {name: DateInput() for name in names}


class OpenCaseForm(forms.Form):
    channel = forms.ChoiceField(label="Origine de la demande", choices=Channel.choices)
    request = forms.CharField(
        label="Demande de la structure",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce que la structure attend du DLA, dans ses mots.",
    )
    opened_on = forms.DateField(label="Date du premier contact", widget=DateInput())

    def __init__(self, *args, needs_reason: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if needs_reason:
            # territoires.policy.case_opening_needs_reason; the service refuses it empty too.
            self.fields["reason"] = forms.CharField(
                label="Motif d'ouverture par la coordination régionale",
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=1000,
                help_text=(
                    "Cette structure n'est pas d'échelle régionale : c'est d'ordinaire le DLA "
                    "du département qui l'accompagne. Dites pourquoi la coordination ouvre "
                    "l'accompagnement ; les chargé·es d'accompagnement du département sont "
                    "prévenu·es."
                ),
            )


class CaseForm(forms.ModelForm):
    class Meta:
        model = Accompagnement
        fields = ["officer", "channel", "request", "opened_on"]
        widgets = {"request": forms.Textarea(attrs={"rows": 4}), **_date_widgets("opened_on")}
        help_texts = {"officer": "Un·e membre du DLA porteur."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Handing the case over stays inside the owning DLA.
        self.fields["officer"].queryset = User.objects.filter(
            dla_id=self.instance.dla_id, is_active=True
        )


class TransitionForm(forms.Form):
    """The comment, plus the parameters some transitions need."""

    comment = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_state = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, transition, user=None, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        if transition == "reorient":
            self.fields["reason"] = forms.ChoiceField(
                label="Motif de réorientation", choices=ReorientationReason.choices
            )
            acteurs = ActeurAppui.objects.visible_to(user).filter(is_active=True)
            if case is not None:
                acteurs = acteurs.filter(region_id=case.structure.region_id)
            self.fields["acteur"] = forms.ModelChoiceField(
                label="Acteur d'appui vers lequel la structure est orientée",
                queryset=acteurs.order_by(french("name")),
                help_text="Absent de la liste ? Ajoutez-le à l'annuaire des acteurs d'appui.",
            )
        elif transition == "abandon":
            self.fields["reason"] = forms.ChoiceField(
                label="Motif d'abandon", choices=AbandonReason.choices
            )
        if transition == "reopen":
            self.fields["comment"].required = True
            self.fields["comment"].label = "Raison de la réouverture"

    def params(self):
        return {
            name: self.cleaned_data[name]
            for name in ("reason", "acteur")
            if name in self.cleaned_data
        }


class DiagnosticForm(forms.ModelForm):
    class Meta:
        model = Diagnostic
        fields = [
            "first_interview_on",
            "last_interview_on",
            "documents",
            "summary",
            "recommendations",
            "validated_by_name",
            "validated_on",
        ]
        widgets = {
            **_date_widgets("first_interview_on", "last_interview_on", "validated_on"),
            "documents": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "recommendations": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        data = super().clean()
        first, last = data.get("first_interview_on"), data.get("last_interview_on")
        if first and last and first > last:
            self.add_error("last_interview_on", "Le dernier entretien suit le premier.")
        return data


class DiagnosticAxisForm(forms.ModelForm):
    class Meta:
        model = DiagnosticAxis
        fields = ["axis", "assessment", "priority", "recommendations"]
        widgets = {
            "axis": forms.HiddenInput,
            "assessment": forms.Textarea(attrs={"rows": 2}),
            "recommendations": forms.Textarea(attrs={"rows": 2}),
        }

    @property
    def axis_label(self) -> str:
        """The row's axis, saved or offered to fill; blank for a row a request made up."""
        value = self.instance.axis or self.initial.get("axis", "")
        return str(Axis(value).label) if value in Axis.values else ""


class BaseDiagnosticAxisFormSet(BaseInlineFormSet):
    """One form per axis of DOMAIN.md: the saved rows, then the axes not written yet.

    A diagnostic not saved yet has no rows: its ten forms are extra forms carrying
    their axis, and the service creates the rows on the first save.
    """

    def __init__(self, *args, instance, **kwargs):
        saved = set(instance.axes.values_list("axis", flat=True)) if instance.pk else set()
        missing = sorted(value for value in Axis.values if value not in saved)
        kwargs.setdefault("queryset", DiagnosticAxis.objects.order_by("axis"))
        super().__init__(
            *args, instance=instance, initial=[{"axis": value} for value in missing], **kwargs
        )
        self.extra = len(missing)


DiagnosticAxisFormSet = inlineformset_factory(
    Diagnostic,
    DiagnosticAxis,
    form=DiagnosticAxisForm,
    formset=BaseDiagnosticAxisFormSet,
    extra=0,
    can_delete=False,
    max_num=len(Axis.choices),
    # A forged TOTAL_FORMS would otherwise build (and render) up to 1,000 more forms.
    absolute_max=len(Axis.choices),
)


class ParcoursForm(forms.ModelForm):
    class Meta:
        model = Parcours
        fields = ["priorities", "validated_by_name", "validated_on"]
        widgets = {
            "priorities": forms.Textarea(attrs={"rows": 3}),
            **_date_widgets("validated_on"),
        }


class PlanActionForm(forms.ModelForm):
    class Meta:
        model = PlanAction
        fields = ["position", "kind", "title", "description", "acteur", "ingenierie"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "acteur": "Pour une orientation vers une autre offre d'accompagnement.",
            "ingenierie": (
                "Pour rejoindre une ingénierie collective existante. Pour une nouvelle "
                "ingénierie, utilisez « Ajouter une ingénierie »."
            ),
        }

    def __init__(self, *args, user, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["acteur"].queryset = ActeurAppui.objects.visible_to(user).filter(
            is_active=True, region_id=case.structure.region_id
        )
        self.fields["ingenierie"].queryset = Ingenierie.objects.editable_by(user).filter(
            kind=IngenierieKind.COLLECTIVE
        )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == ActionKind.ORIENTATION and not data.get("acteur"):
            self.add_error("acteur", "Choisissez l'acteur vers lequel la structure est orientée.")
        if kind != ActionKind.ORIENTATION and data.get("acteur"):
            self.add_error("acteur", "Seule une orientation désigne un acteur d'appui.")
        if kind != ActionKind.INGENIERIE and data.get("ingenierie"):
            self.add_error("ingenierie", "Seule une action d'ingénierie désigne une ingénierie.")
        ingenierie = data.get("ingenierie")
        if (
            ingenierie
            and PlanAction.objects.filter(accompagnement=self.case, ingenierie=ingenierie)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error("ingenierie", "Cette ingénierie figure déjà dans le parcours.")
        return data


class IngenierieCreateForm(forms.ModelForm):
    class Meta:
        model = Ingenierie
        fields = ["kind", "title", "theme", "terms_of_reference"]
        widgets = {"terms_of_reference": forms.Textarea(attrs={"rows": 5})}


class IngenierieForm(forms.ModelForm):
    class Meta:
        model = Ingenierie
        fields = [
            "kind",
            "title",
            "theme",
            "terms_of_reference",
            "consultation_sent_on",
            "selection_on",
            "selection_report",
            "selected_prestataire",
            "days",
            "daily_rate",
            "cost",
            "kickoff_on",
            "start_on",
            "end_on",
            "status",
            "satisfaction",
        ]
        widgets = {
            "terms_of_reference": forms.Textarea(attrs={"rows": 5}),
            "selection_report": forms.Textarea(attrs={"rows": 4}),
            **_date_widgets("consultation_sent_on", "selection_on", "kickoff_on")
            | _date_widgets("start_on", "end_on"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["selected_prestataire"].queryset = Prestataire.objects.visible_to(user).filter(
            is_active=True
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_on"), data.get("end_on")
        if start and end and start > end:
            self.add_error("end_on", "La fin suit le début.")
        if data.get("status") in {"attribuee", "en_cours", "terminee"} and not data.get(
            "selected_prestataire"
        ):
            self.add_error("selected_prestataire", "Indiquez le prestataire retenu.")
        return data


class ProposalForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["prestataire", "received_on", "score", "max_score", "days", "price", "comment"]
        widgets = {**_date_widgets("received_on"), "comment": forms.Textarea(attrs={"rows": 2})}
        # French decimals: 49,5 as well as 49.5.
        localized_fields = ["score", "days", "price"]
        help_texts = {"score": "Une décimale possible, par exemple 49,5."}

    def __init__(self, *args, user, ingenierie, **kwargs):
        super().__init__(*args, **kwargs)
        self.ingenierie = ingenierie
        self.fields["prestataire"].queryset = Prestataire.objects.visible_to(user).filter(
            is_active=True
        )

    def clean(self):
        # The score within the grid: Proposal.clean, run by full_clean.
        data = super().clean()
        prestataire = data.get("prestataire")
        others = self.ingenierie.proposals.exclude(pk=self.instance.pk)
        if prestataire and others.filter(prestataire=prestataire).exists():
            self.add_error("prestataire", "Ce prestataire a déjà une proposition enregistrée.")
        return data


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = [
            "checked_on",
            "headcount",
            "fte",
            "cdi_count",
            "cdd_count",
            "budget",
            "situation",
            "satisfaction",
            "comment",
        ]
        widgets = {**_date_widgets("checked_on"), "comment": forms.Textarea(attrs={"rows": 3})}


class PrestataireForm(forms.ModelForm):
    class Meta:
        model = Prestataire
        fields = ["name", "siret", "contact_name", "email", "phone", "themes", "is_active"]
        widgets = {"themes": forms.Textarea(attrs={"rows": 2})}


class ActeurAppuiForm(forms.ModelForm):
    class Meta:
        model = ActeurAppui
        fields = ["name", "kind", "departements", "offer", "website", "email", "phone"]
        widgets = {
            "offer": forms.Textarea(attrs={"rows": 3}),
            "departements": forms.CheckboxSelectMultiple,
        }
        field_classes = {"departements": BoundedModelMultipleChoiceField}

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departements"].queryset = region.departements.all()


class ComiteForm(forms.ModelForm):
    class Meta:
        model = ComiteAppui
        fields = ["held_on", "members"]
        widgets = {**_date_widgets("held_on"), "members": forms.Textarea(attrs={"rows": 3})}


class ComiteReviewForm(forms.ModelForm):
    class Meta:
        model = ComiteReview
        fields = ["accompagnement", "opinion", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, comite, **kwargs):
        super().__init__(*args, **kwargs)
        self.comite = comite
        self.fields["accompagnement"].queryset = (
            Accompagnement.objects.editable_by(user).open().select_related("structure")
        )

    def clean_accompagnement(self):
        case = self.cleaned_data["accompagnement"]
        if self.comite.reviews.filter(accompagnement=case).exists():
            raise forms.ValidationError("Ce comité a déjà donné un avis sur cet accompagnement.")
        return case
