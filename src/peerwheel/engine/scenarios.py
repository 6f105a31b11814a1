"""Rollout scenarios as data: the presets that tell the peer-influence story.

A Scenario is what a program lead decides (who the champions are, whether there is a mandate,
how often show-and-tell runs, how much friction and safety there is) plus, for the story, a
visible failure in a given week. It turns into the peer model's params and a seed strategy;
everything else (the coefficients) stays at the model's defaults or a calibration.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from peerwheel.engine.diffusion import Cadence, PeerParams
from peerwheel.engine.seeding import SeedStrategy


@dataclass(frozen=True)
class Scenario:
    """One rollout choice. strategy None: no champions at all."""

    key: str
    name: str
    story: str = ""
    strategy: SeedStrategy | None = SeedStrategy.NATURAL
    k: int = 15
    mandate_week: int | None = None
    show_and_tell: Cadence = Cadence.NONE
    failure_week: int | None = None
    friction: float = 0.5
    safety: float = 0.5

    def __post_init__(self) -> None:
        if self.k < 0:
            raise ValueError(f"k must be 0 or more, got {self.k}")
        for name in ("friction", "safety"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {getattr(self, name)}")
        for name in ("mandate_week", "failure_week"):
            week = getattr(self, name)
            if week is not None and week < 1:
                raise ValueError(f"{name} must be week 1 or later, got {week}")

    def peer_params(self, base: PeerParams | None = None) -> PeerParams:
        """The peer model's params: `base` (defaults, or a calibration) with this scenario."""
        return replace(
            base or PeerParams(),
            mandate_week=self.mandate_week,
            show_and_tell=self.show_and_tell,
            failure_weeks=() if self.failure_week is None else (self.failure_week,),
            friction=self.friction,
            safety=self.safety,
        )

    @property
    def champions(self) -> int:
        """How many champions are seeded (0 without a strategy)."""
        return 0 if self.strategy is None else self.k

    def with_changes(self, **changes: Any) -> Scenario:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["strategy"] = None if self.strategy is None else str(self.strategy)
        out["show_and_tell"] = str(self.show_and_tell)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scenario:
        values = dict(data)
        strategy = values.get("strategy")
        values["strategy"] = None if strategy in (None, "", "none") else SeedStrategy(strategy)
        values["show_and_tell"] = Cadence(values.get("show_and_tell", Cadence.NONE))
        return cls(**values)


MANDATE_ONLY = Scenario(
    key="mandate-only",
    name="Mandate only",
    story="Everyone is told to use AI and trained from week 2; no champions, no show-and-tell.",
    strategy=None,
    mandate_week=2,
)
APPOINTED = Scenario(
    key="appointed",
    name="Appointed champions",
    story="15 champions named by management, wherever they sit in the network.",
    strategy=SeedStrategy.APPOINTED,
)
NATURAL = Scenario(
    key="natural",
    name="Natural champions",
    story="The 15 people colleagues already go to (hub reach), spread across departments.",
    strategy=SeedStrategy.NATURAL,
)
NATURAL_SHOW_AND_TELL = Scenario(
    key="natural-show-and-tell",
    name="Natural champions + weekly show-and-tell",
    story="Natural champions, and every week a few users demo what worked to whoever attends.",
    strategy=SeedStrategy.NATURAL,
    show_and_tell=Cadence.WEEKLY,
)
NATURAL_SHOW_AND_TELL_FAILURE = Scenario(
    key="natural-show-and-tell-failure",
    name="The same with a visible failure in week 6",
    story="As above, but in week 6 something goes visibly wrong and everyone hesitates.",
    strategy=SeedStrategy.NATURAL,
    show_and_tell=Cadence.WEEKLY,
    failure_week=6,
)

PRESETS: tuple[Scenario, ...] = (
    MANDATE_ONLY,
    APPOINTED,
    NATURAL,
    NATURAL_SHOW_AND_TELL,
    NATURAL_SHOW_AND_TELL_FAILURE,
)


def preset(key: str) -> Scenario:
    """The preset with this key; ValueError lists the known ones."""
    for scenario in PRESETS:
        if scenario.key == key:
            return scenario
    known = ", ".join(s.key for s in PRESETS)
    raise ValueError(f"unknown scenario {key!r}; choose one of {known}")
