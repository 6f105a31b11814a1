"""The catalogue's settings fail loudly; its lists cost the same queries however long they are."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from peerwheel.catalog.models import Tool
from peerwheel.catalog.services import catalog_ask, tool_save
from peerwheel.org.models import Person
from tests.test_settings import run


@pytest.mark.slow
@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"PEERWHEEL_CATALOG_REVIEW_DAYS": "0"},
            "PEERWHEEL_CATALOG_REVIEW_DAYS=0 is below the minimum of 1",
        ),
        (
            {"PEERWHEEL_CATALOG_REVIEW_DAYS": "two"},
            "PEERWHEEL_CATALOG_REVIEW_DAYS='two' is not a whole number",
        ),
        (
            {"PEERWHEEL_CATALOG_HOLIDAYS": "2026-12-25,25/12/2026"},
            "PEERWHEEL_CATALOG_HOLIDAYS: '25/12/2026' is not a date",
        ),
    ],
)
def test_a_bad_catalogue_setting_is_named(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    result = run(["check"], env, tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _ask(org: dict[str, Person], times: int) -> None:
    for n in range(times):
        for who in ("alice", "bob"):
            catalog_ask(asker=org[who], tool=f"New tool {n}", use="research", data_class="public")
            catalog_ask(asker=org[who], tool="DeepSeek", use="coding", data_class="public")


@pytest.mark.parametrize(
    "url",
    [
        "/catalog/",
        "/catalog/mine/",
        "/catalog/queue/",
        "/catalog/policy/",
        "/api/catalog/requests?status=all",
    ],
)
def test_lists_cost_the_same_queries_however_long(
    catalogue: dict[str, Tool],
    org: dict[str, Person],
    client_for: Callable[[str], Client],
    url: str,
) -> None:
    client = client_for("alice" if "mine" in url else "carol")  # alice's own requests grow
    _ask(org, 2)
    before = _queries(client, url)
    _ask(org, 6)
    for n in range(4):
        tool_save(
            actor=None, name=f"Extra {n}", status="approved", alternative=catalogue["Einstein"]
        )
    assert _queries(client, url) == before
