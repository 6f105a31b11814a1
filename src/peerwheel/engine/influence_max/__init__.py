"""IMM influence maximisation (Tang, Shi and Xiao, SIGMOD 2015), made fast.

sampling.py draws the RR sets, cover.py picks the greedy maximum coverage, imm.py runs IMM.

Reverse-reachable (RR) sets are sampled in blocks, each block with its own counter-based
random stream, so the sets depend on the seed and the block size only, never on how many
threads drew them; blocks run on all cores (the kernels release the GIL). The greedy maximum
coverage is a lazy greedy over a node → sets index (a priority queue of coverage counts that
are only ever lowered). As in Chen's correction of IMM's analysis ("An issue in the martingale
analysis of the influence maximization algorithm IMM", 2018), the sets that pick the seeds are
drawn afresh, independent of those that estimated the lower bound.

Guarantee: with probability at least 1 − n^−ℓ, the seeds' expected spread is at least
(1 − 1/e − ε) times the best possible, for the independent cascade or for the linear
threshold model with thresholds uniform on [0, 1] (Kempe's live-edge form).
"""

from peerwheel.engine.influence_max.cover import CoverIndex, greedy_cover
from peerwheel.engine.influence_max.imm import ImmResult, imm, sample_sizes
from peerwheel.engine.influence_max.sampling import (
    BLOCK,
    InGraph,
    RRSets,
    extend,
    in_graph,
    sample_rr_sets,
)

__all__ = [
    "BLOCK",
    "CoverIndex",
    "ImmResult",
    "InGraph",
    "RRSets",
    "extend",
    "greedy_cover",
    "imm",
    "in_graph",
    "sample_rr_sets",
    "sample_sizes",
]
