"""The Flywheel page's cache key changes with every table the report reads, the program's and
the catalogue's included."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User

from peerwheel.catalog.services import catalog_ask
from peerwheel.insights.caching import data_fingerprint
from peerwheel.org.models import Person
from peerwheel.program.services import champion_invite, scope_entry_add


def test_the_fingerprint_follows_the_program_and_the_catalogue(
    cast: dict[str, User], org: dict[str, Person]
) -> None:
    seen = {data_fingerprint()}
    scope_entry_add(
        unit="department", name="Engineering", stage="crawl", since=date(2026, 1, 5),
        actor=cast["carol"],
    )  # fmt: skip
    seen.add(data_fingerprint())
    champion_invite(person_id=org["bob"].pk, actor=cast["carol"])
    seen.add(data_fingerprint())
    catalog_ask(asker=org["alice"], tool="NoSuchTool", use="drafting", data_class="internal")
    seen.add(data_fingerprint())
    assert len(seen) == 4
    assert data_fingerprint() in seen  # and stable while nothing changes
