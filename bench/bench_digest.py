"""The weekly digest for 20,000 people: built, rendered (HTML and text) and sent in batches.

    .venv/bin/python bench/bench_digest.py [--people 20000] [--week-posts 4000]
                                           [--week-trials 10000] [--batch 500] [--seed 42]

Loads (once, into a SQLite file under var/bench-digest; set DATABASE_URL for PostgreSQL) an
organisation of `--people` in teams of 10, eight role families and eight ties each, with a hub
week the size of a 200,000-post year (about 4,000 posts and 10,000 "I tried this"), older
questions that set readers' stages, then times, in the same run:

  digest (dry run)  digest_send(week, dry_run=True): every person's digest chosen from the week
                    (closeness, stage, the organisation's best), their nudges read, the email
                    built with HTML and text, in batches, the progress bar on stderr
  digest (send)     the same, sending through Django's locmem backend and recording DigestSend
                    rows (claims in bulk), then a re-run that sends nothing
  peer              Django's template engine rendering a minimal digest (a greeting and three
                    titles, HTML and text) for every person, with no selection and no database

and prints milliseconds per 1,000 people and the ratio to the peer.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
HOME = ROOT / "var" / "bench-digest"
os.environ.setdefault("PEERWHEEL_HOME", str(HOME))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{HOME / 'bench.sqlite3'}")
os.environ["DJANGO_SETTINGS_MODULE"] = "peerwheel.settings"

FAMILIES = ("engineering", "sales", "support", "operations", "marketing", "finance", "hr", "legal")
KINDS = ("win", "prompt", "fail", "tip", "question")
KIND_SHARE = (0.3, 0.25, 0.1, 0.15, 0.2)
MINIMAL_HTML = (
    "<html><body><h1>Hi {{ name }}</h1><ul>{% for t in titles %}<li>{{ t }}</li>{% endfor %}"
    "</ul></body></html>"
)
MINIMAL_TEXT = "Hi {{ name }}\n{% for t in titles %}* {{ t }}\n{% endfor %}"


def load(people: int, week_posts: int, week_trials: int, seed: int, monday: datetime) -> None:
    from django.core.management import call_command

    from peerwheel.hub.models import Post, Trial
    from peerwheel.org.models import Department, Person, Team, Tie

    call_command("migrate", verbosity=0)
    if Person.objects.count() == people:
        return
    call_command("flush", interactive=False, verbosity=0)  # another size: start again
    rng = np.random.default_rng(seed)
    department = Department.objects.create(name="Everyone")
    teams = Team.objects.bulk_create(
        Team(name=f"Team {i}", department=department) for i in range(people // 10 + 1)
    )
    Person.objects.bulk_create(
        (
            Person(
                employee_id=f"E{i:05d}",
                name=f"Person {i}",
                email=f"p{i}@example.com",
                department=department,
                team=teams[i // 10],
                role_family=FAMILIES[i % len(FAMILIES)],
            )
            for i in range(people)
        ),
        batch_size=2000,
    )
    ids = np.asarray(Person.objects.order_by("pk").values_list("pk", flat=True))
    a = rng.integers(0, people, people * 4)
    b = rng.integers(0, people, people * 4)
    pairs = {(int(min(x, y)), int(max(x, y))) for x, y in zip(a, b, strict=True) if x != y}
    Tie.objects.bulk_create(
        (Tie(person_a_id=ids[x], person_b_id=ids[y]) for x, y in pairs), batch_size=5000
    )

    def posts(n: int, start: datetime, days: float, kinds: tuple[str, ...]) -> list[Post]:
        authors = rng.integers(0, people, n)
        offsets = rng.random(n) * days
        chosen = rng.choice(
            len(kinds), n, p=np.asarray(KIND_SHARE[: len(kinds)]) / sum(KIND_SHARE[: len(kinds)])
        )
        return Post.objects.bulk_create(
            (
                Post(
                    kind=kinds[k],
                    title=f"{kinds[k].title()} {i}: summarising meeting notes",
                    body="How it went, step by step.",
                    body_html="<p>How it went, <strong>step by step</strong>.</p>",
                    prompt_text="Summarise this." if kinds[k] == "prompt" else "",
                    anonymous=bool(rng.random() < 0.1),
                    question_stage=int(rng.integers(1, 5)) if kinds[k] == "question" else None,
                    author_id=ids[authors[i]],
                    created=start + timedelta(days=float(offsets[i])),
                    minutes_saved=int(rng.integers(5, 60)) if kinds[k] == "win" else None,
                )
                for i, k in enumerate(chosen)
            ),
            batch_size=2000,
        )

    older = posts(people // 4, monday - timedelta(weeks=12), 77, ("question",))
    older += posts(week_posts // 2, monday - timedelta(weeks=4), 27, KINDS[:3])
    week = posts(week_posts, monday, 7, KINDS)
    targets = [p.pk for p in week + older[people // 4 :]]
    seen: set[tuple[int, int]] = set()
    trials = []
    for post, person in zip(
        rng.choice(targets, week_trials), rng.integers(0, people, week_trials), strict=True
    ):
        if (int(post), int(person)) not in seen:
            seen.add((int(post), int(person)))
            at = monday + timedelta(days=float(rng.random() * 7))
            trials.append(
                Trial(
                    post_id=int(post),
                    person_id=ids[person],
                    outcome="worked",
                    created=at,
                    updated=at,
                )
            )
    Trial.objects.bulk_create(trials, batch_size=5000)


class Clock:
    """Wall and CPU seconds since the last lap (the machine is shared: both are shown)."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        spent = (wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
        return spent


