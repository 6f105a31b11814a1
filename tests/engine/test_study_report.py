"""The study report: JSON shape, sentences, benchmark, next steps, breakdowns, forest plot."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

from peerwheel.engine.study import (
    Effect,
    StudyReport,
    Verdict,
    analyze,
    breakdown,
    forest_plot_data,
    forest_plot_figure,
    load_instrument,
    read_responses_csv,
    simulate_responses,
    validate_responses,
)
from peerwheel.engine.study.narrative import compare_to_benchmark, effect_sentence, next_steps

INSTRUMENT = load_instrument()


@pytest.fixture(scope="module")
def report() -> StudyReport:
    df = simulate_responses(400, seed=21, n_teams=40)
    return analyze(df, INSTRUMENT, seed=5, n_boot=200)


def _effect(
    construct: str, ame: float, low: float, high: float, outcome: str = "heavy_user"
) -> Effect:
    return Effect(outcome, construct, ame, (high - low) / 3.92, low, high, 0.01)


def test_report_json_has_effects_per_outcome_and_construct(report: StudyReport) -> None:
    data = json.loads(report.to_json())
    assert data["n"] == data["n_before"] == 400
    assert data["seed"] == 5
    assert data["instrument"] == {"id": "peerwheel-peer-influence", "version": "1"}
    assert set(data["alpha"]) == set(INSTRUMENT.construct_keys)
    assert all(0.7 < a < 1 for a in data["alpha"].values())
    assert set(data["outcomes"]) == {"heavy_user", "agent_user"}
    for outcome in data["outcomes"].values():
        assert outcome["n"] == 400 and outcome["n_clusters"] == 40
        assert set(outcome["effects"]) == set(INSTRUMENT.construct_keys)
        for e in outcome["effects"].values():
            assert set(e) == {"ame", "se", "ci_low", "ci_high", "p"}
            assert e["ci_low"] < e["ame"] < e["ci_high"] and 0 <= e["p"] <= 1
    assert set(data["mediation"]) == {"heavy_user", "agent_user"}
    assert set(data["breakdowns"]) == {"department", "level"}
    assert isinstance(data["warnings"], list) and isinstance(data["next_steps"], list)
    assert data["benchmarks"][0]["verdict"] in {v.value for v in Verdict}
    assert data["descriptives"]["heavy_user_rate"] == data["outcomes"]["heavy_user"]["rate"]
    assert 1 <= data["descriptives"]["frequency_mean"] <= 5


def test_a_csv_file_analyses_like_the_frame_it_came_from(tmp_path: Path) -> None:
    df = simulate_responses(200, seed=25, n_teams=25)
    path = tmp_path / "wave.csv"
    df.to_csv(path, index=False)
    from_file = analyze(read_responses_csv(path), INSTRUMENT, mediation=False)
    from_frame = analyze(df, INSTRUMENT, mediation=False)
    assert from_file.outcomes == from_frame.outcomes


def test_report_is_reproducible_from_its_seed() -> None:
    df = simulate_responses(150, seed=22, n_teams=30)
    first = analyze(df, INSTRUMENT, seed=9, n_boot=100).to_json()
    assert analyze(df, INSTRUMENT, seed=9, n_boot=100).to_json() == first


def test_report_accepts_already_validated_responses(report: StudyReport) -> None:
    df = simulate_responses(400, seed=21, n_teams=40)
    v = validate_responses(df, INSTRUMENT)
    again = analyze(v, mediation=False)
    assert again.effect("agent_user", "peer_influence") == report.effect(
        "agent_user", "peer_influence"
    )
    assert again.mediation == ()


def test_effect_sentences_read_in_points_with_the_ci() -> None:
    assert effect_sentence(_effect("peer_influence", 0.089, 0.041, 0.137), INSTRUMENT) == (
        "People one SD higher in peer influence are 8.9 points more likely to be heavy users "
        "(95% CI 4.1 to 13.7)."
    )
    assert effect_sentence(
        _effect("fear_behind", -0.021, -0.05, 0.008, "agent_user"), INSTRUMENT
    ) == (
        "People one SD higher in fear of falling behind are 2.1 points less likely to be agent "
        "users (95% CI −5.0 to 0.8); the data cannot rule out no effect."
    )


def test_benchmark_comparison_places_the_published_figures_against_the_ci() -> None:
    effects = [
        _effect("peer_influence", 0.08, 0.05, 0.12),
        _effect("peer_influence", 0.03, 0.01, 0.05, "agent_user"),
        _effect("leader_mandate", 0.05, 0.02, 0.08),
        _effect("psych_safety", 0.05, 0.02, 0.08),
    ]
    got = {(b.outcome, b.construct): b for b in compare_to_benchmark(effects, INSTRUMENT)}
    assert set(got) == {
        ("heavy_user", "peer_influence"),
        ("agent_user", "peer_influence"),
        ("heavy_user", "leader_mandate"),
    }
    assert got["heavy_user", "peer_influence"].verdict is Verdict.CONSISTENT
    assert "+8.9 points" in got["heavy_user", "peer_influence"].sentence
    assert got["agent_user", "peer_influence"].verdict is Verdict.BELOW
    assert "+10.4 points" in got["agent_user", "peer_influence"].sentence
    assert got["heavy_user", "leader_mandate"].verdict is Verdict.ABOVE
    assert got["heavy_user", "leader_mandate"].sentence.startswith("Unlike the published")


def test_next_steps_follow_the_results() -> None:
    strong = next_steps(
        [
            _effect("peer_influence", 0.09, 0.05, 0.13),
            _effect("leader_mandate", 0.0, -0.03, 0.03),
            _effect("fear_behind", -0.05, -0.08, -0.02),
        ],
        [],
        {"peer_influence": 0.85, "psych_safety": 0.55},
        {"peer_influence": 1.4, "psych_safety": 6.2},
        INSTRUMENT,
        n=400,
    )
    text = " ".join(strong)
    assert strong[0].startswith("Peer influence drives AI use here")
    assert "Mandates show no effect" in text
    assert "never rank individuals" in text
    assert "psychological safety items (alpha 0.55)" in text
    assert "overlap strongly" in text
    weak = next_steps([_effect("peer_influence", 0.04, -0.05, 0.13)], [], {}, {}, INSTRUMENT, n=60)
    assert weak[0].startswith("Peer influence shows no clear effect yet")
    assert "about 240 would halve" in weak[-1]


def test_small_control_values_are_pooled_before_any_breakdown() -> None:
    df = simulate_responses(300, seed=23, n_teams=30)
    df["department"] = "Engineering"
    df.loc[:99, "department"] = "Sales"
    df.loc[100:139, "department"] = "Finance"
    df.loc[140:145, "department"] = "Legal"  # 6 people: shown at min_group 5, pooled at 10
    rows = {
        r.group: r
        for r in breakdown(validate_responses(df, INSTRUMENT, min_group=10), "department").rows
    }
    assert rows["Engineering"].n == 154 + 6 and "Legal" not in rows
    rows = {r.group: r for r in breakdown(validate_responses(df, INSTRUMENT), "department").rows}
    assert rows["Legal"].n == 6 and rows["Legal"].rates["heavy_user"] is not None


def test_a_small_team_is_suppressed_with_one_more_to_block_subtraction() -> None:
    teams = np.repeat(["A", "B", "C", "D", "E", "F"], [3, 6, 40, 50, 50, 51])
    df = simulate_responses(200, seed=24, teams=teams)
    rows = {r.group: r for r in breakdown(validate_responses(df, INSTRUMENT), "team").rows}
    assert rows["A"].suppressed and rows["A"].n is None
    assert rows["A"].rates == {"heavy_user": None, "agent_user": None}
    assert rows["B"].suppressed  # else A = total − the rest
    assert not rows["C"].suppressed and rows["C"].n == 40
    assert rows["C"].means["peer_influence"] is not None


def test_forest_plot_rows_and_figure(report: StudyReport) -> None:
    rows = forest_plot_data(report)
    assert len(rows) == 10
    peer = next(
        r for r in rows if (r["outcome"], r["construct"]) == ("agent_user", "peer_influence")
    )
    e = report.effect("agent_user", "peer_influence")
    assert peer["ame_points"] == pytest.approx(100 * e.ame)
    assert peer["benchmark_points"] == pytest.approx(10.4)
    assert peer["construct_label"] == "peer influence"
    fig = forest_plot_figure(report)
    assert isinstance(fig, go.Figure)
    assert [t.name for t in fig.data][:2] == ["heavy users", "published benchmark (heavy users)"]
