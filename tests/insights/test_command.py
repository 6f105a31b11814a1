"""`peerwheel insights report` and `peerwheel export attribution`."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.insights.conftest import LoadedCascade

pytestmark = pytest.mark.slow


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_report_as_json(loaded: LoadedCascade) -> None:
    report = json.loads(_run("insights", "report", "--as-of", loaded.as_of.isoformat(), "--json"))
    assert report["as_of"] == loaded.as_of.isoformat()
    assert report["flywheel_r"]["value"] > 0
    assert len(report["forecast"]["weeks"]) == 12
    assert report["champions"][0]["evidence"]


def test_the_report_in_sentences(loaded: LoadedCascade) -> None:
    text = _run("insights", "report", "--as-of", loaded.as_of.isoformat(), "--what-if", "3")
    assert "Flywheel R is" in text
    assert "By chance alone" in text
    assert "What if: 3 more champions" in text
    assert "Natural champions" in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--as-of", "2026-13-01"), "--as-of '2026-13-01': not a date; write it as YYYY-MM-DD"),
        (("--what-if", "-1"), "--what-if -1: between 0 and 200 champions"),
    ],
)
def test_bad_arguments_are_named(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        _run("insights", "report", *args)


@pytest.mark.django_db
def test_an_empty_organisation_reports_what_is_missing() -> None:
    text = _run("insights", "report", "--as-of", "2026-06-01")
    assert "No people yet" in text
    assert "Traceback" not in text


def test_the_attribution_export_shares_one_unit_per_adoption(
    loaded: LoadedCascade, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: loaded.as_of)
    out = tmp_path / "attribution.csv"
    _run("exportdata", "attribution", "--out", str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert set(rows[0]) == {"target_id", "adopted_week", "source_id", "credit"}
    per_target: dict[str, float] = defaultdict(float)
    for row in rows:
        per_target[row["target_id"]] += float(row["credit"])
    assert per_target
    assert all(total == pytest.approx(1.0, abs=0.01) for total in per_target.values())
    seeded = {f"E{i:04d}" for i in loaded.cascade.data.seeded.nonzero()[0]}
    assert not seeded & set(per_target)  # the seeded are never brought in
    assert any(row["source_id"] == "" for row in rows)  # some started alone
