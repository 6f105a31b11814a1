"""What `peerwheel simulate` was asked: its arguments, parsed into one frozen `SimulateOptions`."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from peerwheel.engine.diffusion import Cadence, ModelKind
from peerwheel.engine.scenarios import PRESETS
from peerwheel.engine.seeding import SeedStrategy
from peerwheel.simulate.scenarios import Levers

DEFAULT_STRATEGIES = "natural,appointed,degree,optimised"
DEFAULT_K = 15


class _Unset:
    """--seed-strategy not given (None means "none": no champions)."""

    def __repr__(self) -> str:
        return "the scenario's"


UNSET = _Unset()


# ---- argument types ------------------------------------------------------------------------


def _int_at_least(low: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
        return value

    return parse


def _unit(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {value}")
    return value


def strategy_arg(text: str) -> SeedStrategy | None:
    if text == "none":
        return None
    try:
        return SeedStrategy(text)
    except ValueError:
        known = ", ".join(["none", *(s.value for s in SeedStrategy)])
        raise argparse.ArgumentTypeError(f"unknown strategy {text!r}; choose {known}") from None


ACTIONS = ("run", "compare")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options, each with a short metavar and its default in its help."""
    positive = _int_at_least(1)
    parser.add_argument(
        "action",
        nargs="?",
        default="run",
        metavar="{run,compare}",  # checked after parsing: a misspelt option is named first
        help="run (default): one model run; compare: strategies side by side (a sweep)",
    )
    model = parser.add_argument_group("model and network")
    model.add_argument(
        "--model",
        choices=[m.value for m in ModelKind],
        default="peer",
        metavar="MODEL",
        help="peer (default), threshold, complex, cascade or bass",
    )
    model.add_argument(
        "--graph",
        default="org",
        metavar="org|PATH",
        help="the organisation's network in the database (default) or an edge list PATH.csv",
    )
    model.add_argument("--directed", action="store_true", help="read the edge list as directed")
    model.add_argument(
        "--groups", type=Path, metavar="PATH", help="labels: node,GROUP CSV, e.g. node,department"
    )
    model.add_argument(
        "--thresholds",
        default="uniform:0:1",
        metavar="SPEC",
        help="threshold model: uniform:A:B (default uniform:0:1), normal:MEAN:SD or PATH.csv",
    )
    model.add_argument(
        "--complex-k",
        type=positive,
        default=2,
        metavar="K",
        help="complex contagion: adopting neighbours needed (default 2)",
    )
    model.add_argument(
        "--edge-p",
        default="0.1",
        metavar="P|weighted",
        help="cascade: the probability on every tie (default 0.1), or weight / in-weight",
    )
    model.add_argument(
        "--p", type=_unit, default=0.03, metavar="P", help="Bass innovation (default 0.03)"
    )
    model.add_argument(
        "--q", type=_unit, default=0.38, metavar="Q", help="Bass imitation (default 0.38)"
    )
    model.add_argument(
        "--people", type=positive, default=10_000, metavar="N", help="Bass population (10000)"
    )
    model.add_argument(
        "--substeps", type=positive, default=1, metavar="N", help="Bass substeps a step (1)"
    )
    peer = parser.add_argument_group("peer-model scenario (levers on top of the preset)")
    peer.add_argument(
        "--preset",
        choices=[s.key for s in PRESETS],
        metavar="KEY",
        help="start from a preset: " + ", ".join(s.key for s in PRESETS),
    )
    peer.add_argument("--friction", type=_unit, metavar="0-1", help="friction (preset's: 0.5)")
    peer.add_argument(
        "--safety", type=_unit, metavar="0-1", help="psychological safety (preset's: 0.5)"
    )
    peer.add_argument(
        "--mandate-week", type=positive, metavar="N", help="a mandate (and training) from week N"
    )
    peer.add_argument(
        "--show-and-tell",
        choices=[c.value for c in Cadence],
        metavar="CADENCE",
        help="none, weekly or monthly",
    )
    peer.add_argument(
        "--failure-week", type=positive, metavar="N", help="a visible failure in week N"
    )
    peer.add_argument(
        "--no-calibrate",
        action="store_true",
        help="run the engine's raw defaults instead of the peer model calibrated as on the "
        "Simulate page (to a closed study wave's effects, or the published 8.9 and 10.4)",
    )
    seeds = parser.add_argument_group("champions (seeds)")
    seeds.add_argument("--seeds", type=Path, metavar="PATH", help="node ids, one a line")
    seeds.add_argument(
        "--seed-strategy",
        type=strategy_arg,
        default=UNSET,
        metavar="STRATEGY",
        help="none, natural, appointed, degree, pagerank or optimised (default: the preset's)",
    )
    seeds.add_argument(
        "--k", type=positive, metavar="K", help=f"how many champions (default {DEFAULT_K})"
    )
    seeds.add_argument(
        "--natural-list", type=Path, metavar="PATH", help="natural champions, best first"
    )
    seeds.add_argument(
        "--appointed-from",
        metavar="GROUP=V1,V2",
        help="appoint at random from these groups (default: from everyone)",
    )
    runs = parser.add_argument_group("runs")
    runs.add_argument(
        "--runs", type=positive, default=100, metavar="R", help="Monte Carlo runs (default 100)"
    )
    runs.add_argument(
        "--steps",
        type=_int_at_least(0),
        metavar="T",
        help="steps to run (default: 52 weeks for the peer model, 50 steps for the others)",
    )
    runs.add_argument(
        "--rng-seed",
        type=_int_at_least(0),
        default=42,
        metavar="S",
        help="the seed that reproduces the result (default 42)",
    )
    runs.add_argument("--json", action="store_true", help="print the result as JSON")
    sweep = parser.add_argument_group("compare (a sweep)")
    sweep.add_argument(
        "--strategies", metavar="S1,S2", help=f"strategies (default {DEFAULT_STRATEGIES})"
    )
    sweep.add_argument("--presets", metavar="KEY1,KEY2", help="peer-model presets to compare")
    sweep.add_argument(
        "--rng-seeds", metavar="S1,S2", help="rng seeds; the runs of each are pooled"
    )
    sweep.add_argument(
        "--out", type=Path, metavar="PATH", help="write the chart: PATH.html or PATH.png"
    )
    sweep.add_argument(
        "--workers", type=positive, metavar="N", help="local processes (default: the CPUs)"
    )


