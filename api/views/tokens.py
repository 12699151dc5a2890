"""The "Jetons d'API" page of a person's profile: create (shown once), list, revoke."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..forms import RevokeForm, TokenForm
from ..models import ApiToken
from ..services import create_token, revoke_token


def token_list(request):
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token = create_token(
                request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Shown in this answer only: the full token is stored nowhere, not even the session.
            form = TokenForm()
    tokens = ApiToken.objects.owned_by(request.user).with_usability()
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens, "new_token": new_token},
    )


@require_POST
def token_revoke(request):
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez le jeton à révoquer.")
        return redirect("jetons:list")
    try:
        token = revoke_token(request.user, form.cleaned_data["token"])
    except ApiToken.DoesNotExist:
        messages.error(request, "Ce jeton n'existe pas.")
    else:
        messages.success(request, f"Le jeton « {token.name} » est révoqué.")
    return redirect("jetons:list")
