from django import forms

from .services import LIFETIMES


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="Pour vous y retrouver : l'outil ou le tableau qui l'utilise.",
    )
    days = forms.TypedChoiceField(
        label="Validité",
        coerce=int,
        choices=list(LIFETIMES.items()),
        initial=90,
    )


class RevokeForm(forms.Form):
    token = forms.IntegerField(widget=forms.HiddenInput)
