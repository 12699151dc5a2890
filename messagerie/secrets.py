"""Secrets that an email carries but the outbox never stores (personal links, reset links).

A message's body holds ``PLACEHOLDER``; the sending task asks the source named by the
message's ``secret_kind`` for the URL, puts it in the email, and tells the source once
the email is handed to the mail server (a personal link then forgets how to rebuild
its token). Sources register themselves in their app's ``ready()``.
"""

from collections.abc import Callable
from dataclasses import dataclass

PLACEHOLDER = "__LIEN_PERSONNEL__"


@dataclass(frozen=True)
class Secret:
    kind: str
    ref: str


@dataclass(frozen=True)
class SecretSource:
    # The URL to put in the email; None when the secret can no longer be given.
    url: Callable[[str], str | None]
    delivered: Callable[[str], None]


_SOURCES: dict[str, SecretSource] = {}


def register(kind: str, source: SecretSource) -> None:
    _SOURCES[kind] = source


def source(kind: str) -> SecretSource:
    try:
        return _SOURCES[kind]
    except KeyError:
        raise LookupError(f"Aucune source de secret « {kind} » n'est enregistrée.") from None
