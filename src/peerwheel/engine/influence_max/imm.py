"""IMM itself: the sample sizes, the estimation phase and the final pick.

As in Chen's correction of IMM's analysis ("An issue in the martingale analysis of the
influence maximization algorithm IMM", 2018), the sets that pick the seeds are drawn afresh,
independent of those that estimated the lower bound.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from peerwheel.engine.diffusion import CascadeParams, ThresholdParams
from peerwheel.engine.influence_max.cover import CoverIndex, greedy_cover
from peerwheel.engine.influence_max.sampling import (
    BLOCK,
    RRSets,
    extend,
    in_graph,
    sample_rr_sets,
)
from peerwheel.engine.networks import Network


@dataclass(frozen=True, eq=False)
class ImmResult:
    """The seeds and how they were found.

    Attributes:
        seeds: the k chosen node positions, sorted.
        coverage: share of the final RR sets the seeds cover; n × coverage is an unbiased
            estimate of their expected spread.
        lower_bound: IMM's lower bound on the best spread (from the estimation phase).
        rr_sets: how many RR sets picked the seeds (θ); the estimation phase's not counted.
        epsilon, ell: the guarantee asked for.
    """

    seeds: npt.NDArray[np.int64]
    n: int
    coverage: float
    lower_bound: float
    rr_sets: int
    epsilon: float
    ell: float

    @property
    def estimated_spread(self) -> float:
        return self.coverage * self.n


def _log_binomial(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def sample_sizes(n: int, k: int, epsilon: float, ell: float) -> tuple[float, float]:
    """IMM's λ' and λ* (Tang et al. 2015, eq. 9 and Theorem 1), with ℓ raised to
    ℓ·(1 + log 2 / log n) so that both phases together fail with probability at most n^−ℓ."""
    ell = ell * (1 + math.log(2) / math.log(n))
    log_nk = _log_binomial(n, k)
    eps_prime = math.sqrt(2) * epsilon
    lam_prime = (
        (2 + 2 * eps_prime / 3)
        * (log_nk + ell * math.log(n) + math.log(math.log2(n)))
        * n
        / eps_prime**2
    )
    alpha = math.sqrt(ell * math.log(n) + math.log(2))
    beta = math.sqrt((1 - 1 / math.e) * (log_nk + ell * math.log(n) + math.log(2)))
    lam_star = 2 * n * ((1 - 1 / math.e) * alpha + beta) ** 2 / epsilon**2
    return lam_prime, lam_star


def _phases(n: int, lam_prime: float) -> Iterator[tuple[float, int]]:
    for i in range(1, max(2, int(math.log2(n)))):
        x = n / 2**i
        yield x, math.ceil(lam_prime / x)


def imm(
    network: Network,
    k: int,
    params: CascadeParams | ThresholdParams,
    *,
    epsilon: float = 0.1,
    ell: float = 1.0,
    rng_seed: int = 0,
) -> ImmResult:
    """IMM: a (1 − 1/e − ε)-approximate seed set with probability at least 1 − 1/n^ℓ."""
    n = network.n
    if not 0 < k <= n:
        raise ValueError(f"k = {k} must be between 1 and the {n} nodes")
    if not 0 < epsilon < 1:
        raise ValueError(f"epsilon must be in (0, 1), got {epsilon}")
    graph = in_graph(network, params)
    if n < 2:
        return ImmResult(np.arange(k, dtype=np.int64), n, 1.0, 1.0, 0, epsilon, ell)
    lam_prime, lam_star = sample_sizes(n, k, epsilon, ell)
    eps_prime = math.sqrt(2) * epsilon
    # estimation: RR sets are extended (never redrawn) as x halves, as in IMM
    lower = 1.0
    sets = RRSets(np.zeros(1, dtype=np.int64), np.empty(0, dtype=np.int32))
    index = CoverIndex(n)
    blocks_used = 0
    for x, theta_i in _phases(n, lam_prime):
        more = theta_i - sets.count
        if more > 0:
            fresh = sample_rr_sets(graph, more, rng_seed=rng_seed, phase=1, first_block=blocks_used)
            blocks_used += -(-more // BLOCK)
            sets = extend(sets, fresh)
        _, covered = index.cover(sets, k)
        if n * covered / sets.count >= (1 + eps_prime) * x:
            lower = n * covered / sets.count / (1 + eps_prime)
            break
    del sets, index
    theta = math.ceil(lam_star / lower)
    final = sample_rr_sets(graph, theta, rng_seed=rng_seed, phase=2)
    chosen, covered = greedy_cover(final, n, k)
    return ImmResult(
        seeds=np.sort(chosen),
        n=n,
        coverage=covered / theta,
        lower_bound=lower,
        rr_sets=theta,
        epsilon=epsilon,
        ell=ell,
    )
