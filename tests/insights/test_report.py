"""The flywheel report from the database, tested against a cascade whose truth is known."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pytest

from peerwheel.hub.models import InfluenceEvent
from peerwheel.insights.report import flywheel_report
from peerwheel.org.models import Person, Tie
from tests.insights.conftest import ORIGIN, LoadedCascade

pytestmark = pytest.mark.slow


def test_flywheel_r_from_the_database_is_close_to_the_true_r(loaded: LoadedCascade) -> None:
    report = flywheel_report(as_of=loaded.as_of, runs=200).data
    truth = loaded.cascade.true_r(loaded.as_of_day)
    r = report["flywheel_r"]
    assert r["value"] == pytest.approx(truth, rel=0.15)
    assert r["low"] <= r["value"] <= r["high"]
    assert r["baseline"]["value"] < r["value"]  # shuffled timing: the chance level is lower
    assert r["events_only"]["value"] < r["value"]  # unrecorded influence biases it low
    assert r["curve_only"]["value"] == pytest.approx(truth, rel=0.35)
    days = loaded.cascade.data.adoption_day
    assert report["adopters"] == int(((days >= 0) & (days < loaded.as_of_day)).sum())


def test_the_report_has_the_documented_shape(loaded: LoadedCascade) -> None:
    report = flywheel_report(as_of=loaded.as_of, runs=100).data
    assert report["as_of"] == loaded.as_of.isoformat()
    r = report["flywheel_r"]
    assert {"value", "low", "high", "adopters", "events_only", "curve_only", "baseline"} <= set(r)
    assert {"value", "low", "high"} <= set(r["curve_only"])
    champion = report["champions"][0]
    assert set(champion) == {"employee_id", "name", "score", "evidence"}
    mass = report["critical_mass"]
    assert mass["band"] == [0.10, 0.25]
    assert {"p", "q", "m"} == set(mass["bass"])
    assert mass["bass"]["m"] <= report["people"]
    weeks = report["forecast"]["weeks"]
    assert len(weeks) == 12
    as_of_monday = loaded.as_of - timedelta(days=loaded.as_of.weekday())
    assert weeks[0]["week"] == as_of_monday.isoformat()
    assert all(date.fromisoformat(w["week"]).weekday() == 0 for w in weeks)
    assert all(w["low"] <= w["adopters"] <= w["high"] for w in weeks)
    assert [w["adopters"] for w in weeks] == sorted(w["adopters"] for w in weeks)
    assert len(report["forecast"]["bass"]["weeks"]) == 12
    assert report["forecast"]["what_if"]


def test_the_forecast_follows_the_true_cascade(loaded: LoadedCascade) -> None:
    report = flywheel_report(as_of=loaded.as_of, runs=300).data
    eighth = report["forecast"]["weeks"][7]
    end_of_week = date.fromisoformat(eighth["week"]) + timedelta(days=7)
    truth = loaded.cascade.true_cumulative((end_of_week - ORIGIN).days)
    assert eighth["adopters"] == pytest.approx(truth, rel=0.2)


def test_natural_champions_are_the_people_who_truly_brought_others_in(
    loaded: LoadedCascade,
) -> None:
    report = flywheel_report(as_of=loaded.as_of, runs=50).data
    brought = loaded.cascade.true_brought_in(before_day=loaded.as_of_day)
    true_top = {f"E{i:04d}" for i in np.argsort(-brought, kind="stable")[:20]}
    top10 = [c["employee_id"] for c in report["champions"][:10]]
    assert len(set(top10) & true_top) >= 6
    for champion in report["champions"]:
        # evidence in counts: never another person's name or id
        assert "Person " not in champion["evidence"]
        assert "E0" not in champion["evidence"]


def test_only_data_before_the_as_of_date_is_used(loaded: LoadedCascade) -> None:
    before = flywheel_report(as_of=loaded.as_of, runs=50).data
    late = Person.objects.order_by("pk")[:2]
    InfluenceEvent.objects.create(
        source=late[0], target=late[1], kind="tried", created=_noon(loaded.as_of)
    )
    after = flywheel_report(as_of=loaded.as_of, runs=50).data
    assert after["events"] == before["events"]
    assert after["flywheel_r"] == before["flywheel_r"]


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


@pytest.mark.django_db
def test_an_empty_organisation_says_what_is_missing() -> None:
    report = flywheel_report(as_of=date(2026, 6, 1), runs=10).data
    assert report["people"] == 0
    assert report["flywheel_r"]["value"] is None
    assert report["forecast"]["weeks"] == []
    assert any("No people" in note for note in report["missing"])
    assert any("No adopters" in note for note in report["missing"])


def test_an_as_of_date_before_any_data(loaded: LoadedCascade) -> None:
    report = flywheel_report(as_of=ORIGIN - timedelta(days=30), runs=10).data
    assert report["adopters"] == 0
    assert report["flywheel_r"]["value"] is None
    assert any("No adopters" in note for note in report["missing"])


def test_without_ties_the_curve_only_r_is_still_estimated(loaded: LoadedCascade) -> None:
    Tie.objects.all().delete()
    InfluenceEvent.objects.all().delete()
    report = flywheel_report(as_of=loaded.as_of, runs=10).data
    assert report["flywheel_r"]["value"] is None
    assert report["flywheel_r"]["curve_only"]["value"] is not None
    assert report["forecast"]["weeks"] == []
    assert report["forecast"]["bass"]["weeks"]  # the Bass curve needs only the counts
    assert any("No ties" in note for note in report["missing"])


def test_leavers_are_not_in_the_organisation(loaded: LoadedCascade) -> None:
    before = flywheel_report(as_of=loaded.as_of, runs=10).data
    Person.objects.filter(pk=loaded.people[0].pk).update(active=False)
    after = flywheel_report(as_of=loaded.as_of, runs=10).data
    assert after["people"] == before["people"] - 1
