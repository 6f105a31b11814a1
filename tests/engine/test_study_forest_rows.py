"""The forest plot gives each outcome its own row within a construct's band (issue 17: two
series were drawn on one line), its benchmark diamond on that row, in that colour."""

from __future__ import annotations

import pytest

from peerwheel.engine.study import analyze, forest_plot_figure, load_instrument, simulate_responses
from peerwheel.engine.study.report import StudyReport


@pytest.fixture(scope="module")
def report() -> StudyReport:
    return analyze(simulate_responses(300, seed=21, n_teams=30), load_instrument(), n_boot=50)


def test_each_outcome_has_its_own_row_and_colour(report: StudyReport) -> None:
    fig = forest_plot_figure(report)
    effects = {t.name: t for t in fig.data if not t.name.startswith("published")}
    heavy, agent = effects["heavy users"], effects["agent users"]
    assert len(heavy.y) == len(agent.y) == 5
    assert set(heavy.y).isdisjoint(agent.y)  # never on one line
    for h, a in zip(heavy.y, agent.y, strict=True):
        assert a - h == pytest.approx(0.36)  # the two rows of one construct, agent below
        assert round((h + a) / 2) == pytest.approx((h + a) / 2)  # centred on the construct
    assert heavy.marker.color != agent.marker.color
    assert heavy.error_x.color == heavy.marker.color
    assert list(fig.layout.yaxis.ticktext) == [c.label for c in report.constructs]
    assert list(fig.layout.yaxis.tickvals) == [0, 1, 2, 3, 4]
    for outcome in ("heavy users", "agent users"):
        bench = next(t for t in fig.data if t.name == f"published benchmark ({outcome})")
        assert bench.marker.color == effects[outcome].marker.color
        assert set(bench.y) <= set(effects[outcome].y)  # on its outcome's row
