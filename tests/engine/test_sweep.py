"""Sweeps: the same tasks give the same results in this process and in local processes;
results of a label and strategy pool their runs."""

from __future__ import annotations

import numpy as np
import pytest

from peerwheel.engine.diffusion import CascadeParams, simulate
from peerwheel.engine.networks import Network, watts_strogatz
from peerwheel.engine.scenarios import preset
from peerwheel.engine.seeding import SeedStrategy, choose_seeds
from peerwheel.engine.sweep import (
    SweepTask,
    group_outcomes,
    merge_results,
    run_sweep,
    summarise,
)


@pytest.fixture(scope="module")
def network() -> Network:
    net = watts_strogatz(150, 6, 0.1, rng_seed=3)
    return net.with_groups(department=np.where(np.arange(150) < 75, "north", "south"))


def sweep(network: Network) -> list[SweepTask]:
    """2 scenarios × 2 rng seeds × 2 strategies, plus a classic model."""
    tasks = [
        SweepTask(
            label=key,
            params=preset(key).peer_params(),
            strategy=strategy,
            k=4,
            rng_seed=seed,
            runs=6,
            steps=10,
        )
        for key in ("natural", "natural-show-and-tell-failure")
        for seed in (1, 2)
        for strategy in (SeedStrategy.NATURAL, SeedStrategy.DEGREE)
    ]
    tasks.append(SweepTask("cascade", CascadeParams(p=0.2), SeedStrategy.PAGERANK, 3, 5, 8, 10))
    return tasks


def test_a_task_is_the_model_run_with_the_strategy_seeds(network: Network) -> None:
    task = sweep(network)[1]
    [outcome] = run_sweep(network, [task], workers=1)
    seeds = choose_seeds(network, SeedStrategy.DEGREE, 4)
    direct = simulate(network, task.params, seeds=seeds, runs=6, steps=10, rng_seed=1)
    np.testing.assert_array_equal(outcome.result.counts, direct.counts)
    assert outcome.seeds == tuple(seeds.tolist())


@pytest.mark.slow
def test_local_processes_give_the_same_results_as_one_process(network: Network) -> None:
    tasks = sweep(network)
    inline = run_sweep(network, tasks, workers=1)
    done: list[tuple[int, int]] = []
    pooled = run_sweep(network, tasks, workers=2, on_done=lambda d, t: done.append((d, t)))
    assert [o.task for o in pooled] == tasks  # in task order, whatever finished first
    for a, b in zip(inline, pooled, strict=True):
        np.testing.assert_array_equal(a.result.counts, b.result.counts)
    assert done[-1] == (len(tasks), len(tasks))


def test_runs_of_one_label_and_strategy_are_pooled(network: Network) -> None:
    outcomes = run_sweep(network, sweep(network), workers=1)
    grouped = group_outcomes(outcomes)
    assert [(label, str(s)) for label, s, _ in grouped] == [
        ("natural", "natural"),
        ("natural", "degree"),
        ("natural-show-and-tell-failure", "natural"),
        ("natural-show-and-tell-failure", "degree"),
        ("cascade", "pagerank"),
    ]
    pooled = grouped[0][2]
    assert pooled.runs == 12 and pooled.parameters["rng_seeds"] == [1, 2]
    np.testing.assert_array_equal(
        pooled.counts, np.vstack([outcomes[0].result.counts, outcomes[2].result.counts])
    )
    assert pooled.state_counts["heavy"].shape == (12, 11)
    both = merge_results([outcomes[0].result, outcomes[2].result]).breakdowns["department"]
    np.testing.assert_allclose(
        (both.mean_fraction * both.sizes[:, None]).sum(axis=0), pooled.counts.mean(axis=0)
    )
    line = summarise("natural", SeedStrategy.NATURAL, pooled)
    assert line.final_mean == pytest.approx(pooled.mean_fraction[-1])
    assert line.heavy_share is not None
    assert summarise("cascade", None, grouped[-1][2]).heavy_share is None
