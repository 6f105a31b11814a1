"""The demo organisation: a mid-size company with a workplace-like social network.

Pure and seeded: the same seed gives the same organisation. Later parts of the demo (hub
content, usage, survey) build on `DemoOrganisation` and draw from their own seeded generators.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from peerwheel.engine.demo_org_data import (
    DEPARTMENTS,
    FIRST_NAMES,
    JOB_TITLES,
    LAST_NAMES,
    SECONDARY_FAMILY,
    SITES,
    TEAM_TOPICS,
)

EMAIL_DOMAIN = "northwind.example"
COMPANY_NAME = "Northwind Analytics"


@dataclass(frozen=True)
class TieWeights:
    """Weights of the tie kinds in the demo's social network."""

    team: float = 3.0
    manager: float = 3.0
    role_family: float = 2.0
    site: float = 1.0
    other: float = 1.0


@dataclass(frozen=True)
class DemoOrgConfig:
    people: int = 600
    seed: int = 42
    team_size: tuple[int, int] = (5, 12)
    within_team_tie_p: float = 0.75
    cross_ties_per_person: float = 5.0
    triadic_closure_p: float = 0.6
    weights: TieWeights = field(default_factory=TieWeights)


@dataclass(frozen=True)
class DemoOrganisation:
    """People (one row each, index = node number) and undirected weighted ties between them."""

    people: pd.DataFrame
    ties: pd.DataFrame
    seed: int

    @property
    def size(self) -> int:
        return len(self.people)


def generate_demo_org(config: DemoOrgConfig | None = None) -> DemoOrganisation:
    """Generate the demo company: CEO, department heads, teams of 5–12 under managers.

    The network is dense inside teams, adds manager ties, and adds cross-team ties that favour
    the same role family and the same site, plus some triadic closure (small-world clustering).
    """
    config = config or DemoOrgConfig()
    if config.people < 30:
        raise ValueError("the demo organisation needs at least 30 people")
    rng = np.random.default_rng(config.seed)
    people = _people(config, rng)
    ties = _ties(people, config, rng)
    return DemoOrganisation(people=people, ties=ties, seed=config.seed)


def _people(config: DemoOrgConfig, rng: np.random.Generator) -> pd.DataFrame:
    n = config.people
    shares = np.array([d[2] for d in DEPARTMENTS])
    # Everyone but the CEO is in a department; heads included.
    sizes = np.maximum(np.floor(shares / shares.sum() * (n - 1)).astype(int), 3)
    sizes[0] += (n - 1) - sizes.sum()
    site_names = [s[0] for s in SITES]
    site_p = np.array([s[1] for s in SITES])

    rows: list[dict[str, object]] = []
    names = _names(n, rng)

    def add(**row: object) -> int:
        index = len(rows)
        name = names[index]
        rows.append({"employee_id": f"E{index + 1:05d}", "name": name, **row})
        return index

    ceo = add(
        department="Operations",
        team="",
        site="London",
        role_family="executive",
        job_title="Chief Executive Officer",
        manager=-1,
        is_leader=True,
        level=0,
    )
    for (department, family, _), size in zip(DEPARTMENTS, sizes, strict=True):
        head_site = str(rng.choice(site_names, p=site_p))
        head = add(
            department=department,
            team="",
            site=head_site,
            role_family=family,
            job_title=f"Head of {department}",
            manager=ceo,
            is_leader=True,
            level=1,
        )
        remaining = int(size) - 1
        topics = list(TEAM_TOPICS[family])
        rng.shuffle(topics)
        team_number = 0
        while remaining > 0:
            smallest, largest = config.team_size
            team_size = int(rng.integers(smallest, largest + 1))
            if remaining <= largest:
                team_size = remaining
            elif remaining - team_size < smallest:
                team_size = remaining - smallest  # leave room for one more full team
            topic = topics[team_number % len(topics)]
            suffix = "" if team_number < len(topics) else f" {team_number // len(topics) + 1}"
            team = f"{department} · {topic}{suffix}"
            team_site = str(rng.choice(site_names, p=site_p))
            manager = add(
                department=department,
                team=team,
                site=team_site,
                role_family=family,
                job_title=f"{topic} Manager",
                manager=head,
                is_leader=True,
                level=2,
            )
            for _ in range(team_size - 1):
                member_family = family if rng.random() < 0.85 else SECONDARY_FAMILY[family]
                site = team_site if rng.random() < 0.85 else str(rng.choice(site_names, p=site_p))
                titles = JOB_TITLES[member_family]
                add(
                    department=department,
                    team=team,
                    site=site,
                    role_family=member_family,
                    job_title=str(titles[int(rng.integers(len(titles)))]),
                    manager=manager,
                    is_leader=False,
                    level=3,
                )
            remaining -= team_size
            team_number += 1

    frame = pd.DataFrame(rows)
    frame["manager_id"] = [
        frame.at[m, "employee_id"] if m >= 0 else "" for m in frame["manager"].astype(int)
    ]
    frame["email"] = _emails(frame["name"].tolist())
    return frame[
        [
            "employee_id",
            "name",
            "email",
            "department",
            "team",
            "site",
            "role_family",
            "job_title",
            "manager_id",
            "is_leader",
            "level",
            "manager",
        ]
    ]


