"""Greedy maximum coverage of RR sets: a lazy greedy over a node → sets index (a priority
queue of coverage counts that are only ever lowered), built batch by batch as the sets grow."""

from __future__ import annotations

import heapq

import numba
import numpy as np

from peerwheel.engine.influence_max.sampling import I32, I64, RRSets


@numba.njit(cache=True, nogil=True)
def _incidence(
    ptr: I64, nodes: I32, n: int, first: int
) -> tuple[I64, I32]:  # pragma: no cover - compiled
    """For each node, the sets from `first` on that hold it (CSR: node -> set ids)."""
    counts = np.zeros(n + 1, dtype=np.int64)
    for j in range(ptr[first], nodes.size):
        counts[nodes[j] + 1] += 1
    for v in range(n):
        counts[v + 1] += counts[v]
    fill = counts[:-1].copy()
    inc = np.empty(nodes.size - ptr[first], dtype=np.int32)
    for s in range(first, ptr.size - 1):
        for j in range(ptr[s], ptr[s + 1]):
            v = nodes[j]
            inc[fill[v]] = s
            fill[v] += 1
    return counts, inc


@numba.njit(cache=True, nogil=True)
def _greedy(
    ptr: I64, nodes: I32, index: I64, incs: list[I32], n: int, k: int
) -> tuple[I64, int]:  # pragma: no cover - compiled
    """Greedy maximum coverage, lazily: a node's count in the queue is only re-checked when it
    comes to the top (counts only fall). Ties go to the lower node position. index[r] and
    incs[r] are the node -> sets CSR of one batch of sets."""
    gain = np.zeros(n, dtype=np.int64)
    for r in range(index.shape[0]):
        for v in range(n):
            gain[v] += index[r, v + 1] - index[r, v]
    covered = np.zeros(ptr.size - 1, dtype=np.bool_)
    heap = [(-gain[v], v) for v in range(n)]
    heapq.heapify(heap)
    chosen = np.empty(k, dtype=np.int64)
    total = 0
    picked = 0
    while picked < k:
        neg, v = heapq.heappop(heap)
        if -neg != gain[v]:
            heapq.heappush(heap, (-gain[v], v))
            continue
        chosen[picked] = v
        picked += 1
        total += gain[v]
        for r in range(index.shape[0]):
            inc = incs[r]
            for j in range(index[r, v], index[r, v + 1]):
                s = inc[j]
                if not covered[s]:
                    covered[s] = True
                    for q in range(ptr[s], ptr[s + 1]):
                        gain[nodes[q]] -= 1
        gain[v] = -1
    return chosen, total


class CoverIndex:
    """Which RR sets hold each node, built batch by batch as the sets grow (IMM's estimation
    phase doubles them: only the new ones are indexed each time)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.indexed = 0
        self.rows: list[I64] = []
        self.parts: list[I32] = []

    def cover(self, sets: RRSets, k: int) -> tuple[I64, int]:
        """Greedy maximum coverage of all the sets so far: k nodes and the sets they cover."""
        if sets.count >= 2**31:
            raise ValueError("more than 2**31 RR sets")
        if sets.count > self.indexed:
            row, part = _incidence(sets.ptr, sets.nodes, self.n, self.indexed)
            self.rows.append(row)
            self.parts.append(part)
            self.indexed = sets.count
        parts = numba.typed.List(self.parts)
        return _greedy(sets.ptr, sets.nodes, np.stack(self.rows), parts, self.n, k)


def greedy_cover(sets: RRSets, n: int, k: int) -> tuple[I64, int]:
    """The k nodes a greedy maximum coverage picks, and how many sets they cover."""
    return CoverIndex(n).cover(sets, k)
