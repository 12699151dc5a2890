import re

_POSTAL_CODE = re.compile(r"^\d{5}$")


def departement_code_from_postal_code(postal_code: str) -> str | None:
    """INSEE department code of a French postal code, or None when it is not one.

    First two digits, except Corsica (20xxx: 2A below 20200, else 2B) and the
    overseas departments (97x: first three digits).
    """
    code = (postal_code or "").strip()
    if not _POSTAL_CODE.match(code):
        return None
    if code.startswith("20"):
        return "2A" if int(code) < 20200 else "2B"
    if code.startswith("97"):
        return code[:3]
    if code.startswith(("00", "98", "99")):
        return None
    return code[:2]
