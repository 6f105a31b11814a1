"""A company big enough for the program's groups: the named cast's organisation plus fourteen
colleagues in three departments on two sites, usage written through the usage import."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from peerwheel.org.models import Department, Person, Site
from peerwheel.usage.services import usage_import

#: a Monday: the program is read on this day in the tests
AS_OF = date(2026, 6, 1)


def monday(weeks_before: int) -> date:
    """The Monday `weeks_before` weeks before AS_OF's week (1 = the last full week)."""
    return AS_OF - timedelta(weeks=weeks_before)


@dataclass
class Company:
    people: dict[str, Person]
    tmp_path: Path

    def ids(self, *keys: str) -> set[int]:
        return {self.people[k].pk for k in keys}

    def usage(self, weeks: dict[str, Iterable[int]], *, actions: int = 3, agents: int = 0) -> None:
        """Each person uses AI (`actions` a week) in the given weeks before AS_OF."""
        path = self.tmp_path / f"usage-{len(list(self.tmp_path.iterdir()))}.csv"
        lines = ["person,week,tool,actions,agent_actions"]
        for key, before in weeks.items():
            for w in before:
                lines.append(f"{self.people[key].email},{monday(w)},ChatGPT,{actions},{agents}")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        usage_import("usage-csv", path, today=AS_OF)


@pytest.fixture
def company(org: dict[str, Person], tmp_path: Path) -> Company:
    people = dict(org)
    engineering = Department.objects.get(name="Engineering")
    sales = Department.objects.get(name="Sales")
    support = Department.objects.create(name="Support")
    london, berlin = Site.objects.get(name="London"), Site.objects.get(name="Berlin")
    layout = [(engineering, london, "engineering")] * 6 + [(sales, berlin, "sales")] * 4
    layout += [(support, london, "support")] * 4
    for i, (department, site, family) in enumerate(layout, start=1):
        key = f"p{i:02d}"
        people[key] = Person.objects.create(
            employee_id=f"P{i:02d}",
            name=f"Person {i:02d}",
            email=f"{key}@example.com",
            department=department,
            site=site,
            role_family=family,
            manager=org["boss"],
        )
    return Company(people=people, tmp_path=tmp_path)
