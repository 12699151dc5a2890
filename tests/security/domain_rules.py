"""Who may read and write what, written by hand from DOMAIN.md — not from ``visible_to``.

The access matrix takes its expected codes from this table, and
``test_domain_rules.py`` checks that the querysets agree with it, so the views,
the querysets and the domain's rules are tied together.

Territories of ``tests.security.world``: "a" Ille-et-Vilaine (35) and "b"
Finistère (29) in Bretagne, "o" Loire-Atlantique (44) in Pays de la Loire;
"old" is a closed case the Ille-et-Vilaine DLA ran on the Loire-Atlantique
structure; "national" a report job of the national operator.

Personas: officer_a (DLA 35), officer_b (DLA 29), coordinator (DLA Bretagne),
other_coordinator (DLA Pays de la Loire), other_officer (DLA 44), national, admin,
financeur (the Bretagne State service, which funds the conventions of "a" and "b"),
crdla (the culture resource centre, with which the structure of "a" shares its case).

W = read and write, R = read only, - = out of scope (404).
"""

PERSONAS = (
    "officer_a",
    "officer_b",
    "coordinator",
    "other_coordinator",
    "other_officer",
    "national",
    "admin",
    "financeur",
    "crdla",
)

# Read wide, write narrow: an officer reads their department and writes what their
# DLA owns; a coordinator reads the region and writes what the regional DLA owns;
# national reads everything and writes no case data; an admin corrects anything.
# Funders and resource centres read no case data (their own rules below).
_DEPARTEMENTAL = {
    "a": "W - R - - R W - -",
    "b": "- W R - - R W - -",
    "o": "- - - R W R W - -",
}
# The steering of a DLA (convention, comité de pilotage, their documents): written by
# the DLA, read like its department; a funder reads what its body funds ("a", "b").
_PILOTAGE = {
    "a": "W - R - - R W R -",
    "b": "- W R - - R W R -",
    "o": "- - - R W R W - -",
}

RULES: dict[str, dict[str, str]] = {
    # A case belongs to its structure's territory and is written by its owning DLA.
    # The old case: still the Ille-et-Vilaine DLA's to correct; readable in
    # Loire-Atlantique where the structure is (department and region), not by the
    # Bretagne coordination, whose region the structure is not in.
    "case": {**_DEPARTEMENTAL, "old": "W - - R R R W - -"},
    # The structure record: the department's DLA maintains it; a DLA that has a case
    # on it (even closed) may also update it (officer_a on "o").
    "structure": {**_DEPARTEMENTAL, "o": "W - - R W R W - -"},
    "contact": {**_DEPARTEMENTAL, "o": "W - - R W R W - -"},
    # Documents belong to the structure and follow what they are attached to: here,
    # the case (DOMAIN.md, "Personal data"); readers of the case may download them. (A
    # resource centre reads shared documents through the consent: "partage".)
    "document": _DEPARTEMENTAL,
    # Owned by the commissioning DLA, visible where its cases are.
    "ingenierie": _DEPARTEMENTAL,
    # A transfer: read by the readers of its case and by the receiving DLA, which alone
    # answers it ("a" offered by the Ille-et-Vilaine DLA to the Finistère one).
    "passation": {"a": "R W R - - R W - -"},
    # Support actors and comités d'appui: registered and written by a DLA.
    "acteur": _DEPARTEMENTAL,
    "comite": _DEPARTEMENTAL,
    # The consultant register is regional: read by the region's DLAs, managed by the
    # regional DLA (coordinator).
    "prestataire": {
        "a": "R R W - - R W - -",
        "o": "- - - W R R W - -",
    },
    # Report jobs: the coordinations' regional reports and the national one; officers
    # produce no reports. A funder reads the finished reports (published figures) of its
    # region and the national one.
    "job": {
        "a": "- - R - - R W R -",
        "o": "- - - R - R W - -",
        "national": "- - - - - R W R -",
    },
    # Steering (issue 16): a DLA's page, its conventions, comités de pilotage and their
    # documents.
    "pilotage_dla": _PILOTAGE,
    "convention": _PILOTAGE,
    "comite_pilotage": _PILOTAGE,
    "pilotage_document": _PILOTAGE,
    # A structure's consent to share with a resource centre: recorded by the case's DLA,
    # read by the centre it names ("a" shares with culture, "b" and "o" with sport).
    "partage": {
        "a": "W - R - - R W - R",
        "b": "- W R - - R W - -",
        "o": "- - - R W R W - -",
    },
}

# The yearly campaign (issue 12): a DLA's checklist is read where the DLA is (its
# department, its region, national) and its "données vérifiées" mark is the DLA's own.
RULES["campagne_dla"] = _DEPARTEMENTAL

# Children take their parent's rule.
PARENT_KIND = {
    "action": "case",
    "proposal": "ingenierie",
    "version": "document",
    "echange": "case",
    "tache": "case",
    # A personal link follows the case it was sent about (revoked by its writers).
    "link": "case",
}

# Steering: a convention year follows its convention, a funding line its ingénierie.
PARENT_KIND.update({"convention_year": "convention", "funding": "ingenierie"})


def expected(persona: str, kind: str, territory: str) -> str:
    """``W``, ``R`` or ``-`` for ``persona`` on the world's object ``kind``/``territory``."""
    row = RULES[PARENT_KIND.get(kind, kind)][territory].split()
    return row[PERSONAS.index(persona)]


# Opening a case (issue 17), on a new structure with no case yet: Y = opens it, M = opens it
# only with a written reason (motif), - = may not. The regional DLA owns the cases of
# regional-scale structures (networks, federations, cross-department: "reseau_a"); its
# coordinator opens one on a structure of a single department only with a reason.
# National operators write no case data; partners read none.
CASE_OPENING = {
    "a": "Y - M - - - Y - -",
    "reseau_a": "Y - Y - - - Y - -",
    "o": "- - - M Y - Y - -",
}


def expected_opening(persona: str, territory: str) -> str:
    return CASE_OPENING[territory].split()[PERSONAS.index(persona)]
