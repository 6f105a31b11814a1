"""Import and segment 1,000,000 person-week rows; compare with pandas.read_csv and vivainsights.

    .venv/bin/python bench/bench_segments.py [--rows 1000000] [--seed 42]

Writes a generic usage CSV (person, week, tool, actions) to a temporary folder, then measures in
the same run:
  parse:    peerwheel usage_csv.read_frames (validated, chunked)  vs  pandas.read_csv (no checks)
  segment:  peerwheel usage_segments (12-week and 4-week)  vs  vivainsights.identify_usage_segments
and asserts the labels are identical, row for row. Prints the ratios.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from peerwheel.engine.segments import FOUR_WEEKS, TWELVE_WEEKS, UsageSegment, usage_segments
from peerwheel.engine.usage_formats import usage_csv

WEEKS = 50
T = TypeVar("T")


def write_usage(path: Path, rows: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    people = rows // WEEKS
    # Five kinds of people: never, rarely, sometimes, habitually, heavily; some weeks missing.
    rate = rng.choice([0.0, 0.2, 2.0, 6.0, 30.0], size=people, p=[0.25, 0.2, 0.25, 0.2, 0.1])
    weeks = pd.date_range("2024-01-01", periods=WEEKS, freq="7D").strftime("%Y-%m-%d")
    person = np.repeat(np.array([f"p{i:06d}@example.com" for i in range(people)]), WEEKS)
    active = rng.random(people * WEEKS) < 0.8
    actions = rng.poisson(np.repeat(rate, WEEKS)) * active
    tools = np.array(["Copilot in Teams", "Copilot in Word", "ChatGPT Enterprise"])
    frame = pd.DataFrame(
        {
            "person": person,
            "week": np.tile(weeks, people),
            "tool": tools[rng.integers(0, 3, size=people * WEEKS)],
            "actions": actions,
        }
    )
    frame.to_csv(path, index=False)


def timed(label: str, func: Callable[[], T], repeat: int = 3) -> tuple[float, T]:
    best = float("inf")
    result: T | None = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    print(f"  {label:<58} {best:8.3f} s")
    assert result is not None
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    print(f"bench_segments: {args.rows:,} rows, seed {args.seed}, {platform.processor()}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "usage.csv"
        write_usage(path, args.rows, args.seed)
        print(f"  file: {path.stat().st_size / 1e6:.1f} MB")

        t_pandas, _ = timed("pandas.read_csv", lambda: pd.read_csv(path))

        def peerwheel_parse() -> pd.DataFrame:
            frames, _report = usage_csv.read_frames(path)
            return pd.concat(list(frames), ignore_index=True)

        t_parse, usage = timed("peerwheel usage_csv.read_frames (validated)", peerwheel_parse)

    def segment_both() -> tuple[pd.DataFrame, pd.DataFrame]:
        return (
            usage_segments(usage, rule=TWELVE_WEEKS, person="external_id"),
            usage_segments(usage, rule=FOUR_WEEKS, person="external_id"),
        )

    t_ours, (ours12, ours4) = timed("peerwheel usage_segments (12w + 4w)", segment_both)

    viva_input = pd.DataFrame(
        {"PersonId": usage["external_id"], "MetricDate": usage["week"], "x": usage["actions"]}
    )
    import vivainsights as vi  # the peer is imported only when it is measured

    t_viva, viva = timed(
        "vivainsights.identify_usage_segments (12w + 4w)",
        lambda: vi.identify_usage_segments(viva_input.copy(), metric="x", version="12w"),
        repeat=1,
    )
    viva = viva.sort_values(["PersonId", "MetricDate"]).reset_index(drop=True)
    labels = {segment: segment.label for segment in UsageSegment}
    for ours, column in ((ours12, "UsageSegments_12w"), (ours4, "UsageSegments_4w")):
        mine = ours["segment"].cat.rename_categories(labels).astype(str).to_numpy()
        assert (ours["person"].to_numpy() == viva["PersonId"].to_numpy()).all()
        mismatches = int((mine != viva[column].to_numpy()).sum())
        assert mismatches == 0, f"{column}: {mismatches} labels differ"
    print("  labels identical to vivainsights (12w and 4w):", len(ours12), "person-weeks")
    print(f"  parse / pandas.read_csv        = {t_parse / t_pandas:6.2f}x  (target <= 3x)")
    print(f"  vivainsights / peerwheel       = {t_viva / t_ours:6.1f}x  (target >= 20x)")
    print("  segment mix (12w):", ours12["segment"].value_counts().to_dict())


if __name__ == "__main__":
    main()
