"""Import 1,000,000 person-week rows through the app, then segment them from the database.

    .venv/bin/python bench/bench_usage_import.py [--rows 1000000] [--seed 42]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/peerwheel_bench \
        .venv/bin/python bench/bench_usage_import.py

SQLite by default (a fresh file in a temporary folder); with DATABASE_URL, that database (it is
migrated, and its usage tables and people are emptied first: use a scratch database). The same
generic usage CSV as bench_segments.py (20,000 people x 50 weeks, every person matched by email).
Measured in the same run:

  pandas.read_csv of the file (no checks)                       the peer for the import
  usage_import("usage-csv"): parse + validate + match + merge into the stored series + write,
      in one transaction, into an empty store
  the import's two floors, each on its own: the parse and validation (readers.read_usage), and
      the database write of the same 60,000 series into an empty table (write_series + commit)
  usage_import again (the same file: every record compared, nothing written)
  segments from the database (one query + 12w and 4w segments)  vs
  vivainsights.identify_usage_segments (12w + 4w) on the same rows: labels must be identical
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pw-bench-import-"))
    os.environ.setdefault("PEERWHEEL_HOME", str(folder))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerwheel.settings")
    import django

    django.setup()
    import pandas as pd
    from django.core.management import call_command
    from django.db import connection

    from peerwheel.org.models import Person
    from peerwheel.usage import readers
    from peerwheel.usage.models import UsageSeries
    from peerwheel.usage.selectors import segments_export_frame
    from peerwheel.usage.services import usage_import

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_segments import timed, write_usage  # imports change the database: repeat=1

    call_command("migrate", verbosity=0)
    UsageSeries.objects.all().delete()
    Person.objects.all().delete()
    print(
        f"bench_usage_import: {args.rows:,} rows, seed {args.seed}, {connection.vendor} "
        f"{connection.Database.sqlite_version if connection.vendor == 'sqlite' else ''}, "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs"
    )
    path = folder / "usage.csv"
    write_usage(path, args.rows, args.seed)
    print(f"  file: {path.stat().st_size / 1e6:.1f} MB")
    emails = pd.read_csv(path, usecols=["person"])["person"].unique()
    Person.objects.bulk_create(
        [Person(employee_id=f"E{i:06d}", email=e) for i, e in enumerate(emails)], batch_size=5000
    )

    t_pandas, _ = timed("pandas.read_csv", lambda: pd.read_csv(path), repeat=3)
    t_import, report = timed(
        "usage_import usage-csv (parse, match, upsert), empty table",
        lambda: usage_import("usage-csv", path),
        repeat=1,
    )
    assert report.created == args.rows and report.data["unmatched_ids"] == 0, report.summary()
    t_parse, _ = timed(
        "  of which, on its own: parse and validate (read_usage)",
        lambda: readers.read_usage(path, "usage-csv", file_name=path.name),
        repeat=3,
    )
    t_write = _time_write_alone(timed)
    t_again, again = timed(
        "usage_import again, same file (nothing changes)",
        lambda: usage_import("usage-csv", path),
        repeat=1,
    )
    assert again.created == again.updated == 0 and again.unchanged == args.rows

    t_ours, ours = timed(
        "segments from the database (query + 12w + 4w)", segments_export_frame, repeat=1
    )

    import vivainsights as vi  # the peer is imported only when it is measured

    raw = pd.read_csv(path)
    viva_input = pd.DataFrame(
        {
            "PersonId": raw["person"],
            "MetricDate": pd.to_datetime(raw["week"]),
            "x": raw["actions"],
        }
    )
    t_viva, viva = timed(
        "vivainsights.identify_usage_segments (12w + 4w)",
        lambda: vi.identify_usage_segments(viva_input.copy(), metric="x", version="12w"),
        repeat=1,
    )
    viva = viva.sort_values(["PersonId", "MetricDate"]).reset_index(drop=True)
    ours = ours.sort_values(["person_id", "week"]).reset_index(drop=True)
    assert (ours["person_id"].to_numpy() == viva["PersonId"].to_numpy()).all()
    assert (ours["week"].to_numpy() == viva["MetricDate"].dt.strftime("%Y-%m-%d").to_numpy()).all()
    for mine, theirs in (("segment_12w", "UsageSegments_12w"), ("segment_4w", "UsageSegments_4w")):
        mismatches = int((ours[mine].to_numpy() != viva[theirs].to_numpy()).sum())
        assert mismatches == 0, f"{mine}: {mismatches} labels differ from vivainsights"
    print(f"  labels identical to vivainsights (12w and 4w): {len(ours):,} person-weeks")

    print(f"  import / pandas.read_csv                 = {t_import / t_pandas:6.2f}x")
    print(f"    parse alone / pandas.read_csv          = {t_parse / t_pandas:6.2f}x")
    print(f"    write alone / pandas.read_csv          = {t_write / t_pandas:6.2f}x")
    print(f"  re-import / pandas.read_csv              = {t_again / t_pandas:6.2f}x")
    print(f"  vivainsights / peerwheel (from the DB)   = {t_viva / t_ours:6.1f}x  (target >= 20x)")


def _time_write_alone(timed) -> float:  # type: ignore[no-untyped-def]
    """The stored series deleted (not timed), then written back as the import writes them,
    in one transaction with its commit: the least the import's database write can cost."""
    import numpy as np
    from django.db import connection, transaction

    from peerwheel.usage.models import UsageSeries
    from peerwheel.usage.store import SeriesRows, load_series, write_series

    stored = load_series(subjects=UsageSeries.objects.values_list("subject", flat=True))
    order = sorted(range(len(stored.ids)), key=lambda row: stored.ids[row])
    keys = np.arange(len(order), dtype=np.int64)
    entries = np.concatenate([stored.entries_of(row) for row in order])
    entry_keys = np.repeat(keys, stored.lengths[order])
    rows = SeriesRows(
        subjects=[stored.subjects[row] for row in order],
        person_ids=[stored.person_ids[row] for row in order],
        external_ids=[stored.external_ids[row] for row in order],
        tools=[stored.tools[row] for row in order],
        last_sources=[stored.last_sources[row] for row in order],
    )
    table = UsageSeries._meta.db_table
    with connection.cursor() as cursor:  # an empty table, as the import found it: no dead rows
        truncate = "TRUNCATE" if connection.vendor == "postgresql" else "DELETE FROM"
        cursor.execute(f"{truncate} {table}")

    def write() -> bool:
        with transaction.atomic():
            write_series(
                delete_ids=[], rows=rows, key_codes=keys, entry_keys=entry_keys, entries=entries
            )
        return True

    seconds, _ = timed(
        f"  of which, on its own: write {len(keys):,} series + commit", write, repeat=1
    )
    return seconds


if __name__ == "__main__":
    main()
