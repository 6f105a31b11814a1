"""The weighted network every diffusion model runs on.

A tie u → v of weight w means v sees u: influence flows from u to v. An undirected tie is stored
as both directions. The adjacency is a scipy CSR array whose row u lists u's out-ties, which is
what a frontier-only model walks; a node's in-weight (column sum) normalises its exposure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

# Integer weights keep sums exact and order-independent, so the numpy and numba paths agree to
# the bit: each weight is scaled by a power of two so that every node's in-weight stays < 2**52.
_FIXED_POINT_BITS = 52


class NetworkFileError(ValueError):
    """A network, seed or threshold file that cannot be used, with where and what to do."""

    def __init__(self, path: str | Path, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}, line {line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class KernelGraph:
    """The network in the shape the kernels want: out-CSR, exact integer weights, in-totals."""

    indptr: npt.NDArray[np.int64]
    indices: npt.NDArray[np.int64]
    weights: npt.NDArray[np.int64]  # fixed-point weight of each out-tie, aligned with indices
    in_total: npt.NDArray[np.int64]  # fixed-point in-weight of each node
    in_degree: npt.NDArray[np.int64]  # number of distinct in-ties of each node
    transposed: sp.csr_array  # row v lists v's in-ties, fixed-point weights (numpy path)
    transposed_ones: sp.csr_array  # the same with every weight 1 (counts distinct neighbours)


@dataclass(frozen=True, eq=False)
class Network:
    """A weighted graph over n people (or nodes) with optional group labels for breakdowns.

    Attributes:
        adjacency: n x n CSR array, adjacency[u, v] = weight of the tie through which u
            influences v. No self-loops, positive weights.
        node_ids: the external id of each node, as strings.
        groups: label arrays of length n, e.g. {"department": ..., "site": ...}.
        directed: whether the ties were read as directed.
    """

    adjacency: sp.csr_array
    node_ids: npt.NDArray[np.str_]
    groups: Mapping[str, npt.NDArray[np.str_]] = field(default_factory=dict)
    directed: bool = False

    @property
    def n(self) -> int:
        return int(self.adjacency.shape[0])

    @property
    def n_ties(self) -> int:
        """Ties as given: undirected ties count once."""
        nnz = int(self.adjacency.nnz)
        return nnz if self.directed else nnz // 2

    @cached_property
    def index(self) -> Mapping[str, int]:
        return {str(node): i for i, node in enumerate(self.node_ids)}

    def indices_of(self, ids: list[str] | npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Positions of the given node ids; KeyError names the first unknown one."""
        index = self.index
        out = np.empty(len(ids), dtype=np.int64)  # type: ignore[arg-type]
        for i, node in enumerate(ids):  # type: ignore[arg-type]
            try:
                out[i] = index[str(node)]
            except KeyError:
                raise KeyError(f"unknown node id {node!r}") from None
        return out

    def with_groups(self, **groups: npt.ArrayLike) -> Network:
        """A copy with extra group labels (one array of length n per name)."""
        merged = dict(self.groups)
        for name, labels in groups.items():
            arr = np.asarray(labels).astype(str)
            if arr.shape != (self.n,):
                raise ValueError(f"group {name!r} needs {self.n} labels, got {arr.shape}")
            merged[name] = arr
        return replace(self, groups=merged)

    @cached_property
    def out_weight(self) -> npt.NDArray[np.float64]:
        return np.asarray(self.adjacency.sum(axis=1)).ravel()

    @cached_property
    def in_weight(self) -> npt.NDArray[np.float64]:
        return np.asarray(self.adjacency.sum(axis=0)).ravel()

    @cached_property
    def kernel(self) -> KernelGraph:
        adj = self.adjacency
        data = np.asarray(adj.data, dtype=np.float64)
        in_w = self.in_weight
        top = float(in_w.max()) if in_w.size and in_w.max() > 0 else 1.0
        shift = _FIXED_POINT_BITS - int(np.ceil(np.log2(top))) - 1
        fixed = np.rint(np.ldexp(data, shift)).astype(np.int64)
        fixed = np.maximum(fixed, 1)
        csr = sp.csr_array((fixed, adj.indices, adj.indptr), shape=adj.shape)
        transposed = sp.csr_array(csr.T)
        transposed.sort_indices()
        ones = sp.csr_array(
            (np.ones(transposed.nnz, dtype=np.int64), transposed.indices, transposed.indptr),
            shape=transposed.shape,
        )
        return KernelGraph(
            indptr=adj.indptr.astype(np.int64),
            indices=adj.indices.astype(np.int64),
            weights=fixed,
            in_total=np.asarray(transposed.sum(axis=1), dtype=np.int64).ravel(),
            in_degree=np.diff(transposed.indptr).astype(np.int64),
            transposed=transposed,
            transposed_ones=ones,
        )


def from_edges(
    sources: npt.ArrayLike,
    targets: npt.ArrayLike,
    n: int,
    *,
    weights: npt.ArrayLike | None = None,
    directed: bool = False,
    node_ids: npt.ArrayLike | None = None,
) -> tuple[Network, int, int]:
    """A Network from integer edge arrays; drops self-loops and repeated ties.

    Returns the network, the number of self-loops dropped and the number of repeated ties
    dropped (for an undirected graph b,a after a,b is a repeat). The first weight seen wins.
    """
    src = np.asarray(sources, dtype=np.int64)
    dst = np.asarray(targets, dtype=np.int64)
    w = np.ones(src.size) if weights is None else np.asarray(weights, dtype=np.float64)
    loops = src == dst
    n_loops = int(loops.sum())
    src, dst, w = src[~loops], dst[~loops], w[~loops]
    if not directed:
        lo, hi = np.minimum(src, dst), np.maximum(src, dst)
        src, dst = lo, hi
    key = src * n + dst
    _, first = np.unique(key, return_index=True)
    first.sort()
    n_repeats = int(src.size - first.size)
    src, dst, w = src[first], dst[first], w[first]
    if not directed:
        src, dst, w = np.concatenate([src, dst]), np.concatenate([dst, src]), np.tile(w, 2)
    adj = sp.csr_array((w, (src, dst)), shape=(n, n))
    adj.sum_duplicates()
    adj.sort_indices()
    ids = np.arange(n).astype(str) if node_ids is None else np.asarray(node_ids).astype(str)
    return Network(adjacency=adj, node_ids=ids, directed=directed), n_loops, n_repeats