def peer(people: int) -> float:
    """Seconds for Django's templates to render a minimal digest (HTML and text) per person."""
    from django.template import engines

    engine = engines["django"]
    html, text = engine.from_string(MINIMAL_HTML), engine.from_string(MINIMAL_TEXT)
    titles = ["Win 1: summarising meeting notes", "Prompt 2: a better brief", "Fail 3: tables"]
    started = time.perf_counter()
    for i in range(people):
        context = {"name": f"Person {i}", "titles": titles}
        html.render(context)
        text.render(context)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--week-posts", type=int, default=4_000)
    parser.add_argument("--week-trials", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    HOME.mkdir(parents=True, exist_ok=True)

    import django

    django.setup()
    from django.core.mail import get_connection
    from django.db import connection

    from peerwheel.core.commands import progress_bar
    from peerwheel.digest.models import DigestSend
    from peerwheel.digest.services import digest_send
    from peerwheel.digest.weeks import IsoWeek

    week = IsoWeek(2026, 10)
    started = time.perf_counter()
    load(args.people, args.week_posts, args.week_trials, args.seed, week.start.astimezone(UTC))
    print(f"data ready in {time.perf_counter() - started:.0f} s ({connection.vendor})")
    DigestSend.objects.all().delete()

    per_k = 1000 / args.people
    clock = Clock()
    with progress_bar("digest (dry run)", unit="person") as bar:
        dry = digest_send(week, dry_run=True, on_progress=bar, batch_size=args.batch)
    dry_s = clock.lap()
    with progress_bar("digest (send)", unit="person") as bar:
        memory = get_connection("django.core.mail.backends.locmem.EmailBackend")
        sent = digest_send(week, on_progress=bar, connection=memory, batch_size=args.batch)
    send_s = clock.lap()
    again = digest_send(week, connection=memory, batch_size=args.batch)
    again_s = clock.lap()
    assert again.sent == 0 and again.already_sent == sent.sent
    peer(args.people)
    peer_s = clock.lap()

    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")  # fmt: skip
    print(f"{args.people} people, batches of {args.batch}; digests sent {sent.sent}, "
          f"nothing to tell {sent.empty}")  # fmt: skip
    rows = [
        ("digest, dry run (choose + render)", dry_s),
        ("digest, send (+ claims, locmem)", send_s),
        ("re-run of the same week (no-op)", again_s),
        ("peer: minimal Django template", peer_s),
    ]
    print(f"  {'':36s} {'wall (CPU) s':>15s}  {'ms / 1,000 people':>19s}  vs the peer")
    for name, (wall, cpu) in rows:
        print(
            f"  {name:36s} {wall:6.1f} ({cpu:6.1f})  {wall * per_k * 1000:8.0f} "
            f"({cpu * per_k * 1000:6.0f})  {wall / peer_s[0]:5.1f}x ({cpu / peer_s[1]:5.1f}x)"
        )
    assert dry.sent == sent.sent


if __name__ == "__main__":
    main()
