"""A known-answer data set: every expected figure is worked out by hand in the tests.

Territories: Bretagne (53) with Ille-et-Vilaine (35, 6 structures accompanied in
2025) and Finistère (29, 2 structures); Pays de la Loire (52) with
Loire-Atlantique (44, 1 structure). Côtes-d'Armor (22) and Morbihan (56) have none.

Cases (journal rows as ``advance`` writes them; dates in Europe/Paris):

- K1 (35) opened 2024-03-01, diagnostic 2024-03-15, réorientée 2024-04-10
  (out_of_scope, towards an incubator), reopened 2026-02-01 into diagnostic.
- K2 (35) opened 2025-01-10, diagnostic 2025-01-20, abandoned 2025-06-30 (no_answer),
  reopened 2026-01-15 into diagnostic.
- K3 (35) opened 2024-09-01, diagnostic 2024-10-01, parcours 2024-12-01, suivi
  2025-01-15, closed 2025-03-01, reopened 2025-05-01, closed again 2025-11-30.
  Days open: 181 at the first closure, 181 + 213 = 394 at the second.
- K4 (29) opened on 31 December 2025 at 23:30 UTC: 1 January 2026 in Paris.
- K5 (29) opened 2024-06-01, diagnostic 2024-06-10, abandoned (ceased) on
  31 December 2024 at 23:30 UTC: 1 January 2025 in Paris.
- K6 (35) and K7 (29): opened in February 2025, in coordination since 2025-04-01,
  sharing a collective ingénierie commissioned by the DLA of 35 (6 days × 1,000 €).
- K8 (44) opened 2023-05-01, in suivi from 2024-01-10 for good: follow-up only in 2025.
- K9 (44) opened 2025-03-01, diagnostic validated on 2025-04-15 by "Mme Kerhervé",
  parcours since 2025-04-20.
- K10 (35) opened 2025-04-01, in diagnostic; a validation date without a validator.
- K11, K12 (35) opened 2025-06-01, in accueil.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from accompagnements.models import (
    AbandonReason,
    ActeurKind,
    ActionKind,
    Funder,
    Funding,
    IngenierieKind,
    IngenierieStatus,
    IngenierieTheme,
    PlanAction,
    ReorientationReason,
    Situation,
    State,
)
from structures.models import LegalForm, Sector
from tests.accompagnements.factories import (
    AccompagnementFactory,
    ActeurAppuiFactory,
    DiagnosticFactory,
    FollowUpFactory,
    IngenierieFactory,
    PrestataireFactory,
)
from tests.accounts.factories import departmental_dla
from tests.structures.factories import StructureFactory

from .factories import journal

UTC = datetime.UTC
A, D, P, C, S = (
    State.ACCUEIL,
    State.DIAGNOSTIC,
    State.PARCOURS,
    State.COORDINATION,
    State.SUIVI,
)


def at(year, month, dom, hour=10, minute=0):
    return datetime.datetime(year, month, dom, hour, minute, tzinfo=UTC)


@dataclass
class KnownAnswers:
    cases: dict
    structures: dict


# (name, department trait, legal form, sector, headcount, CDI, CDD)
STRUCTURES = [
    ("k1", {}, LegalForm.ASSOCIATION, Sector.SPORT, 7, 5, 2),
    ("k2", {}, LegalForm.ASSOCIATION, Sector.CULTURE, 3, 2, 1),
    ("k3", {}, LegalForm.ASSOCIATION, Sector.SPORT, 12, 10, 2),
    ("k4", {"in_finistere": True}, LegalForm.ASSOCIATION, Sector.CULTURE, 2, 2, 0),
    ("k5", {"in_finistere": True}, LegalForm.ASSOCIATION, Sector.CULTURE, 4, 4, 0),
    ("k6", {}, LegalForm.SCOP, Sector.CULTURE, 20, 15, 5),
    ("k7", {"in_finistere": True}, LegalForm.SCIC, Sector.SPORT, 8, 6, 2),
    ("k8", {"in_loire_atlantique": True}, LegalForm.ASSOCIATION, Sector.SPORT, 30, 30, 0),
    ("k9", {"in_loire_atlantique": True}, LegalForm.ASSOCIATION, Sector.CULTURE, 1, 1, 0),
    ("k10", {}, LegalForm.ASSOCIATION, Sector.CULTURE, 0, 0, 0),
    ("k11", {}, LegalForm.ASSOCIATION, Sector.SPORT, 2, 1, 1),
    ("k12", {}, LegalForm.ASSOCIATION, Sector.CULTURE, 60, 50, 10),
]


def build_known_answers(personas) -> KnownAnswers:
    structures = {
        name: StructureFactory(
            **trait,
            legal_form=form,
            sector=sector,
            headcount=headcount,
            cdi_count=cdi,
            cdd_count=cdd,
            fte=Decimal(headcount),
        )
        for name, trait, form, sector, headcount, cdi, cdd in STRUCTURES
    }
    a, b, e = personas.officer_a, personas.officer_b, personas.other_officer
    officer = {"35": a, "29": b, "44": e}
    acteur = ActeurAppuiFactory(kind=ActeurKind.INCUBATEUR)

    def case(name, opened_on, state, closed_on=None, **fields):
        structure = structures[name]
        return AccompagnementFactory(
            structure=structure,
            officer=officer[structure.departement.code],
            opened_on=opened_on,
            closed_on=closed_on,
            state=state,
            **fields,
        )

    d = datetime.date
    cases = {
        "k1": case("k1", d(2024, 3, 1), D),
        "k2": case("k2", d(2025, 1, 10), D),
        "k3": case("k3", d(2024, 9, 1), State.CLOTURE, d(2025, 11, 30)),
        "k4": case("k4", d(2026, 1, 1), A),
        "k5": case(
            "k5",
            d(2024, 6, 1),
            State.ABANDONNE,
            d(2025, 1, 1),
            abandon_reason=AbandonReason.CEASED,
        ),
        "k6": case("k6", d(2025, 2, 1), C),
        "k7": case("k7", d(2025, 2, 5), C),
        "k8": case("k8", d(2023, 5, 1), S),
        "k9": case("k9", d(2025, 3, 1), P),
        "k10": case("k10", d(2025, 4, 1), D),
        "k11": case("k11", d(2025, 6, 1), A),
        "k12": case("k12", d(2025, 6, 1), A),
    }
    reoriented = {
        "exit_reason": ReorientationReason.OUT_OF_SCOPE,
        "reoriented_to": acteur,
    }
    rows = {
        "k1": [
            ("", A, at(2024, 3, 1)),
            (A, D, at(2024, 3, 15)),
            (D, State.REORIENTE, at(2024, 4, 10), reoriented),
            (State.REORIENTE, D, at(2026, 2, 1)),
        ],
        "k2": [
            ("", A, at(2025, 1, 10)),
            (A, D, at(2025, 1, 20)),
            (D, State.ABANDONNE, at(2025, 6, 30), {"exit_reason": AbandonReason.NO_ANSWER}),
            (State.ABANDONNE, D, at(2026, 1, 15)),
        ],
        "k3": [
            ("", A, at(2024, 9, 1)),
            (A, D, at(2024, 10, 1)),
            (D, P, at(2024, 12, 1)),
            (P, S, at(2025, 1, 15)),
            (S, State.CLOTURE, at(2025, 3, 1)),
            (State.CLOTURE, S, at(2025, 5, 1)),
            (S, State.CLOTURE, at(2025, 11, 30)),
        ],
        # 31 December 2025, 23:30 UTC: already 1 January 2026 in Paris.
        "k4": [("", A, at(2025, 12, 31, 23, 30))],
        "k5": [
            ("", A, at(2024, 6, 1)),
            (A, D, at(2024, 6, 10)),
            (
                D,
                State.ABANDONNE,
                at(2024, 12, 31, 23, 30),
                {"exit_reason": AbandonReason.CEASED},
            ),
        ],
        "k6": [
            ("", A, at(2025, 2, 1)),
            (A, D, at(2025, 2, 15)),
            (D, P, at(2025, 3, 15)),
            (P, C, at(2025, 4, 1)),
        ],
        "k7": [
            ("", A, at(2025, 2, 5)),
            (A, D, at(2025, 2, 20)),
            (D, P, at(2025, 3, 20)),
            (P, C, at(2025, 4, 1)),
        ],
        "k8": [
            ("", A, at(2023, 5, 1)),
            (A, D, at(2023, 5, 20)),
            (D, P, at(2023, 7, 1)),
            (P, C, at(2023, 9, 1)),
            (C, S, at(2024, 1, 10)),
        ],
        "k9": [("", A, at(2025, 3, 1)), (A, D, at(2025, 3, 20)), (D, P, at(2025, 4, 20))],
        "k10": [("", A, at(2025, 4, 1)), (A, D, at(2025, 4, 10))],
        "k11": [("", A, at(2025, 6, 1))],
        "k12": [("", A, at(2025, 6, 1))],
    }
    for name, steps in rows.items():
        journal(cases[name], cases[name].officer, steps)

    DiagnosticFactory(
        accompagnement=cases["k3"], validated_by_name="M. Le Goff", validated_on=d(2024, 11, 25)
    )
    DiagnosticFactory(
        accompagnement=cases["k6"], validated_by_name="Mme Tanguy", validated_on=d(2025, 3, 10)
    )
    DiagnosticFactory(
        accompagnement=cases["k7"], validated_by_name="M. Abgrall", validated_on=d(2025, 3, 15)
    )
    DiagnosticFactory(
        accompagnement=cases["k9"], validated_by_name="Mme Kerhervé", validated_on=d(2025, 4, 15)
    )
    DiagnosticFactory(accompagnement=cases["k10"], validated_by_name="", validated_on=d(2025, 5, 1))

    collective = IngenierieFactory(
        kind=IngenierieKind.COLLECTIVE,
        dla=departmental_dla("35"),
        theme=IngenierieTheme.PROJET_STRATEGIE,
        selected_prestataire=PrestataireFactory(),
        status=IngenierieStatus.EN_COURS,
        days=6,
        daily_rate=1000,
        start_on=d(2025, 4, 1),
    )
    for name in ("k6", "k7"):
        PlanAction.objects.create(
            accompagnement=cases[name],
            kind=ActionKind.INGENIERIE,
            title="Projet collectif",
            ingenierie=collective,
        )
    Funding.objects.create(ingenierie=collective, funder=Funder.ETAT, amount=6000)
    FollowUpFactory(
        accompagnement=cases["k8"],
        checked_on=d(2025, 3, 1),
        headcount=32,
        situation=Situation.CONSOLIDATED,
        satisfaction=4,
    )
    return KnownAnswers(cases=cases, structures=structures)
