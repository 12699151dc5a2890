"""HTTP client of the API Recherche d'entreprises: timeouts, retries, a cache.

Public and keyless, limited to about 7 calls a second per address. Every failure
(down, slow, refused, unreadable answer) becomes ``RegisterUnavailable`` with a French
message: callers show it and let people type the structure by hand.
"""

import hashlib
import logging

import httpx
from django.conf import settings
from django.core.cache import cache

from .mapping import Entry, entry

logger = logging.getLogger(__name__)

SEARCH_PATH = "/search"
MAX_RESULTS = 10
# Connection failures are retried by the transport; a refused or slow answer is not.
TRANSPORT_RETRIES = 2


class RegisterUnavailable(Exception):
    """The register could not answer; the message is for the user (French)."""


def enabled() -> bool:
    return bool(settings.ENTREPRISES_API_URL)


def _client() -> httpx.Client:
    return httpx.Client(
        base_url=settings.ENTREPRISES_API_URL,
        timeout=httpx.Timeout(settings.ENTREPRISES_API_TIMEOUT),
        transport=httpx.HTTPTransport(retries=TRANSPORT_RETRIES),
        headers={"Accept": "application/json", "User-Agent": "DLA-Suivi"},
    )


def _get(params: dict) -> list[dict]:
    """The ``results`` of one /search call, cached (answers change at most daily)."""
    key = "registre:" + hashlib.sha256(repr(sorted(params.items())).encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    if not enabled():
        raise RegisterUnavailable("La recherche au répertoire des entreprises est désactivée.")
    try:
        with _client() as client:
            response = client.get(SEARCH_PATH, params=params)
    except httpx.TimeoutException:
        raise RegisterUnavailable(
            "Le répertoire des entreprises ne répond pas assez vite : saisissez la structure "
            "à la main ou réessayez dans un instant."
        ) from None
    except httpx.HTTPError as exc:
        logger.warning("register unreachable: %s", exc)
        raise RegisterUnavailable(
            "Le répertoire des entreprises est injoignable : saisissez la structure à la main "
            "ou réessayez plus tard."
        ) from None
    if response.status_code == 429:
        raise RegisterUnavailable(
            "Le répertoire des entreprises reçoit trop de demandes : réessayez dans un instant."
        )
    if response.status_code == 400:
        # The register refuses queries it finds too short or malformed: no match.
        results: list[dict] = []
    elif response.status_code != 200:
        logger.warning("register answered %s", response.status_code)
        raise RegisterUnavailable(
            "Le répertoire des entreprises est indisponible : saisissez la structure à la main "
            "ou réessayez plus tard."
        )
    else:
        try:
            results = response.json().get("results") or []
        except ValueError:
            raise RegisterUnavailable(
                "Le répertoire des entreprises a donné une réponse illisible."
            ) from None
    cache.set(key, results, settings.ENTREPRISES_API_CACHE_SECONDS)
    return results


def search(query: str) -> list[Entry]:
    """Establishments matching a name, a SIREN or a SIRET (at most ten)."""
    query = " ".join(query.split())
    if len(query) < 3:
        return []
    digits = query.replace(" ", "")
    siret = digits if digits.isdigit() and len(digits) == 14 else ""
    results = _get({"q": siret or query, "page": 1, "per_page": MAX_RESULTS})
    return [entry(result, siret) for result in results[:MAX_RESULTS]]


def find_siret(siret: str) -> Entry | None:
    """The establishment with this SIRET, or ``None`` when the register does not know it."""
    siret = "".join(siret.split())
    if not (siret.isdigit() and len(siret) == 14):
        return None
    for result in _get({"q": siret, "page": 1, "per_page": 1}):
        found = entry(result, siret)
        if found.siret == siret:
            return found
    return None
