"""French for people: plurals, and the date formats the settings point at.

A library, not an app: it imports no app. ``pluriel(n, "structure")`` in Python;
in templates the ``pluralize`` filter follows the French rule (a builtin library,
``francais.templatetags.francais``, set in ``TEMPLATES``); date formats through
``FORMAT_MODULE_PATH`` (``francais.formats``): ``30 nov. 2026 à 12:02``.
"""


def is_plural(count: object) -> bool:
    """French: 0 and 1 take the singular (« 0 jour », « 1 structure », « 2 structures »)."""
    try:
        number = len(count) if isinstance(count, list | tuple | set | dict) else float(count)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return abs(number) >= 2


def pluriel(count: object, singular: str, plural: str | None = None) -> str:
    """``"3 structures créées"``: the count and the noun phrase agreeing with it.

    ``plural`` defaults to ``singular`` with an ``s`` on each word
    (« structure créée » → « structures créées »); give it when French says otherwise
    (« mise à jour » → « mises à jour »)."""
    if is_plural(count):
        words = plural if plural is not None else " ".join(w + "s" for w in singular.split())
    else:
        words = singular
    shown = count if not isinstance(count, list | tuple | set | dict) else len(count)
    return f"{shown} {words}"
