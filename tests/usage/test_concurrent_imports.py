"""Two imports at once (two uploads, or an upload and the command line) both land, merged."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

from peerwheel.core.imports import ImportReport
from peerwheel.org.models import Person
from peerwheel.usage.services import usage_import
from tests.usage.helpers import stored_records

Write = Callable[..., Path]


@pytest.mark.django_db(transaction=True)
def test_two_imports_at_the_same_time_both_land(org: dict[str, Person], write_file: Write) -> None:
    header = "person,week,tool,actions\n"
    weeks = [f"2025-{m:02d}-{d:02d}" for m in (1, 2, 3, 4, 5, 6) for d in (6, 13, 20)]
    files = [
        write_file(
            f"{tool}.csv",
            header
            + "".join(
                f"{who}@example.com,{week},{tool},{n + 1}\n"
                for n, week in enumerate(weeks)
                for who in ("alice", "bob", "carol")
            )
            + "".join(f"x{n}@example.com,2025-01-06,{tool},1\n" for n in range(2000)),
        )
        for tool in ("ChatGPT", "Copilot")
    ]
    reports: list[ImportReport] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(files))

    def run(path: Path) -> None:
        try:
            start.wait()
            reports.append(usage_import("usage-csv", path))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(path,)) for path in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert sorted(r.created for r in reports) == [2054, 2054]
    records = stored_records()
    assert len(records) == 2 * 2054
    alice = [r for r in records if r.person == org["alice"]]
    assert {r.tool for r in alice} == {"ChatGPT", "Copilot"} and len(alice) == 36
