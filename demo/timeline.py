"""A case's life drawn ahead: its phases, how long each lasts, how it ends.

The path is drawn first and then cut at the reference date, so cases opened
recently are still open in a phase, in the proportions the durations give.
"""

import datetime
import itertools
from dataclasses import dataclass, field

from .config import MAX_CASE_DAYS, OUTCOMES, PHASE_DAYS, PLAN_WITH_INGENIERIE, Rng

FORWARD = {
    ("accueil", "diagnostic"): "start_diagnostic",
    ("diagnostic", "parcours"): "start_parcours",
    ("parcours", "coordination"): "start_coordination",
    ("parcours", "suivi"): "skip_to_suivi",
    ("coordination", "suivi"): "start_suivi",
}
EXIT = {"cloture": "close", "reoriente": "reorient", "abandonne": "abandon"}


@dataclass
class Step:
    transition: str
    from_state: str
    to_state: str
    on: datetime.date
    at: datetime.datetime | None = None


@dataclass
class Timeline:
    opened_on: datetime.date
    with_ingenierie: bool
    terminal: str  # where the drawn path ends, reached or not by the reference date
    steps: list[Step] = field(default_factory=list)  # only those on or before the reference

    @property
    def state(self) -> str:
        return self.steps[-1].to_state

    @property
    def is_open(self) -> bool:
        return self.state not in EXIT

    @property
    def ended_on(self) -> datetime.date | None:
        return None if self.is_open else self.steps[-1].on

    def entered(self, state: str) -> datetime.date | None:
        for step in self.steps:
            if step.to_state == state:
                return step.on
        return None

    def left(self, state: str) -> datetime.date | None:
        for step in self.steps:
            if step.from_state == state:
                return step.on
        return None


def draw(
    rng: Rng, opened_on: datetime.date, reference: datetime.date, freeze_in: str | None = None
) -> Timeline:
    """Draw a path from ``opened_on``. ``freeze_in``: a case that is in that phase today
    (its opening date is then moved back so that it is)."""
    outcome = "cloture" if freeze_in else rng.pick(OUTCOMES)
    with_ingenierie = rng.random() < PLAN_WITH_INGENIERIE
    if outcome == "cloture":
        terminal, last_phase = "cloture", "suivi"
    else:
        terminal, last_phase = outcome.split("_")
    if last_phase == "coordination" or freeze_in == "coordination":
        with_ingenierie = True
    phases = ["accueil", "diagnostic", "parcours"]
    phases += ["coordination", "suivi"] if with_ingenierie else ["suivi"]
    phases = phases[: phases.index(last_phase) + 1]
    days = [rng.randint(*PHASE_DAYS[p]) for p in phases]
    if terminal != "cloture":
        days[-1] = max(3, round(days[-1] * rng.uniform(0.2, 1.0)))
    if sum(days) > MAX_CASE_DAYS:
        days = [max(3, d * MAX_CASE_DAYS // sum(days)) for d in days]
    if freeze_in:
        index = phases.index(freeze_in)
        opened_on = reference - datetime.timedelta(
            days=sum(days[:index]) + rng.randint(0, days[index] - 1)
        )

    steps = [Step("open", "", "accueil", opened_on)]
    day = opened_on
    for phase, nxt, length in zip(phases, [*phases[1:], terminal], days, strict=True):
        day += datetime.timedelta(days=length)
        transition = FORWARD.get((phase, nxt)) or EXIT[nxt]
        steps.append(Step(transition, phase, nxt, day))
    steps = [s for s in steps if s.on <= reference]
    for step in steps:
        step.at = rng.moment(step.on)
    # Same-day steps keep their order.
    for before, after in itertools.pairwise(steps):
        if after.at <= before.at:
            after.at = before.at + datetime.timedelta(minutes=rng.randint(5, 90))
    return Timeline(opened_on, with_ingenierie, terminal, steps)
