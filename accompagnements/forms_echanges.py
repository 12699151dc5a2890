"""Forms for exchanges and tasks (kept apart from forms.py, which another change reworks).

The forms parse and offer choices; the rules are in ``services.echanges``, whose
``ValidationError`` the views attach to these forms' fields.
"""

from django import forms
from django.utils import timezone

from structures.models import Contact
from territoires.collation import french
from webinput.fields import BoundedModelMultipleChoiceField
from webinput.tables import PlainSelect

from .forms import DateInput
from .models import ActeurAppui, Echange, EchangeKind, Prestataire, Tache
from .services.echanges import dla_staff


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class EchangeForm(forms.ModelForm):
    class Meta:
        model = Echange
        fields = [
            "occurred_at",
            "kind",
            "subject",
            "contacts",
            "staff",
            "prestataires",
            "acteurs",
            "other_participants",
            "summary",
            "next_step",
            "next_step_due",
        ]
        widgets = {
            "occurred_at": DateTimeInput(),
            "next_step_due": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "contacts": forms.CheckboxSelectMultiple,
            "staff": forms.CheckboxSelectMultiple,
        }
        # Ids checked against the column's range before the IN (...) query.
        field_classes = dict.fromkeys(
            ["contacts", "staff", "prestataires", "acteurs"], BoundedModelMultipleChoiceField
        )
        help_texts = {
            "next_step": "Elle devient une tâche à votre nom, avec son échéance.",
        }

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = EchangeKind.choices
        self.fields["contacts"].queryset = Contact.objects.filter(
            structure_id=case.structure_id, anonymised_at__isnull=True
        )
        self.fields["staff"].queryset = dla_staff(case)
        self.fields["prestataires"].queryset = Prestataire.objects.visible_to(user).filter(
            is_active=True
        )
        self.fields["acteurs"].queryset = ActeurAppui.objects.visible_to(user).filter(
            is_active=True
        )
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault(
                "occurred_at", timezone.localtime().replace(second=0, microsecond=0)
            )
            self.initial.setdefault("staff", [user.pk])

    def service_arguments(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class TacheForm(forms.ModelForm):
    class Meta:
        model = Tache
        fields = ["title", "due_on", "assignee"]
        widgets = {"due_on": DateInput()}

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = dla_staff(case)

    def service_arguments(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class TimelineFilterForm(forms.Form):
    """``?quoi=`` on the case page: one kind of entry, or one kind of exchange."""

    # Its options written in Python, the same HTML as the template's (a template each).
    quoi = forms.ChoiceField(label="Afficher", required=False, widget=PlainSelect)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quoi"].choices = [("", "tout"), *choices]


class ReassignForm(forms.Form):
    to_officer = forms.ModelChoiceField(label="Nouveau·elle chargé·e", queryset=None)
    reason = forms.CharField(
        label="Motif", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_officer"].queryset = dla_staff(case).exclude(pk=case.officer_id)


class TransferForm(forms.Form):
    to_dla = forms.ModelChoiceField(label="DLA destinataire", queryset=None)
    reason = forms.CharField(
        label="Motif",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : la structure a déménagé, structure d'échelle régionale.",
    )

    def __init__(self, *args, case, **kwargs):
        from territoires.models import Dla

        super().__init__(*args, **kwargs)
        self.fields["to_dla"].queryset = (
            Dla.objects.exclude(pk=case.dla_id)
            .select_related("departement")
            .order_by(french("name"))
        )


class TransferAnswerForm(forms.Form):
    officer = forms.ModelChoiceField(
        label="Chargé·e qui reprend l'accompagnement", queryset=None, required=False
    )
    decision_comment = forms.CharField(
        label="Réponse (obligatoire en cas de refus)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, passation, **kwargs):
        from accounts.models import User
        from territoires import policy

        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = User.objects.filter(
            policy.dla_members(), dla_id=passation.to_dla_id
        )
