from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from peerwheel.engine.demo_org import DemoOrgConfig, generate_demo_org


@pytest.fixture(scope="module")
def demo() -> object:
    return generate_demo_org()


def test_default_company_shape(demo: object) -> None:
    people: pd.DataFrame = demo.people  # type: ignore[attr-defined]

    assert len(people) == 600
    assert people["department"].nunique() == 8
    assert people["site"].nunique() == 4
    assert people["employee_id"].is_unique and people["email"].is_unique
    assert set(people["role_family"]) >= {
        "sales",
        "finance",
        "engineering",
        "hr",
        "operations",
        "legal",
        "marketing",
        "support",
    }
    ceo = people[people["manager_id"] == ""]
    assert ceo["job_title"].tolist() == ["Chief Executive Officer"]
    team_sizes = people[people["team"] != ""].groupby("team").size()
    assert team_sizes.between(5, 12).all()
    # Every team has exactly one manager, who is a leader and manages the rest of the team.
    for _, team in people[people["team"] != ""].groupby("team"):
        managers = team[team["level"] == 2]
        assert len(managers) == 1 and bool(managers["is_leader"].iloc[0])
        assert (team[team["level"] == 3]["manager_id"] == managers["employee_id"].iloc[0]).all()


def test_people_flag_changes_the_headcount() -> None:
    assert generate_demo_org(DemoOrgConfig(people=150)).size == 150


def test_same_seed_same_organisation_and_another_seed_another() -> None:
    a = generate_demo_org(DemoOrgConfig(people=200, seed=7))
    b = generate_demo_org(DemoOrgConfig(people=200, seed=7))
    c = generate_demo_org(DemoOrgConfig(people=200, seed=8))

    pd.testing.assert_frame_equal(a.people, b.people)
    pd.testing.assert_frame_equal(a.ties, b.ties)
    assert not a.ties.equals(c.ties)


def test_network_is_connected_and_clustered_well_above_random(demo: object) -> None:
    ties: pd.DataFrame = demo.ties  # type: ignore[attr-defined]
    graph = nx.from_pandas_edgelist(ties, "source", "target")
    random_twin = nx.gnm_random_graph(
        graph.number_of_nodes(), graph.number_of_edges(), seed=np.random.default_rng(1)
    )

    assert nx.is_connected(graph)
    assert 8 <= 2 * graph.number_of_edges() / graph.number_of_nodes() <= 16
    assert nx.average_clustering(graph) > 5 * nx.average_clustering(random_twin)


def test_cross_team_ties_favour_the_same_role_family_and_site(demo: object) -> None:
    people: pd.DataFrame = demo.people  # type: ignore[attr-defined]
    ties: pd.DataFrame = demo.ties  # type: ignore[attr-defined]
    a, b = people.loc[ties["source"]], people.loc[ties["target"]]
    cross = a["team"].to_numpy() != b["team"].to_numpy()
    same_family = a["role_family"].to_numpy() == b["role_family"].to_numpy()
    same_site = a["site"].to_numpy() == b["site"].to_numpy()
    family_share = people["role_family"].value_counts(normalize=True)
    site_share = people["site"].value_counts(normalize=True)

    assert same_family[cross].mean() > 2 * float((family_share**2).sum())
    assert same_site[cross].mean() > 1.3 * float((site_share**2).sum())
    assert ((ties["source"] < ties["target"]) & (ties["weight"] > 0)).all()
