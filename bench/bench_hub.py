"""The hub's feed and search at 20,000 people and 200,000 posts, on PostgreSQL.

    .venv/bin/python bench/bench_hub.py [--people 20000] [--posts 200000] [--requests 200]
                                        [--naive-requests 20] [--seed 42] [--reload]

Creates (or reuses) the database `peerwheel_bench` on 127.0.0.1 as user postgres, migrates it
and bulk-loads people, teams, network ties and posts with COPY (the search trigger fills each
post's tsvector as it loads), then measures whole API requests through Django's test client with
bearer tokens, as an integration would call them:

  GET /api/feed       the peer-proximal feed: SQL candidate window + engine ranking
  GET /api/posts?q=   full-text search: tsvector @@ websearch_to_tsquery, ts_rank, GIN index

and, in the same run, the naive peer for each:

  naive feed    every live post fetched newest first and ranked in Python by the same engine
  naive search  ILIKE '%word%' on title, body and prompt text for every word, newest first

Prints p50/p95 per endpoint and the ratio to the peer. The data stays for the next run; use
--reload to rebuild it.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

DATABASE = "peerwheel_bench"
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("PEERWHEEL_HOME", str(ROOT / "var" / "bench"))
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
os.environ["DJANGO_SETTINGS_MODULE"] = "peerwheel.settings"
os.environ["PEERWHEEL_API_RATE_LIMIT"] = "1000000"

QUERIES = (
    "meeting notes",
    "invoice",
    "summarise transcript",
    '"follow-up email"',
    "copilot formulas",
    "ticket replies customer",
    "contract clause",
    "survey themes",
    "release notes",
    "prompt -draft",
    "board update",
    "sql query schema",
)
DEPARTMENTS = (
    "Engineering",
    "Sales",
    "Customer Support",
    "Operations",
    "Marketing",
    "Finance",
    "People",
    "Legal",
)
FAMILIES = ("engineering", "sales", "support", "operations", "marketing", "finance", "hr", "legal")
SITES = ("London", "Manchester", "Berlin", "Lisbon")


def ensure_database(reload: bool) -> bool:
    """Create the bench database if missing; True when it must be (re)loaded."""
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc"]
    exists = subprocess.run(
        [*psql, "SELECT 1 FROM pg_database WHERE datname = 'peerwheel_bench'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists and not reload:
        return False
    if exists:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DATABASE], check=True)
    return True


def _copy(cursor: object, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with cursor.copy(sql) as copy:  # type: ignore[attr-defined]
        for row in rows:
            copy.write_row(row)


def load(people: int, posts: int, seed: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from peerwheel.hub import demo_content as text
    from peerwheel.org.models import Department, Person, Site, Team

    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    departments = [Department.objects.create(name=name) for name in DEPARTMENTS]
    sites = [Site.objects.create(name=name) for name in SITES]
    shares = np.array([0.24, 0.17, 0.15, 0.14, 0.10, 0.08, 0.07, 0.05])
    dept_of = rng.choice(len(DEPARTMENTS), size=people, p=shares)
    order = np.argsort(dept_of, kind="stable")
    team_of = np.empty(people, dtype=np.int64)
    teams: list[Team] = []
    for d, department in enumerate(departments):
        members = order[dept_of[order] == d]
        n_teams = max(1, len(members) // 10)
        for t in range(n_teams):
            teams.append(Team(name=f"{department.name} team {t + 1}", department=department))
        team_of[members] = len(teams) - n_teams + (np.arange(len(members)) % n_teams)
    Team.objects.bulk_create(teams)
    team_ids = np.array([t.pk for t in teams])
    family = np.where(
        rng.random(people) < 0.85,
        np.array(FAMILIES)[dept_of],
        np.array(FAMILIES)[rng.integers(0, len(FAMILIES), people)],
    )
    site_of = rng.integers(0, len(sites), people)
    now = datetime.now(UTC)
    with connection.cursor() as cursor:
        _copy(
            cursor.cursor,
            "org_person",
            (
                "employee_id",
                "name",
                "email",
                "department_id",
                "team_id",
                "site_id",
                "role_family",
                "job_title",
                "is_leader",
                "created",
                "updated",
            ),
            [
                (
                    f"B{i:06d}",
                    f"Person {i}",
                    f"person{i}@bench.example",
                    departments[dept_of[i]].pk,
                    int(team_ids[team_of[i]]),
                    sites[site_of[i]].pk,
                    family[i],
                    "Analyst",
                    False,
                    now,
                    now,
                )
                for i in range(people)
            ],
        )
    person_ids = np.array(Person.objects.order_by("employee_id").values_list("id", flat=True))
    # Ties: teammates, plus cross ties (about eight per person in all).
    a = rng.integers(0, people, people * 5)
    same_team = rng.random(len(a)) < 0.5
    b = np.where(
        same_team,
        order[
            np.clip(
                np.searchsorted(dept_of[order], dept_of[a]) + rng.integers(0, 40, len(a)),
                0,
                people - 1,
            )
        ],
        rng.integers(0, people, len(a)),
    )
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    pairs = np.unique(np.stack([lo[lo != hi], hi[lo != hi]], axis=1), axis=0)
    with connection.cursor() as cursor:
        _copy(
            cursor.cursor,
            "org_tie",
            ("person_a_id", "person_b_id", "weight", "source"),
            [(int(person_ids[x]), int(person_ids[y]), 1.0, "demo") for x, y in pairs],
        )
    # Posts: 26 weeks, more each week as adoption grows; a few prolific authors.
    ages = 182 * (1 - np.sqrt(rng.random(posts)))  # days ago, denser recently
    created = [now - timedelta(days=float(d)) for d in ages]
    activity = rng.lognormal(0.0, 1.2, people)  # a few people post a lot
    authors = person_ids[rng.choice(people, size=posts, p=activity / activity.sum())]
    kinds = rng.choice(
        ["win", "prompt", "tip", "fail", "question"], posts, p=[0.35, 0.25, 0.15, 0.10, 0.15]
    )
    tried = np.where(rng.random(posts) < 0.4, rng.geometric(0.3, posts), 0)
    all_tasks = [t for family_tasks in text.TASKS.values() for t in family_tasks]
    task_index = rng.integers(0, len(all_tasks), posts)
    variant = rng.integers(0, 1000, posts)
    rows = []
    for i in range(posts):
        task = all_tasks[task_index[i]]
        kind = str(kinds[i])
        if kind == "fail":
            title, body = task.fail
        elif kind == "tip":
            title, body = task.tip
        elif kind == "question":
            title = f"How do I use {task.tool} for {task.task}? ({variant[i]})"
            body = f"I am trying to do {task.task} and it keeps missing details. Any tips?"
        else:
            title = f"{task.task.capitalize()} with {task.tool}, take {variant[i]}"
            body = f"{task.win} {task.tip[1]}"
        prompt = task.prompt if kind == "prompt" else ""
        rows.append(
            (
                kind,
                title,
                body,
                f"<p>{body}</p>",
                prompt,
                task.tool,
                task.task,
                task.minutes,
                bool(rng.random() < 0.05),
                "[]",
                int(authors[i]),
                1,
                created[i],
                int(tried[i]),
                int(min(tried[i], 3)),
                0,
                0,
            )
        )
    with connection.cursor() as cursor:
        _copy(
            cursor.cursor,
            "hub_post",
            (
                "kind",
                "title",
                "body",
                "body_html",
                "prompt_text",
                "tool",
                "task",
                "minutes_saved",
                "anonymous",
                "tags",
                "author_id",
                "version",
                "created",
                "tried_count",
                "teams_reached",
                "answer_count",
                "adaptation_count",
            ),
            rows,
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # what autovacuum would have done by now
    print(
        f"loaded {people:,} people, {len(pairs):,} ties, {posts:,} posts "
        f"in {time.perf_counter() - started:.0f} s"
    )


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def readers(count: int, seed: int) -> list[str]:
    """Bearer tokens for `count` people (created once, reused by later runs)."""
    from django.contrib.auth.models import User

    from peerwheel.accounts.roles import Role
    from peerwheel.accounts.services import token_issue, user_create
    from peerwheel.org.models import Person

    rng = np.random.default_rng([seed, 9])
    ids = list(Person.objects.values_list("employee_id", flat=True).order_by("employee_id"))
    tokens = []
    for k, index in enumerate(rng.choice(len(ids), size=count, replace=False)):
        name = f"reader{k}"
        user = User.objects.filter(username=name).first()
        if user is None:
            user = user_create(username=name, role=Role.MEMBER, person_employee_id=ids[index])
        tokens.append(token_issue(user=user))
    return tokens


def timed(call: object, count: int) -> list[float]:
    samples = []
    for k in range(count):
        started = time.perf_counter()
        call(k)  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def naive_feed(token_user: object) -> list[int]:
    """Every live post newest first, all ranked in Python by the same engine."""
    import pandas as pd
    from django.utils import timezone

    from peerwheel.engine.ranking import rank_feed
    from peerwheel.hub.feed import reader_context
    from peerwheel.hub.models import Post

    person = token_user.person  # type: ignore[attr-defined]
    reader = reader_context(person)
    rows = list(
        Post.objects.filter(deleted__isnull=True)
        .exclude(author=person)
        .order_by("-created")
        .values_list(
            "id",
            "created",
            "tried_count",
            "anonymous",
            "author_id",
            "author__team_id",
            "author__role_family",
            "author__department_id",
        )
    )
    frame = pd.DataFrame(
        rows,
        columns=[
            "post_id",
            "created_at",
            "tried_by",
            "is_anonymous",
            "author_id",
            "author_team",
            "author_role_family",
            "author_department",
        ],
    )
    return [int(i) for i in rank_feed(frame, reader, timezone.now(), limit=20)]


def naive_search(q: str) -> tuple[int, list[int]]:
    """ILIKE on every word, newest first: what a hub without full-text search would do."""
    from django.db.models import Q

    from peerwheel.hub.models import Post

    posts = Post.objects.filter(deleted__isnull=True)
    for word in q.replace('"', " ").split():
        if word.startswith("-"):
            continue
        posts = posts.filter(
            Q(title__icontains=word) | Q(body__icontains=word) | Q(prompt_text__icontains=word)
        )
    return posts.count(), list(posts.order_by("-created").values_list("id", flat=True)[:20])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--naive-requests", type=int, default=20)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args()

    fresh = ensure_database(args.reload)
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client

    if fresh:
        load(args.people, args.posts, args.seed)
    from peerwheel.hub.models import Post

    print(
        f"database {DATABASE}: {Post.objects.count():,} posts; machine: {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}; seed {args.seed}"
    )
    tokens = readers(50, args.seed)
    client = Client()

    def get(path: str, k: int) -> dict:
        response = client.get(path, headers={"Authorization": f"Bearer {tokens[k % len(tokens)]}"})
        assert response.status_code == 200, response.content[:300]
        return response.json()

    for k in range(10):  # warm up caches and connections
        get("/api/feed", k)
        get(f"/api/posts?q={QUERIES[k % len(QUERIES)]}", k)
    load_before = os.getloadavg()[0]
    baseline = timed(lambda k: get("/api/me", k), args.requests)
    feed = timed(lambda k: get("/api/feed", k), args.requests)
    search = timed(lambda k: get(f"/api/posts?q={QUERIES[k % len(QUERIES)]}", k), args.requests)
    users = list(User.objects.filter(username__startswith="reader").select_related("person"))
    peer_feed = timed(lambda k: naive_feed(users[k % len(users)]), args.naive_requests)
    peer_search = timed(lambda k: naive_search(QUERIES[k % len(QUERIES)]), args.naive_requests)

    print(
        f"load average (1 min) {load_before:.1f} before, {os.getloadavg()[0]:.1f} after; "
        f"{args.requests} requests each, {args.naive_requests} for the peers"
    )
    print(f"{'':28}{'p50 ms':>9}{'p95 ms':>9}")
    for name, samples in (
        ("GET /api/me (auth floor)", baseline),
        ("GET /api/feed", feed),
        ("naive feed (peer)", peer_feed),
        ("GET /api/posts?q=", search),
        ("naive ILIKE search (peer)", peer_search),
    ):
        p50, p95 = percentiles(samples)
        print(f"{name:28}{p50:9.1f}{p95:9.1f}")
    for name, ours, peer in (("feed", feed, peer_feed), ("search", search, peer_search)):
        print(
            f"{name}: p95 {percentiles(ours)[1]:.0f} ms (target 150); the naive peer is "
            f"{percentiles(peer)[1] / percentiles(ours)[1]:.1f}x slower at p95"
        )


if __name__ == "__main__":
    main()
