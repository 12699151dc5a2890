"""Cases and everything their phases leave behind: journal, diagnostic, plan,
ingénieries (consultation, proposals, funding), follow-up checkpoints."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from accompagnements.models import (
    THEME_OF_AXIS,
    Accompagnement,
    Axis,
    ComiteAppui,
    ComiteReview,
    Diagnostic,
    DiagnosticAxis,
    FollowUp,
    Funding,
    Ingenierie,
    IngenierieTheme,
    Parcours,
    PlanAction,
    Proposal,
    State,
    TransitionLog,
)

from .config import (
    CHANNELS,
    COLLECTIVE_SHARE,
    COLLECTIVE_SIZE,
    COMITE_SHARE,
    FUNDERS,
    OPINIONS,
    SATISFACTION,
    SITUATIONS,
    THEMES,
    Rng,
)
from .structures import Seeded
from .timeline import Timeline

AXIS_LABELS = dict(Axis.choices)
THEME_LABELS = dict(IngenierieTheme.choices)
DAY = datetime.timedelta(days=1)
BATCH = 2000

REQUESTS = [
    "Consolider le modèle économique après la baisse des subventions.",
    "Structurer la fonction employeur et clarifier les fiches de poste.",
    "Redéfinir le projet associatif avec le conseil d'administration.",
    "Préparer le départ du directeur et organiser la gouvernance.",
    "Diversifier les financements et développer les recettes propres.",
    "Pérenniser deux emplois créés avec des contrats aidés.",
    "Mutualiser des fonctions support avec d'autres associations du territoire.",
    "Réorganiser l'équipe après une forte croissance de l'activité.",
    "Développer la communication et les outils numériques.",
    "Engager la transition écologique des activités.",
]
ASSESSMENTS = [
    "Point d'appui de la structure, reconnu par les partenaires.",
    "Fonctionnement fragile, dépendant de quelques personnes.",
    "Besoin exprimé par l'équipe salariée et les administrateurs.",
    "Situation correcte, des améliorations possibles à moyen terme.",
    "Enjeu fort pour la pérennité des emplois.",
]
OWN_ACTIONS = [
    ("structure", "Mettre à jour les statuts et le règlement intérieur"),
    ("structure", "Construire un budget prévisionnel sur trois ans"),
    ("structure", "Recruter un·e coordinateur·rice"),
    ("expertise", "Appui du DLA à la recherche de financements"),
    ("expertise", "Mise en relation avec des structures du même secteur"),
    ("expertise", "Accompagnement du DLA à la préparation du comité de pilotage"),
]
COMITE_MEMBERS = (
    "DDETS, Conseil régional, Conseil départemental, Banque des Territoires, "
    "France Active, fédération départementale des associations"
)
# Plans made within this window go to the same comité d'appui session.
COMITE_WINDOW = datetime.timedelta(days=120)
REORIENTATION_REASONS = {"not_eligible": 35, "out_of_scope": 25, "better_offer": 35, "autre": 5}
ABANDON_REASONS = {"no_answer": 50, "ceased": 20, "no_capacity": 10, "autre": 20}


@dataclass
class PlannedCase:
    structure: Seeded
    dla_id: int
    region_id: int
    officer_id: int
    timeline: Timeline
    pk: int | None = None
    collective_group: int | None = None
    extras: dict = field(default_factory=dict)


@dataclass
class Context:
    """What the builders share: drawing, reference data, and rows waiting for insertion."""

    rng: Rng
    reference: datetime.date
    prestataires: dict[int, list[int]]  # region id -> ids
    acteurs: dict[int, list]  # region id -> (id, kind, name)


def build_case(ctx: Context, planned: PlannedCase) -> Accompagnement:
    rng, tl = ctx.rng, planned.timeline
    last = tl.steps[-1]
    case = Accompagnement(
        structure_id=planned.structure.pk,
        dla_id=planned.dla_id,
        officer_id=planned.officer_id,
        state=tl.state,
        state_entered_at=last.at,
        channel=rng.pick(CHANNELS),
        request=rng.choice(REQUESTS),
        opened_on=tl.opened_on,
    )
    if not tl.is_open:
        case.closed_on = last.on
        case.left_state = last.from_state
        if tl.state == "reoriente":
            acteur = rng.choice(ctx.acteurs[planned.region_id])
            case.reorientation_reason = rng.pick(REORIENTATION_REASONS)
            case.reoriented_to_id = acteur[0]
            planned.extras["details"] = {
                "reason": case.reorientation_reason,
                "acteur": {"id": acteur[0], "label": acteur[2]},
            }
            planned.extras["comment"] = f"Réorientation vers {acteur[2]}."
        elif tl.state == "abandonne":
            reason = (
                "declined_plan"
                if last.from_state == "parcours" and rng.random() < 0.8
                else rng.pick(ABANDON_REASONS)
            )
            case.abandon_reason = reason
            planned.extras["details"] = {"reason": reason}
    return case


def journal_rows(ctx: Context, planned: PlannedCase) -> list[TransitionLog]:
    rows = []
    open_days, previous = 0, None
    for step in planned.timeline.steps:
        comment = ""
        details = {}
        if step.transition == "open":
            comment = "Ouverture de l'accompagnement."
        elif step.transition in {"reorient", "abandon"}:
            details = planned.extras.get("details", {})
            comment = planned.extras.get("comment", "")
        # The counted facts, as TransitionLog.facts() writes them for a live transition.
        if previous is not None and previous.to_state in State.OPEN:
            open_days += max((step.on - previous.on).days, 0)
        rows.append(
            TransitionLog(
                accompagnement_id=planned.pk,
                user_id=planned.officer_id,
                transition=step.transition,
                from_state=step.from_state,
                to_state=step.to_state,
                comment=comment,
                details=details,
                timestamp=step.at,
                on_date=step.on,
                exit_reason=details.get("reason", ""),
                reoriented_to_id=(details.get("acteur") or {}).get("id"),
                open_days=open_days,
            )
        )
        previous = step
    return rows


def diagnostic_rows(ctx: Context, planned: PlannedCase, theme: str):
    """The diagnostic of a case that reached that phase, and its assessed axes."""
    rng, tl = ctx.rng, planned.timeline
    start = tl.entered("diagnostic")
    if start is None:
        return None, []
    end = tl.left("diagnostic") or ctx.reference
    first = start + DAY * rng.randint(2, 12)
    first = first if first <= end else None
    last = None
    if first:
        last = min(end, first + DAY * rng.randint(7, 40))
    validated = tl.entered("parcours") is not None
    diagnostic = Diagnostic(
        accompagnement_id=planned.pk,
        first_interview_on=first,
        last_interview_on=last,
        documents="Statuts, derniers comptes annuels, budget prévisionnel, organigramme.",
        summary="Structure ancrée sur son territoire ; modèle économique à consolider."
        if first
        else "",
        recommendations=f"Travailler en priorité l'axe « {AXIS_LABELS[theme]} »."
        if validated
        else "",
        validated_by_name=f"{planned.structure.leader}, président·e" if validated else "",
        validated_on=max(last or start, tl.left("diagnostic") - DAY * rng.randint(0, 5))
        if validated
        else None,
    )
    if not first:
        return diagnostic, []
    others = [a for a in AXIS_LABELS if a != theme]
    axes = [theme, *rng.sample(others, rng.randint(3, 6))]
    rows = [
        DiagnosticAxis(
            axis=axis,
            assessment=rng.choice(ASSESSMENTS),
            priority=1 if i == 0 else rng.choice((1, 2, 2, 3, 4)),
            recommendations="Mobiliser une ingénierie DLA." if i == 0 else "",
        )
        for i, axis in enumerate(axes)
    ]
    return diagnostic, rows


def parcours_row(ctx: Context, planned: PlannedCase, theme: str) -> Parcours | None:
    tl = planned.timeline
    if tl.entered("parcours") is None:
        return None
    left = tl.left("parcours")
    # Validated when the case moved on to delivery or follow-up (not when declined).
    validated = tl.entered("coordination") is not None or tl.entered("suivi") is not None
    return Parcours(
        accompagnement_id=planned.pk,
        priorities=f"1. {AXIS_LABELS[theme]}",
        validated_by_name=f"{planned.structure.leader}, président·e" if validated else "",
        validated_on=left - DAY * ctx.rng.randint(0, 7) if validated else None,
    )


def other_actions(ctx: Context, planned: PlannedCase, count: int) -> list[PlanAction]:
    rng = ctx.rng
    actions = []
    for _ in range(count):
        if rng.random() < 0.3:
            acteur = rng.choice(ctx.acteurs[planned.region_id])
            actions.append(
                PlanAction(
                    accompagnement_id=planned.pk,
                    kind="orientation",
                    title=f"Orientation vers {acteur[2]}"[:200],
                    acteur_id=acteur[0],
                )
            )
        else:
            kind, title = rng.choice(OWN_ACTIONS)
            actions.append(PlanAction(accompagnement_id=planned.pk, kind=kind, title=title))
    return actions


def group_collectives(rng: Rng, planned: list[PlannedCase]) -> list[list[PlannedCase]]:
    """Split the cases that need an ingénierie into collective groups and individual ones.

    A collective gathers 5-10 cases of one DLA whose plans are made at about the
    same time; the share is set so that about a quarter of ingénieries are collective.
    """
    mean_size = sum(COLLECTIVE_SIZE) / 2
    # Share of cases in collectives for COLLECTIVE_SHARE of ingénieries to be collective.
    in_collective = (
        mean_size * COLLECTIVE_SHARE / (1 - COLLECTIVE_SHARE + mean_size * COLLECTIVE_SHARE)
    )
    by_dla: dict[int, list[PlannedCase]] = {}
    groups = []
    for case in planned:
        if rng.random() < in_collective:
            by_dla.setdefault(case.dla_id, []).append(case)
        else:
            groups.append([case])
    for cases in by_dla.values():
        cases.sort(key=lambda c: c.timeline.entered("parcours"))
        while cases:
            size = rng.randint(*COLLECTIVE_SIZE)
            chunk, cases = cases[:size], cases[size:]
            if len(chunk) >= 3:
                groups.append(chunk)
            else:
                groups.extend([c] for c in chunk)
    return groups


def ingenierie_rows(ctx: Context, members: list[PlannedCase], dla_id: int, theme: str):
    """One ingénierie for ``members`` (one case, or a collective) with its consultation."""
    rng, ref = ctx.rng, ctx.reference
    collective = len(members) > 1
    tls = [m.timeline for m in members]
    parcours_on = min(tl.entered("parcours") for tl in tls)
    coordination = [d for tl in tls if (d := tl.entered("coordination"))]
    suivi = [d for tl in tls if tl.entered("coordination") and (d := tl.entered("suivi"))]
    still_open = any(tl.is_open for tl in tls)

    ing = Ingenierie(
        kind="collective" if collective else "individuelle",
        dla_id=dla_id,
        title=(
            f"{AXIS_LABELS[theme].capitalize()} – action collective"
            if collective
            else f"{AXIS_LABELS[theme].capitalize()} – {members[0].structure.name}"
        )[:200],
        # The ingénierie's theme in the bilan's nomenclature, from the case's main axis.
        theme=THEME_OF_AXIS[theme],
        terms_of_reference="Objectifs, livrables attendus, calendrier et modalités de suivi.",
        status="preparation",
    )
    sent = parcours_on + DAY * rng.randint(7, 25)
    if coordination:
        sent = max(parcours_on, min(sent, min(coordination) - DAY * 20))
    if sent <= ref:
        ing.consultation_sent_on = sent
        ing.status = "consultation"
    proposals, fundings = [], []
    region_pool = ctx.prestataires[members[0].region_id]
    candidates = rng.sample(region_pool, min(len(region_pool), rng.randint(3, 4)))
    selected = None
    if coordination:
        first_coordination = min(coordination)
        ing.selection_on = max(sent, first_coordination - DAY * rng.randint(3, 15))
        selected = candidates[0]
        ing.selected_prestataire_id = selected
        ing.selection_report = (
            f"{len(candidates)} propositions reçues et notées sur 70 ; "
            "la structure a été associée au choix ; chaque candidat a été informé."
        )
        days = Decimal(rng.choice((2, 2.5, 3, 3.5, 4, 4.5, 5)))
        if collective:
            days = Decimal(rng.choice((4, 5, 6, 7, 8)))
        ing.days = days
        ing.daily_rate = Decimal(rng.randrange(850, 1250, 50))
        ing.cost = (days * ing.daily_rate).quantize(Decimal("0.01"))
        ing.kickoff_on = first_coordination + DAY * rng.randint(3, 15)
        if suivi:
            end = min(suivi) - DAY * rng.randint(0, 10)
            ing.kickoff_on = min(ing.kickoff_on, end)
            ing.start_on, ing.end_on = ing.kickoff_on, end
            ing.status = "terminee"
            ing.satisfaction = rng.pick(SATISFACTION)
        elif ing.kickoff_on <= ref:
            ing.start_on = ing.kickoff_on
            ing.status = "en_cours"
        else:
            ing.status = "attribuee"
        remaining = ing.cost
        funders = rng.sample(list(FUNDERS), rng.choice((1, 1, 2)))
        for i, funder in enumerate(funders):
            amount = (
                remaining
                if i == len(funders) - 1
                else (remaining * Decimal("0.6")).quantize(Decimal("0.01"))
            )
            remaining -= amount
            # Committed when the consultant is selected: drawn on that convention year.
            fundings.append(Funding(funder=funder, amount=amount, committed_on=ing.selection_on))
    if not still_open and ing.status != "terminee":
        ing.status = "annulee"
    if ing.consultation_sent_on:
        scores = sorted((rng.randint(30, 68) for _ in candidates), reverse=True)
        for prestataire, score in zip(candidates, scores, strict=True):
            received = ing.consultation_sent_on + DAY * rng.randint(7, 20)
            decided = selected is not None
            proposals.append(
                Proposal(
                    prestataire_id=prestataire,
                    received_on=received if received <= ref else None,
                    score=score if decided else None,
                    days=ing.days,
                    price=ing.cost if prestataire == selected else None,
                    informed=decided,
                )
            )
    return ing, proposals, fundings


def comite_rows(ctx: Context, planned: list[PlannedCase]):
    """Comité d'appui sessions of each DLA, reviewing plans made in the months before."""
    rng = ctx.rng
    by_dla: dict[int, list[PlannedCase]] = {}
    for p in planned:
        if p.timeline.entered("parcours") and rng.random() < COMITE_SHARE:
            by_dla.setdefault(p.dla_id, []).append(p)
    sessions = []
    for dla_id, cases in by_dla.items():
        cases.sort(key=lambda c: c.timeline.entered("parcours"))
        while cases:
            start = cases[0].timeline.entered("parcours")
            window = [c for c in cases if c.timeline.entered("parcours") < start + COMITE_WINDOW]
            cases = cases[len(window) :]
            held_on = window[-1].timeline.entered("parcours") + DAY * rng.randint(5, 25)
            if held_on > ctx.reference:
                continue
            reviews = [
                ComiteReview(
                    accompagnement_id=c.pk,
                    opinion=rng.pick(OPINIONS),
                    comment="Avis sur le diagnostic et le parcours proposé.",
                )
                for c in window
            ]
            sessions.append(
                (ComiteAppui(dla_id=dla_id, held_on=held_on, members=COMITE_MEMBERS), reviews)
            )
    return sessions


