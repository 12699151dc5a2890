from django import forms

from .models import ReminderFrequency


class PreferenceForm(forms.Form):
    reminders = forms.ChoiceField(
        label="Recevoir mes rappels par courriel",
        choices=ReminderFrequency.choices,
        widget=forms.RadioSelect,
        help_text="Les rappels restent toujours visibles dans l'application.",
    )
