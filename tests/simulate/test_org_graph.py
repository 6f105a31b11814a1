"""`--graph org`: the organisation's people and ties as the network; natural champions from the
hub's reach (distinct colleagues who tried or answered), never from anonymous posts."""

from __future__ import annotations

import numpy as np

from peerwheel.hub.services import post_publish, trial_record
from peerwheel.org.models import Person, Tie
from peerwheel.simulate.selectors import natural_champion_ids, organisation_network
from tests.simulate.helpers import simulate_json


def _tip(author: Person, title: str, *, anonymous: bool = False) -> object:
    return post_publish(
        author=author,
        kind="tip",
        title=title,
        body="Paste the table first, then ask for the summary in three bullets.",
        anonymous=anonymous,
    )


def test_natural_champions_are_ranked_by_hub_reach(org: dict[str, Person]) -> None:
    assert natural_champion_ids() == []
    bob_tip = _tip(org["bob"], "Summaries that keep the numbers")
    for name in ("alice", "carol", "dan"):
        trial_record(post=bob_tip, person=org[name], outcome="worked")
    erin_tip = _tip(org["erin"], "Drafting release notes")
    trial_record(post=erin_tip, person=org["charlie"], outcome="partly")
    secret = _tip(org["boss"], "An anonymous tip", anonymous=True)
    for name in ("alice", "carol", "dan", "charlie"):
        trial_record(post=secret, person=org[name], outcome="worked")
    assert natural_champion_ids() == ["E3", "E6"]  # bob (3 people), erin (1); not the boss


def test_the_org_network_adds_imported_ties_to_the_org_chart(org: dict[str, Person]) -> None:
    before = organisation_network()
    assert before.n == 7
    assert set(before.groups["department"]) == {"Engineering", "Sales"}
    alice, charlie = before.index["E2"], before.index["E7"]
    assert before.adjacency[alice, charlie] == 0  # other department, other site, no team
    a, b = sorted([org["alice"], org["charlie"]], key=lambda p: p.pk)
    Tie.objects.create(person_a=a, person_b=b, weight=2.5, source=Tie.Source.CHAT)
    after = organisation_network()
    assert after.adjacency[alice, charlie] == after.adjacency[charlie, alice] == 2.5
    assert after.n_ties == before.n_ties + 1


def test_the_command_on_the_org_seeds_the_hub_champion(org: dict[str, Person]) -> None:
    tip = _tip(org["bob"], "Meeting notes in two minutes")
    trial_record(post=tip, person=org["alice"], outcome="worked")
    out = simulate_json(
        "--graph", "org", "--seed-strategy", "natural", "--k", "2", "--runs", "3", "--steps", "4"
    )
    assert out["people"] == 7 and out["graph"]["source"] == "org"
    assert "E3" in out["seeds"] and len(out["seeds"]) == 2  # bob, topped up by the stand-in
    assert np.all(np.diff(out["first_run_counts"]) >= 0)
    assert set(out["breakdowns"]["site"]) == {"London", "Berlin"}