def followup_row(ctx: Context, planned: PlannedCase) -> FollowUp | None:
    rng, tl, s = ctx.rng, planned.timeline, planned.structure
    start = tl.entered("suivi")
    if start is None:
        return None
    closed = tl.entered("cloture")
    if closed:
        checked = start + DAY * rng.randint(0, max(0, (closed - start).days - 1))
    elif tl.state == "suivi":
        checked = start + DAY * rng.randint(60, 300)
        if checked > ctx.reference:
            return None
    else:
        return None
    situation = rng.pick(SITUATIONS)
    delta = {
        "consolidee": rng.randint(0, 2),
        "developpement": rng.randint(1, 4),
        "fragile": -rng.randint(0, 2),
        "cessation": -s.headcount,
    }[situation]
    headcount = max(0, s.headcount + delta)
    cdi = min(headcount, round(headcount * rng.uniform(0.6, 0.9)))
    return FollowUp(
        accompagnement_id=planned.pk,
        checked_on=checked,
        headcount=headcount,
        fte=Decimal(str(round(headcount * rng.uniform(0.6, 0.95), 2))),
        cdi_count=cdi,
        cdd_count=headcount - cdi,
        budget=int((s.budget or 0) * rng.uniform(0.85, 1.25)) if situation != "cessation" else 0,
        situation=situation,
        satisfaction=rng.pick(SATISFACTION),
        comment="Point téléphonique avec la direction." if rng.random() < 0.5 else "",
    )


