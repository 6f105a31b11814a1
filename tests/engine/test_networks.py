"""Networks: edge lists with bad input, the organisation's ties, the generators."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from peerwheel.engine.networks import (
    NetworkFileError,
    OrgTieWeights,
    barabasi_albert,
    org_network,
    read_edge_list,
    read_seed_file,
    read_threshold_file,
    ring_lattice,
    watts_strogatz,
)


def write(tmp_path: Path, text: str, name: str = "ties.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_edge_list_drops_loops_and_repeats_with_a_counted_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "source,target\nann,bob\nbob,ann\nann,ann\ncy,bob\nann,bob\n")
    network, warnings = read_edge_list(path)
    assert network.n == 3
    assert network.n_ties == 2
    assert warnings == [f"{path}: dropped 1 self-loop(s)", f"{path}: dropped 2 repeated tie(s)"]
    directed, warnings = read_edge_list(path, directed=True)
    assert directed.n_ties == 3
    assert warnings[-1].endswith("dropped 1 repeated tie(s)")


def test_edge_list_without_weights_makes_every_tie_weigh_one(tmp_path: Path) -> None:
    network, _ = read_edge_list(write(tmp_path, "a,b\nb,c\n"))
    assert network.adjacency.data.tolist() == [1.0] * 4
    weighted, _ = read_edge_list(write(tmp_path, "a,b,2.5\nb,c,1\n", "w.csv"))
    b = weighted.index["b"]
    assert weighted.in_weight[b] == 3.5


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("source,target\na,b\nc\n", 3, "expected 2-3 columns"),
        ("a,b,1\nb,c,heavy\n", 2, "weight 'heavy' must be a positive number"),
        ("a,b,1\nb,c,-2\n", 2, "must be a positive number"),
        ("a,b\nb,c,1\n", 2, "same number of columns"),
    ],
)
def test_bad_edge_lists_name_the_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(NetworkFileError, match=message) as caught:
        read_edge_list(path)
    assert caught.value.line == line
    assert caught.value.path == str(path)


def test_seed_and_threshold_files_reject_unknown_ids_and_bad_values(tmp_path: Path) -> None:
    network, _ = read_edge_list(write(tmp_path, "a,b\nb,c\n"))
    assert read_seed_file(write(tmp_path, "c\na\n", "s.csv"), network).tolist() == [0, 2]
    with pytest.raises(NetworkFileError, match="unknown node id 'zed'") as caught:
        read_seed_file(write(tmp_path, "a\nzed\n", "s2.csv"), network)
    assert caught.value.line == 2
    good = read_threshold_file(
        write(tmp_path, "node,threshold\na,0.1\nb,0.2\nc,1\n", "t.csv"), network
    )
    assert good.tolist() == [0.1, 0.2, 1.0]
    with pytest.raises(NetworkFileError, match="outside") as caught:
        read_threshold_file(write(tmp_path, "a,0.1\nb,1.2\nc,0\n", "t2.csv"), network)
    assert caught.value.line == 2
    with pytest.raises(NetworkFileError, match="no threshold"):
        read_threshold_file(write(tmp_path, "a,0.1\n", "t3.csv"), network)


def test_org_network_ties_team_manager_role_family_and_site() -> None:
    people = pd.DataFrame(
        {
            "employee_id": ["e1", "e2", "e3", "e4", "e5"],
            "team": ["t1", "t1", "t2", "t2", "t3"],
            "manager_id": [None, "e1", "e1", "e3", None],
            "role_family": ["eng", "eng", "eng", "hr", "eng"],
            "site": ["paris", "paris", "paris", "lyon", "paris"],
            "department": ["d1", "d1", "d1", "d2", "d2"],
        }
    )
    w = OrgTieWeights(team=1.0, manager=0.5, role_family=2.0, site=0.25)
    network = org_network(people, weights=w)
    adj = network.adjacency.toarray()
    np.testing.assert_array_equal(adj, adj.T)
    # e1-e2: same team (1) + manager (0.5) + same role family in the department (2)
    assert adj[0, 1] == 3.5
    assert adj[0, 2] == 2.5  # manager + role family
    assert adj[2, 3] == 1.5  # team + manager
    assert adj[0, 4] == 0.25  # same role family and site, other department
    assert adj[3, 4] == 0.0
    assert network.groups["department"].tolist() == ["d1", "d1", "d1", "d2", "d2"]


def test_generators_have_the_asked_for_size_and_degree() -> None:
    lattice = ring_lattice(100, 6)
    assert (lattice.in_weight == 6).all()
    ws = watts_strogatz(5_000, 16, 0.1, rng_seed=1)
    assert 15.9 < ws.in_weight.mean() <= 16
    ba = barabasi_albert(5_000, 8, rng_seed=1)
    assert 15 < ba.in_weight.mean() <= 16
    assert ba.in_weight.max() > 10 * ba.in_weight.mean()  # hubs
