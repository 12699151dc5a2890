"""Password reset by email for staff accounts, through the outbox.

The reset link is a secret: the outbox keeps a placeholder and the sending task
builds the link (Django's token generator) at the moment it sends.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts import throttle

from .secrets import Secret, SecretSource, register
from .services import queue_message, site_url

SECRET_KIND = "mot_de_passe"
# Per address and per IP address, in an hour: enough for a typo, not for a mail bomb.
LIMIT = 5
WINDOW = 3600


def _reset_url(ref: str) -> str | None:
    user = get_user_model().objects.filter(pk=ref, is_active=True).first()
    if user is None or not user.has_usable_password():
        return None
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return site_url(reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}))


def register_secret() -> None:
    register(SECRET_KIND, SecretSource(url=_reset_url, delivered=lambda ref: None))


class QueuedPasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context["user"]
        queue_message(
            template="messagerie/reinitialisation",
            to_email=to_email,
            to_name=user.get_full_name(),
            subject="DLA Suivi : réinitialisation de votre mot de passe",
            context={"user": user},
            concerns=user,
            secret=Secret(SECRET_KIND, str(user.pk)),
        )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        ip = throttle.client_ip(self.request)
        email = form.cleaned_data["email"].lower()
        blocked = throttle.is_blocked("reset-ip", ip, limit=LIMIT) or throttle.is_blocked(
            "reset-email", email, limit=LIMIT
        )
        throttle.count("reset-ip", ip, window=WINDOW)
        throttle.count("reset-email", email, window=WINDOW)
        if blocked:
            # Same page as a sent request: the answer never tells whether an account exists.
            return super(auth_views.PasswordResetView, self).form_valid(form)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")
    token_generator = default_token_generator
