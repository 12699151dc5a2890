import datetime

from django.shortcuts import render

FIRST_YEAR = 2015


def years() -> list[int]:
    return list(range(datetime.date.today().year + 1, FIRST_YEAR - 1, -1))


def selected_year(request) -> int:
    """The convention year asked for, or the current one; never an error for a bad value."""
    try:
        year = int(request.GET.get("annee", ""))
    except ValueError:
        return datetime.date.today().year
    return year if year in years() else datetime.date.today().year


def render_form(request, *, title, form, back_url, submit="Enregistrer", **extra):
    context = {"title": title, "form": form, "back_url": back_url, "submit": submit, **extra}
    return render(request, "pilotage/form.html", context)


def refuse(form, refused) -> None:
    """A service's refusal shown next to the field it names (or above the form)."""
    field = getattr(refused, "field", None)
    form.add_error(field if field in form.fields else None, str(refused))