def insert_cases(ctx: Context, planned: list[PlannedCase]) -> dict[str, int]:
    """Insert a batch of planned cases and everything their phases produced."""
    rng = ctx.rng
    counts: dict[str, int] = {}

    def insert(model, rows):
        model.objects.bulk_create(rows, batch_size=BATCH)
        counts[model.__name__] = counts.get(model.__name__, 0) + len(rows)

    cases = [build_case(ctx, p) for p in planned]
    insert(Accompagnement, cases)
    for p, case in zip(planned, cases, strict=True):
        p.pk = case.pk
        p.extras["theme"] = rng.pick(THEMES)

    insert(TransitionLog, [row for p in planned for row in journal_rows(ctx, p)])

    diagnostics, axes = [], []
    for p in planned:
        diagnostic, rows = diagnostic_rows(ctx, p, p.extras["theme"])
        if diagnostic:
            diagnostics.append(diagnostic)
            axes.append(rows)
    insert(Diagnostic, diagnostics)
    for diagnostic, rows in zip(diagnostics, axes, strict=True):
        for row in rows:
            row.diagnostic_id = diagnostic.pk
    insert(DiagnosticAxis, [row for rows in axes for row in rows])

    insert(Parcours, [r for p in planned if (r := parcours_row(ctx, p, p.extras["theme"]))])

    needing = [p for p in planned if p.timeline.with_ingenierie and p.timeline.entered("parcours")]
    groups = group_collectives(rng, needing)
    ingenieries, proposals, fundings, actions = [], [], [], []
    for members in groups:
        theme = members[0].extras["theme"]
        ing, props, funds = ingenierie_rows(ctx, members, members[0].dla_id, theme)
        ingenieries.append((ing, members, props, funds))
    insert(Ingenierie, [ing for ing, *_ in ingenieries])
    for ing, members, props, funds in ingenieries:
        for row in props + funds:
            row.ingenierie_id = ing.pk
        proposals += props
        fundings += funds
        for member in members:
            member.extras["ingenierie"] = ing
    insert(Proposal, proposals)
    insert(Funding, fundings)

    for p in planned:
        if p.timeline.entered("parcours") is None:
            continue
        position = 1
        ing = p.extras.get("ingenierie")
        if ing is not None:
            actions.append(
                PlanAction(
                    accompagnement_id=p.pk,
                    position=position,
                    kind="ingenierie",
                    title=f"Ingénierie DLA : {THEME_LABELS[ing.theme]}",
                    ingenierie_id=ing.pk,
                )
            )
            position += 1
        extra = other_actions(ctx, p, rng.randint(0, 2) if ing else rng.randint(1, 3))
        for action in extra:
            action.position = position
            position += 1
        actions += extra
    insert(PlanAction, actions)
    insert(FollowUp, [r for p in planned if (r := followup_row(ctx, p))])

    sessions = comite_rows(ctx, planned)
    insert(ComiteAppui, [comite for comite, _ in sessions])
    for comite, reviews in sessions:
        for review in reviews:
            review.comite_id = comite.pk
    insert(ComiteReview, [review for _, reviews in sessions for review in reviews])
    return counts
