"""A small hand-built dataset whose indicator values are worked out by hand in the tests.

Year of interest: 2025. Department A is 35 and B is 29 (region 53, Bretagne);
the other department is 44 (region 52).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import factory
from django.utils import timezone

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
    TransitionLog,
)
from reporting.models import ReportJob
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

YEAR = 2025
UTC = datetime.UTC


def day(month, dom, year=YEAR):
    return datetime.date(year, month, dom)


def at(month, dom, year=YEAR):
    return datetime.datetime(year, month, dom, 10, 0, tzinfo=UTC)


@dataclass
class Dataset:
    structures: dict
    cases: dict


def journal(case, user, steps):
    """steps: (from_state, to_state, datetime[, exit facts]) rows, the first one the opening.

    The counted facts are written as ``advance`` writes them: the date in Paris, the
    days spent open so far, the exit reason and destination given in the step.
    """
    open_days, previous = 0, None
    for from_state, to_state, when, *facts in steps:
        on_date = timezone.localdate(when)
        if previous is not None and previous[0] in State.OPEN:
            open_days += (on_date - previous[1]).days
        TransitionLog.objects.create(
            accompagnement=case,
            user=user,
            transition="test",
            from_state=from_state,
            to_state=to_state,
            timestamp=when,
            on_date=on_date,
            open_days=open_days,
            **(facts[0] if facts else {}),
        )
        previous = (to_state, on_date)


def build_dataset(personas) -> Dataset:
    a, b = personas.officer_a, personas.officer_b
    s1 = StructureFactory(
        legal_form=LegalForm.ASSOCIATION,
        sector=Sector.CULTURE,
        headcount=0,
        cdi_count=0,
        cdd_count=0,
        fte=0,
        in_qpv=True,
    )
    s2 = StructureFactory(
        legal_form=LegalForm.SCOP,
        sector=Sector.SPORT,
        headcount=5,
        cdi_count=3,
        cdd_count=2,
        fte=4,
        in_zrr=True,
    )
    s3 = StructureFactory(
        in_finistere=True,
        legal_form=LegalForm.ASSOCIATION,
        sector=Sector.CULTURE,
        headcount=12,
        cdi_count=10,
        cdd_count=2,
        fte=Decimal("10.5"),
    )
    s4 = StructureFactory(
        in_loire_atlantique=True,
        legal_form=LegalForm.ASSOCIATION,
        sector=Sector.SPORT,
        headcount=60,
        cdi_count=50,
        cdd_count=10,
        fte=55,
    )
    s5 = StructureFactory(headcount=5, cdi_count=5, cdd_count=0)

    c1 = AccompagnementFactory(
        structure=s1, officer=a, opened_on=day(11, 1, 2024), state=State.SUIVI
    )
    c2 = AccompagnementFactory(
        structure=s2,
        officer=a,
        opened_on=day(3, 1),
        closed_on=day(9, 28),
        state=State.CLOTURE,
    )
    acteur = ActeurAppuiFactory(kind=ActeurKind.INCUBATEUR, dla=departmental_dla("29"))
    c4 = AccompagnementFactory(
        structure=s3,
        officer=b,
        opened_on=day(2, 1),
        closed_on=day(2, 20),
        state=State.REORIENTE,
        reorientation_reason=ReorientationReason.NOT_ELIGIBLE,
        reoriented_to=acteur,
    )
    c5 = AccompagnementFactory(
        structure=s4,
        officer=personas.other_officer,
        opened_on=day(5, 1),
        closed_on=day(12, 31),
        state=State.ABANDONNE,
        abandon_reason=AbandonReason.NO_ANSWER,
    )
    c6 = AccompagnementFactory(
        structure=s5,
        officer=a,
        opened_on=day(1, 10, 2024),
        closed_on=day(12, 31, 2024),
        state=State.CLOTURE,
    )
    c7 = AccompagnementFactory(structure=s2, officer=a, opened_on=day(10, 1))

    DiagnosticFactory(accompagnement=c1, validated_by_name="Mme A", validated_on=day(1, 15))
    DiagnosticFactory(accompagnement=c2, validated_by_name="M. B", validated_on=day(4, 1))
    DiagnosticFactory(accompagnement=c5)
    DiagnosticFactory(accompagnement=c6, validated_by_name="Mme C", validated_on=day(3, 1, 2024))

    p1, p2 = PrestataireFactory(), PrestataireFactory()
    i1 = IngenierieFactory(
        kind=IngenierieKind.INDIVIDUELLE,
        theme=IngenierieTheme.RESTRUCTURATION,
        selected_prestataire=p1,
        status=IngenierieStatus.TERMINEE,
        days=4,
        daily_rate=1000,
        start_on=day(5, 1),
        end_on=day(8, 1),
        satisfaction=4,
    )
    i2 = IngenierieFactory(
        kind=IngenierieKind.COLLECTIVE,
        theme=IngenierieTheme.ORGANISATION,
        selected_prestataire=p2,
        status=IngenierieStatus.EN_COURS,
        days=3,
        daily_rate=1200,
        start_on=day(6, 1),
    )
    i3 = IngenierieFactory(
        dla=departmental_dla("44"),
        status=IngenierieStatus.ANNULEE,
        days=2,
        daily_rate=900,
        start_on=day(7, 1),
    )
    i4 = IngenierieFactory(
        selected_prestataire=p1,
        status=IngenierieStatus.TERMINEE,
        days=5,
        daily_rate=1000,
        start_on=day(2, 1, 2024),
        end_on=day(6, 1, 2024),
    )
    for case, ingenierie in [(c2, i1), (c1, i2), (c2, i2), (c5, i3), (c6, i4)]:
        PlanAction.objects.create(
            accompagnement=case,
            kind=ActionKind.INGENIERIE,
            title="Ingénierie",
            ingenierie=ingenierie,
        )
    for ingenierie, funder, amount in [
        (i1, Funder.ETAT, 3000),
        (i1, Funder.BANQUE_TERRITOIRES, 1000),
        (i2, Funder.REGION, 3600),
        (i4, Funder.ETAT, 5000),
    ]:
        Funding.objects.create(ingenierie=ingenierie, funder=funder, amount=amount)

    FollowUpFactory(
        accompagnement=c2,
        checked_on=day(9, 15),
        headcount=6,
        situation=Situation.CONSOLIDATED,
        satisfaction=4,
    )
    FollowUpFactory(
        accompagnement=c1,
        checked_on=day(10, 1),
        headcount=0,
        situation=Situation.FRAGILE,
        satisfaction=2,
    )
    FollowUpFactory(accompagnement=c6, checked_on=day(12, 1, 2024), headcount=5)

    journal(
        c2,
        a,
        [
            ("", State.ACCUEIL, at(3, 1)),
            (State.ACCUEIL, State.DIAGNOSTIC, at(3, 11)),
            (State.DIAGNOSTIC, State.PARCOURS, at(4, 10)),
            (State.PARCOURS, State.COORDINATION, at(5, 1)),
            (State.COORDINATION, State.SUIVI, at(8, 1)),
            (State.SUIVI, State.CLOTURE, at(9, 28)),
        ],
    )
    reoriented = {"exit_reason": ReorientationReason.NOT_ELIGIBLE, "reoriented_to": acteur}
    journal(
        c4,
        b,
        [("", State.ACCUEIL, at(2, 1)), (State.ACCUEIL, State.REORIENTE, at(2, 20), reoriented)],
    )
    journal(
        c1,
        a,
        [
            ("", State.ACCUEIL, at(11, 1, 2024)),
            (State.ACCUEIL, State.DIAGNOSTIC, at(11, 20, 2024)),
            (State.DIAGNOSTIC, State.PARCOURS, at(1, 20)),
            (State.PARCOURS, State.COORDINATION, at(6, 1)),
            (State.COORDINATION, State.SUIVI, at(9, 1)),
        ],
    )
    journal(
        c5,
        personas.other_officer,
        [
            ("", State.ACCUEIL, at(5, 1)),
            (State.ACCUEIL, State.DIAGNOSTIC, at(5, 10)),
            (
                State.DIAGNOSTIC,
                State.ABANDONNE,
                at(12, 31),
                {"exit_reason": AbandonReason.NO_ANSWER},
            ),
        ],
    )
    journal(
        c6,
        a,
        [
            ("", State.ACCUEIL, at(1, 10, 2024)),
            (State.ACCUEIL, State.DIAGNOSTIC, at(1, 20, 2024)),
            (State.DIAGNOSTIC, State.PARCOURS, at(3, 5, 2024)),
            (State.PARCOURS, State.COORDINATION, at(3, 20, 2024)),
            (State.COORDINATION, State.SUIVI, at(6, 1, 2024)),
            (State.SUIVI, State.CLOTURE, at(12, 31, 2024)),
        ],
    )
    journal(c7, a, [("", State.ACCUEIL, at(10, 1))])
    return Dataset(
        structures={"s1": s1, "s2": s2, "s3": s3, "s4": s4, "s5": s5},
        cases={"c1": c1, "c2": c2, "c4": c4, "c5": c5, "c6": c6, "c7": c7},
    )


class ReportJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportJob

    year = YEAR