@dataclass(frozen=True)
class SimulateOptions:
    """Every option of `peerwheel simulate`, as parsed (see `add_arguments` for their help)."""

    action: str = "run"
    model: ModelKind = ModelKind.PEER
    graph: str = "org"
    directed: bool = False
    groups: Path | None = None
    thresholds: str = "uniform:0:1"
    complex_k: int = 2
    edge_p: str = "0.1"
    p: float = 0.03
    q: float = 0.38
    people: int = 10_000
    substeps: int = 1
    preset: str | None = None
    friction: float | None = None
    safety: float | None = None
    mandate_week: int | None = None
    show_and_tell: Cadence | None = None
    failure_week: int | None = None
    no_calibrate: bool = False
    seeds: Path | None = None
    seed_strategy: SeedStrategy | _Unset | None = UNSET
    k: int | None = None
    natural_list: Path | None = None
    appointed_from: str | None = None
    runs: int = 100
    steps: int | None = None
    rng_seed: int = 42
    json: bool = False
    strategies: str | None = None
    presets: str | None = None
    rng_seeds: str | None = None
    out: Path | None = None
    workers: int | None = None

    @classmethod
    def from_parsed(cls, options: Mapping[str, Any]) -> SimulateOptions:
        """From the parser's options (a command's **options; other keys are ignored)."""
        values = {f.name: options[f.name] for f in fields(cls) if f.name in options}
        values["model"] = ModelKind(values.get("model", ModelKind.PEER))
        if values.get("show_and_tell"):
            values["show_and_tell"] = Cadence(values["show_and_tell"])
        else:
            values["show_and_tell"] = None
        return cls(**values)

    @property
    def is_peer(self) -> bool:
        return self.model == ModelKind.PEER

    @property
    def levers(self) -> Levers:
        """The peer-scenario levers given on the command line."""
        return Levers(
            friction=self.friction,
            safety=self.safety,
            mandate_week=self.mandate_week,
            failure_week=self.failure_week,
            show_and_tell=self.show_and_tell,
            k=self.k,
        )

    @property
    def step_count(self) -> int:
        """--steps, or the model's default: 52 weeks for the peer model, 50 steps otherwise."""
        if self.steps is not None:
            return int(self.steps)
        return 52 if self.is_peer else 50
