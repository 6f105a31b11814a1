"""What every diffusion model returns: adopters per step per run, summarised."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from peerwheel.engine.diffusion import _kernels

ProgressFn = Callable[[int, int], None]
"""on_step(done, total): called as work completes; total is fixed for a run."""


class ModelKind(StrEnum):
    PEER = "peer"
    THRESHOLD = "threshold"
    COMPLEX = "complex"
    CASCADE = "cascade"
    BASS = "bass"


class Backend(StrEnum):
    """Which kernels run a progressive model. Both give identical results."""

    AUTO = "auto"  # numba
    NUMBA = "numba"
    NUMPY = "numpy"


@dataclass(frozen=True, eq=False)
class GroupBreakdown:
    """Mean share of each group that has adopted, per step (groups x steps + 1)."""

    labels: npt.NDArray[np.str_]
    sizes: npt.NDArray[np.int64]
    mean_fraction: npt.NDArray[np.float64]

    def to_dict(self) -> dict[str, Any]:
        return {
            str(label): {"size": int(size), "mean_fraction": row.round(6).tolist()}
            for label, size, row in zip(self.labels, self.sizes, self.mean_fraction, strict=True)
        }


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """R Monte Carlo runs of T steps of one model.

    Attributes:
        counts: runs x (steps + 1) cumulative adopters; column 0 is the state before the
            first step (the seeds).
        state_counts: for the peer model, people in each state per run and step
            ("explorer", "regular", "heavy", "agent", "trained").
        breakdowns: per group name (department, site), the mean adopted share per group.
        seed: the rng seed that reproduces the result.
    """

    model: ModelKind
    people: int
    counts: npt.NDArray[np.int64]
    seed: int
    seconds: float
    state_counts: Mapping[str, npt.NDArray[np.int64]] = field(default_factory=dict)
    breakdowns: Mapping[str, GroupBreakdown] = field(default_factory=dict)
    parameters: Mapping[str, Any] = field(default_factory=dict)

    @property
    def runs(self) -> int:
        return int(self.counts.shape[0])

    @property
    def steps(self) -> int:
        return int(self.counts.shape[1] - 1)

    @property
    def fractions(self) -> npt.NDArray[np.float64]:
        return self.counts / max(self.people, 1)

    @property
    def mean_fraction(self) -> npt.NDArray[np.float64]:
        return self.fractions.mean(axis=0)

    @property
    def band_low(self) -> npt.NDArray[np.float64]:
        return np.quantile(self.fractions, 0.05, axis=0)

    @property
    def band_high(self) -> npt.NDArray[np.float64]:
        return np.quantile(self.fractions, 0.95, axis=0)

    @property
    def first_run_counts(self) -> npt.NDArray[np.int64]:
        return self.counts[0]

    @property
    def final_sizes(self) -> npt.NDArray[np.int64]:
        return self.counts[:, -1]

    @property
    def time_to_half(self) -> npt.NDArray[np.float64]:
        """Per run, the first step at which half the people have adopted (NaN if never)."""
        reached = self.counts * 2 >= self.people
        first = np.argmax(reached, axis=1).astype(np.float64)
        first[~reached.any(axis=1)] = np.nan
        return first

    @property
    def median_time_to_half(self) -> float | None:
        """Median over runs, a run that never gets there counting as the slowest; None unless
        more than half the runs get there (the median would be "never")."""
        times = np.sort(np.where(np.isnan(self.time_to_half), np.inf, self.time_to_half))
        middle = len(times) // 2
        median = times[middle] if len(times) % 2 else (times[middle - 1] + times[middle]) / 2
        return float(median) if np.isfinite(median) else None

    def state_fraction(self, state: str) -> npt.NDArray[np.float64]:
        """Mean share of people in a peer-model state per step."""
        return self.state_counts[state].mean(axis=0) / max(self.people, 1)

    def to_dict(self) -> dict[str, Any]:
        half = self.median_time_to_half
        out: dict[str, Any] = {
            "model": str(self.model),
            "people": self.people,
            "runs": self.runs,
            "steps": self.steps,
            "seed": self.seed,
            "seconds": round(self.seconds, 4),
            "mean_fraction": self.mean_fraction.round(6).tolist(),
            "band_low": self.band_low.round(6).tolist(),
            "band_high": self.band_high.round(6).tolist(),
            "first_run_counts": self.first_run_counts.tolist(),
            "final_sizes": self.final_sizes.tolist(),
            "time_to_half": None if half is None else half,
            "parameters": dict(self.parameters),
        }
        if self.state_counts:
            out["state_mean_fraction"] = {
                name: self.state_fraction(name).round(6).tolist() for name in self.state_counts
            }
        if self.breakdowns:
            out["breakdowns"] = {name: b.to_dict() for name, b in self.breakdowns.items()}
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), default=str)


class TimesCollector:
    """Folds chunks of per-node adoption times (runs x n, -1 = never) into a result."""

    def __init__(self, n: int, steps: int, groups: Mapping[str, npt.NDArray[np.str_]]) -> None:
        self.n, self.steps = n, steps
        self.counts: list[npt.NDArray[np.int64]] = []
        self.groups: dict[str, tuple[npt.NDArray[np.str_], npt.NDArray[np.int64]]] = {}
        self.group_sums: dict[str, npt.NDArray[np.float64]] = {}
        for name, labels in groups.items():
            uniq, codes = np.unique(labels, return_inverse=True)
            self.groups[name] = (uniq, codes.astype(np.int64))
            self.group_sums[name] = np.zeros((uniq.size, steps + 1))

    def add(self, times: npt.NDArray[np.int32]) -> None:
        width = self.steps + 1
        self.counts.append(np.cumsum(_kernels.step_counts(times, width), axis=1))
        if not self.groups:
            return
        adopted = times >= 0
        for name, (uniq, codes) in self.groups.items():
            g = np.broadcast_to(codes, times.shape)[adopted]
            per = np.bincount(g * width + times[adopted], minlength=uniq.size * width)
            self.group_sums[name] += np.cumsum(per.reshape(uniq.size, width), axis=1)

    def result(
        self, model: ModelKind, seed: int, seconds: float, parameters: Mapping[str, Any]
    ) -> SimulationResult:
        counts = np.concatenate(self.counts).astype(np.int64)
        runs = counts.shape[0]
        breakdowns = {}
        for name, (uniq, codes) in self.groups.items():
            sizes = np.bincount(codes, minlength=uniq.size).astype(np.int64)
            frac = self.group_sums[name] / (runs * np.maximum(sizes, 1))[:, None]
            breakdowns[name] = GroupBreakdown(labels=uniq, sizes=sizes, mean_fraction=frac)
        return SimulationResult(
            model=model,
            people=self.n,
            counts=counts,
            seed=seed,
            seconds=seconds,
            breakdowns=breakdowns,
            parameters=parameters,
        )