def _names(n: int, rng: np.random.Generator) -> list[str]:
    first = rng.choice(FIRST_NAMES, size=n)
    last = rng.choice(LAST_NAMES, size=n)
    return [f"{f} {surname}" for f, surname in zip(first, last, strict=True)]


def _emails(names: list[str]) -> list[str]:
    taken: dict[str, int] = {}
    emails = []
    for name in names:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        local = ".".join(
            "".join(ch for ch in part.lower() if ch.isalnum()) for part in ascii_name.split()
        )
        count = taken.get(local, 0)
        taken[local] = count + 1
        emails.append(f"{local}{count + 1 if count else ''}@{EMAIL_DOMAIN}")
    return emails


def _ties(people: pd.DataFrame, config: DemoOrgConfig, rng: np.random.Generator) -> pd.DataFrame:
    weights = config.weights
    n = len(people)
    pairs: dict[tuple[int, int], tuple[float, str]] = {}

    def add(a: int, b: int, weight: float, kind: str) -> None:
        if a == b:
            return
        key = (a, b) if a < b else (b, a)
        if key not in pairs or pairs[key][0] < weight:
            pairs[key] = (weight, kind)

    # Dense inside teams; the CEO and department heads form the leadership team.
    leadership = np.flatnonzero(people["level"].to_numpy() <= 1)
    for a_index, a in enumerate(leadership):
        for b in leadership[a_index + 1 :]:
            add(int(a), int(b), weights.team, "team")
    for team_name, members in people.groupby("team").indices.items():
        if not team_name:
            continue
        members = np.asarray(members)
        if len(members) < 2:
            continue
        i, j = np.triu_indices(len(members), k=1)
        keep = rng.random(len(i)) < config.within_team_tie_p
        for a, b in zip(members[i[keep]], members[j[keep]], strict=True):
            add(int(a), int(b), weights.team, "team")
    # Manager links.
    for person, manager in enumerate(people["manager"].to_numpy()):
        if manager >= 0:
            add(person, int(manager), weights.manager, "manager")
    # Cross-team ties: pick a pool by kind, then a person uniformly in it.
    family = people["role_family"].to_numpy()
    site = people["site"].to_numpy()
    by_family = {k: np.asarray(v) for k, v in people.groupby("role_family").indices.items()}
    by_family_site = {
        k: np.asarray(v) for k, v in people.groupby(["role_family", "site"]).indices.items()
    }
    by_site = {k: np.asarray(v) for k, v in people.groupby("site").indices.items()}
    counts = rng.poisson(config.cross_ties_per_person / 2, size=n)
    for person in range(n):
        for _ in range(int(counts[person])):
            draw = rng.random()
            if draw < 0.35:
                pool, weight, kind = (
                    by_family_site[(family[person], site[person])],
                    weights.role_family,
                    "role_family",
                )
            elif draw < 0.60:
                pool, weight, kind = by_family[family[person]], weights.role_family, "role_family"
            elif draw < 0.85:
                pool, weight, kind = by_site[site[person]], weights.site, "site"
            else:
                pool, weight, kind = np.arange(n), weights.other, "other"
            add(person, int(pool[int(rng.integers(len(pool)))]), weight, kind)
    # Triadic closure: a friend of a friend becomes a friend.
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for first, second in pairs:
        neighbours[first].append(second)
        neighbours[second].append(first)
    for person in range(n):
        friends = neighbours[person]
        if len(friends) < 2 or rng.random() >= config.triadic_closure_p:
            continue
        via = friends[int(rng.integers(len(friends)))]
        candidates = neighbours[via]
        other = candidates[int(rng.integers(len(candidates)))]
        add(person, other, weights.other, "closure")

    keys = sorted(pairs)
    return pd.DataFrame(
        {
            "source": np.array([k[0] for k in keys], dtype=np.int64),
            "target": np.array([k[1] for k in keys], dtype=np.int64),
            "weight": np.array([pairs[k][0] for k in keys], dtype=np.float64),
            "kind": [pairs[k][1] for k in keys],
        }
    )
