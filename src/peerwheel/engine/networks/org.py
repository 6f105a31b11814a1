"""The organisation as a network: team, manager, role-family and site ties, with weights."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from peerwheel.engine.networks.graph import Network

REQUIRED_COLUMNS = ("employee_id", "team", "manager_id", "role_family", "site", "department")


@dataclass(frozen=True)
class OrgTieWeights:
    """How much each kind of tie counts; ties of several kinds add up.

    The colleague who does the same job counts most (role family within a department). Groups
    bigger than `max_group` are not made into cliques: each member is tied to `max_group`
    random others in it, so a 5,000-person site stays sparse.
    """

    team: float = 1.0
    manager: float = 1.0
    role_family: float = 2.0  # same role family, same department
    site: float = 0.25  # same site and role family, other department
    max_group: int = 40
    rng_seed: int = 0


def _group_pairs(
    codes: npt.NDArray[np.int64], max_group: int, rng: np.random.Generator
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Pairs (i, j), i != j, of people sharing a group code (-1 means no group)."""
    src: list[npt.NDArray[np.int64]] = []
    dst: list[npt.NDArray[np.int64]] = []
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    ends = np.r_[starts[1:], codes.size]
    for start, end in zip(starts, ends, strict=True):
        members = order[start:end]
        size = members.size
        if sorted_codes[start] < 0 or size < 2:
            continue
        if size <= max_group + 1:
            a, b = np.meshgrid(members, members, indexing="ij")
            keep = a != b
            src.append(a[keep])
            dst.append(b[keep])
        else:
            picks = rng.integers(0, size - 1, size=(size, max_group))
            own = np.arange(size)[:, None]
            picks = picks + (picks >= own)  # skip oneself
            src.append(np.repeat(members, max_group))
            dst.append(members[picks].ravel())
    if not src:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(src), np.concatenate(dst)


def org_network(people: pd.DataFrame, *, weights: OrgTieWeights | None = None) -> Network:
    """The weighted, undirected tie network of an organisation.

    `people` has one row per person with columns employee_id, team, manager_id (nullable),
    role_family, site and department. The network carries department and site labels.
    """
    weights = weights or OrgTieWeights()
    missing = [c for c in REQUIRED_COLUMNS if c not in people.columns]
    if missing:
        raise ValueError(f"people table lacks column(s): {', '.join(missing)}")
    rng = np.random.default_rng(weights.rng_seed)
    ids = np.asarray(people["employee_id"].astype(str), dtype=str)
    n = ids.size
    position = pd.Series(np.arange(n), index=ids)

    def codes(*cols: str) -> npt.NDArray[np.int64]:
        frame = people[list(cols)].astype("string")
        null = frame.isna().any(axis=1).to_numpy()
        code = frame.fillna("").agg("\x1f".join, axis=1).factorize()[0].astype(np.int64)
        code[null] = -1
        return code

    parts: list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], float]] = []
    if weights.team:
        parts.append((*_group_pairs(codes("team"), weights.max_group, rng), weights.team))
    if weights.role_family:
        pairs = _group_pairs(codes("role_family", "department"), weights.max_group, rng)
        parts.append((*pairs, weights.role_family))
    if weights.site:
        s, d = _group_pairs(codes("role_family", "site"), weights.max_group, rng)
        dept = codes("department")
        other = dept[s] != dept[d]
        parts.append((s[other], d[other], weights.site))
    if weights.manager:
        managers = people["manager_id"]
        has = managers.notna().to_numpy() & managers.astype(str).isin(position.index).to_numpy()
        report = np.flatnonzero(has)
        boss = position.loc[managers[has].astype(str)].to_numpy()
        parts.append(
            (np.r_[report, boss], np.r_[boss, report], weights.manager)  # both directions
        )
    total = sp.csr_array((n, n), dtype=np.float64)
    for src, dst, weight in parts:
        keep = src != dst
        ones = np.ones(int(keep.sum()))
        tie = sp.csr_array(sp.coo_array((ones, (src[keep], dst[keep])), shape=(n, n)))
        tie.data[:] = 1.0  # a pair drawn twice is still one tie
        # Sampled ties in big groups are one-sided: every tie goes both ways.
        total = total + weight * sp.csr_array(tie.maximum(tie.T))
    sym = sp.csr_array(total)
    sym.eliminate_zeros()
    sym.sort_indices()
    return Network(
        adjacency=sym,
        node_ids=ids,
        groups={
            "department": np.asarray(people["department"].astype(str), dtype=str),
            "site": np.asarray(people["site"].astype(str), dtype=str),
        },
        directed=False,
    )
