from django.contrib import messages
from django.shortcuts import redirect, render

from .forms import PreferenceForm
from .models import ReminderFrequency
from .services import reminder_frequency, set_reminder_frequency


def preferences(request):
    """A person's own choice: reminders by email immediately, once a day, or never."""
    form = PreferenceForm(
        request.POST or None, initial={"reminders": reminder_frequency(request.user)}
    )
    if request.method == "POST" and form.is_valid():
        set_reminder_frequency(request.user, form.cleaned_data["reminders"])
        label = ReminderFrequency(form.cleaned_data["reminders"]).label
        messages.success(request, f"Préférence enregistrée : {label}.")
        return redirect("messagerie:preferences")
    return render(
        request,
        "messagerie/preferences.html",
        {"form": form, "email": request.user.email},
    )
