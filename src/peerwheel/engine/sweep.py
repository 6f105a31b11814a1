"""Sweeps: scenarios × rng seeds × strategies, in local processes.

A sweep is a list of independent tasks; each picks its seeds and runs its model with its own
rng seed, so a task's result is the same wherever it runs (this process or any of
many). Results of the tasks that share a label and a strategy are merged into one result
with all their runs.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from peerwheel.engine.diffusion import BassParams, ModelParams, simulate
from peerwheel.engine.diffusion.result import GroupBreakdown, SimulationResult
from peerwheel.engine.networks import Network
from peerwheel.engine.seeding import SeedStrategy, choose_seeds

DoneFn = Callable[[int, int], None]
"""on_done(done, total): called as tasks finish."""


@dataclass(frozen=True)
class SweepTask:
    """One model run of a sweep. `seeds` (node positions) overrides the strategy."""

    label: str
    params: ModelParams
    strategy: SeedStrategy | None
    k: int
    rng_seed: int
    runs: int
    steps: int
    seeds: tuple[int, ...] | None = None
    natural_ids: tuple[str, ...] | None = None
    appointed_group: tuple[str, tuple[str, ...]] | None = None


@dataclass(frozen=True, eq=False)
class SweepOutcome:
    """A finished task: its result and the seeds it used (node positions)."""

    task: SweepTask
    result: SimulationResult
    seeds: tuple[int, ...] = field(default_factory=tuple)


def task_seeds(network: Network | None, task: SweepTask) -> npt.NDArray[np.int64]:
    """The task's seed positions: given, or chosen by its strategy."""
    if task.seeds is not None:
        return np.asarray(task.seeds, dtype=np.int64)
    if task.strategy is None:
        return np.empty(0, dtype=np.int64)
    if network is None or isinstance(task.params, BassParams):
        return np.arange(task.k, dtype=np.int64)  # Bass: k initial adopters, whoever they are
    return choose_seeds(
        network,
        task.strategy,
        task.k,
        params=task.params,
        natural_ids=task.natural_ids,
        appointed_group=task.appointed_group,
        rng_seed=task.rng_seed,
    )


def run_task(
    network: Network | None, task: SweepTask, on_step: DoneFn | None = None
) -> SweepOutcome:
    """Choose the task's seeds and run its model. Pure: the same task gives the same result."""
    seeds = task_seeds(network, task)
    result = simulate(
        network,
        task.params,
        seeds=seeds,
        runs=task.runs,
        steps=task.steps,
        rng_seed=task.rng_seed,
        on_step=on_step,
    )
    return SweepOutcome(task=task, result=result, seeds=tuple(int(s) for s in seeds))


def _run_local(
    network: Network | None, tasks: Sequence[SweepTask], workers: int, on_done: DoneFn | None
) -> list[SweepOutcome]:
    total = len(tasks)
    if workers <= 1 or total <= 1:
        out = []
        for i, task in enumerate(tasks):
            out.append(run_task(network, task))
            if on_done is not None:
                on_done(i + 1, total)
        return out
    results: list[SweepOutcome | None] = [None] * total
    # spawn, not fork: numba's OpenMP threads make fork() unsafe once a kernel has run
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, total), mp_context=context) as pool:
        futures = {pool.submit(run_task, network, task): i for i, task in enumerate(tasks)}
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()
            if on_done is not None:
                on_done(done, total)
    return [r for r in results if r is not None]


def run_sweep(
    network: Network | None,
    tasks: Sequence[SweepTask],
    *,
    workers: int | None = None,
    on_done: DoneFn | None = None,
) -> list[SweepOutcome]:
    """Run every task, in task order, in `workers` local processes (default: the CPU count;
    1 runs them in this process). At the target size (docs/architecture.md) that is enough:
    no cluster is needed."""
    count = workers if workers is not None else (os.cpu_count() or 1)
    return _run_local(network, tasks, count, on_done)


def merge_results(results: Sequence[SimulationResult]) -> SimulationResult:
    """One result with the runs of several (same model, people and steps), in order."""
    if not results:
        raise ValueError("nothing to merge")
    first = results[0]
    if len(results) == 1:
        return first
    if any(r.people != first.people or r.steps != first.steps for r in results):
        raise ValueError("only results with the same people and steps can be merged")
    runs = np.array([r.runs for r in results], dtype=np.float64)
    breakdowns = {}
    for name, group in first.breakdowns.items():
        stacked = np.stack([r.breakdowns[name].mean_fraction for r in results])
        mean = np.tensordot(runs / runs.sum(), stacked, axes=1)
        breakdowns[name] = GroupBreakdown(
            labels=group.labels, sizes=group.sizes, mean_fraction=mean
        )
    return SimulationResult(
        model=first.model,
        people=first.people,
        counts=np.concatenate([r.counts for r in results]),
        seed=first.seed,
        seconds=float(sum(r.seconds for r in results)),
        state_counts={
            name: np.concatenate([r.state_counts[name] for r in results])
            for name in first.state_counts
        },
        breakdowns=breakdowns,
        parameters={**first.parameters, "rng_seeds": [r.seed for r in results]},
    )


@dataclass(frozen=True)
class Summary:
    """One line of a comparison table."""

    label: str
    strategy: str
    runs: int
    final_mean: float  # mean adopted share at the end
    weeks_to_half: float | None  # median over runs; None when most runs never get there
    heavy_share: float | None  # mean heavy-user share at the end (peer model only)


def summarise(label: str, strategy: SeedStrategy | None, result: SimulationResult) -> Summary:
    heavy = result.state_fraction("heavy")[-1] if "heavy" in result.state_counts else None
    return Summary(
        label=label,
        strategy="none" if strategy is None else str(strategy),
        runs=result.runs,
        final_mean=float(result.mean_fraction[-1]),
        weeks_to_half=result.median_time_to_half,
        heavy_share=None if heavy is None else float(heavy),
    )


def group_outcomes(
    outcomes: Sequence[SweepOutcome],
) -> list[tuple[str, SeedStrategy | None, SimulationResult]]:
    """Merge the outcomes that share a label and a strategy, in first-seen order."""
    groups: dict[tuple[str, SeedStrategy | None], list[SimulationResult]] = {}
    for outcome in outcomes:
        groups.setdefault((outcome.task.label, outcome.task.strategy), []).append(outcome.result)
    return [(label, strategy, merge_results(rs)) for (label, strategy), rs in groups.items()]
