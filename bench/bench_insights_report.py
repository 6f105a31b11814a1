"""The flywheel report (`insights report`) at 5,000, 20,000 and 80,000 people: does it grow
no faster than linearly? And Cori's R_t on the report's own incidence against epyestim.

    PYTHONPATH=src .venv/bin/python bench/bench_insights_report.py            # SQLite
    PYTHONPATH=src .venv/bin/python bench/bench_insights_report.py --postgres # and PostgreSQL
    PYTHONPATH=src .venv/bin/python bench/bench_insights_report.py --sizes 5000 --profile

Each size runs in its own process on a fresh database (SQLite: a new file in a temporary
folder; PostgreSQL: postgres://postgres@127.0.0.1:5432/bench_insights, created if missing and
flushed before each size: a scratch database). The organisation (seed 42):

- departments of lognormal sizes (median about 120, 6 to 3,000 people), laid out along a
  Watts–Strogatz ring (k = 10, p = 0.1), so ties are clustered and mostly inside a department:
  5 ties per person (100,000 at 20,000 people);
- a ground-truth cascade (engine/flywheel/cascades.py) over 30 weeks, about 40% adopting;
- weekly usage, 50 records per person (20 weeks before the cascade and its 30 weeks; 0 actions
  before a person's adoption week, about one idle week in five after it), one Copilot series
  per person written as the usage import writes them (`usage.store.write_series`, one
  transaction);
- influence events, 2.5 per person: the cascade's recorded transmissions and noise (reactions,
  comments, mentions that caused nothing); a recorded "tried" is a hub trial of a tip the
  source posted, an "answered" an answer to the target's question (the hub rows are written
  too); ties through `org.ties.ties_replace`, events and hub rows with `bulk_create`.

The load is timed and printed but not counted. Then `flywheel_report(as_of=the Monday after
week 30, runs=1000)`: one warm-up, then best of --repeat; its steps are timed through its
`on_progress` callback (reading the inputs = `insights.selectors.flywheel_inputs`, attribution,
R with events-only, shuffled baseline and departments, champions, critical mass and forecast),
each part's best over the runs. The shuffled baseline (20 attributions) is also timed on its
own. The peer, in the same run: `cori_rt` against epyestim 0.1's `estimate_r` on the report's
weekly incidence and realised serial interval (window 4, EpiEstim's default prior; values
asserted within 1%), median of 200 calls each.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

ORIGIN = date(2026, 1, 5)  # a Monday: day 0 of the cascade
CASCADE_WEEKS = 30
WEEKS_BEFORE = 20  # usage weeks before the cascade: 50 records per person in all
EVENTS_PER_PERSON = 2.5
POSTGRES = "postgres://postgres@127.0.0.1:5432/bench_insights"
STEPS = ("inputs", "attribution", "R block", "champions", "forecast", "momentum")
HUB_KIND = {"attended": "attended_demo"}
THREAD_VARIABLES = (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMBA_NUM_THREADS",
)


@dataclass(frozen=True)
class Org:
    """The synthetic organisation: the cascade's data (network, adoption days, events) and
    how many of its events are recorded true transmissions (the first `true_events`)."""

    data: object  # engine.flywheel.data.AdoptionData
    true_events: int
    departments: int


def synthetic_org(n: int, seed: int) -> Org:
    from peerwheel.engine.flywheel.cascades import TieNetwork, ground_truth_cascade
    from peerwheel.engine.networks import watts_strogatz

    rng = np.random.default_rng(seed)
    sizes: list[int] = []
    while sum(sizes) < n:
        sizes.append(int(np.clip(rng.lognormal(np.log(120), 1.0), 6, 3000)))
    sizes[-1] -= sum(sizes) - n
    adj = watts_strogatz(n, 10, 0.1, rng_seed=seed).adjacency
    network = TieNetwork(
        indptr=adj.indptr.astype(np.int64),
        indices=adj.indices.astype(np.int32),
        weights=None,
        department=np.repeat(np.arange(len(sizes)), sizes).astype(np.int32),
    )
    params = {"seed": seed, "weeks": CASCADE_WEEKS, "transmission": 0.165, "n_seeds": n // 1000}
    # the same cascade twice (noise is drawn last): first to count the recorded transmissions
    recorded = ground_truth_cascade(network, noise_share=0.0, **params).data.event_source.size
    noise = (EVENTS_PER_PERSON * n - recorded) / recorded
    cascade = ground_truth_cascade(network, noise_share=noise, **params)
    return Org(cascade.data, recorded, len(sizes))


def _at(day: int, seconds: int) -> datetime:
    return datetime.combine(ORIGIN, datetime.min.time(), tzinfo=UTC) + timedelta(
        days=int(day), seconds=int(seconds)
    )


def load(org: Org, seed: int) -> dict[str, float]:
    """Write the organisation into the database; seconds per part."""
    from peerwheel.org.models import Department, Person
    from peerwheel.org.ties import ties_replace

    data = org.data
    n = data.n_people
    rng = np.random.default_rng(seed + 1)
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    Department.objects.bulk_create(
        Department(name=f"Department {d:03d}") for d in range(org.departments)
    )
    dept_pk = dict(Department.objects.values_list("name", "pk"))
    Person.objects.bulk_create(
        (
            Person(
                employee_id=f"E{i:06d}",
                name=f"Person {i}",
                email=f"p{i}@example.com",
                department_id=dept_pk[f"Department {d:03d}"],
            )
            for i, d in enumerate(data.department.tolist())
        ),
        batch_size=5000,
    )
    pk = np.array(Person.objects.order_by("employee_id").values_list("pk", flat=True))
    seconds["people"] = time.perf_counter() - start

    start = time.perf_counter()
    rows = np.repeat(np.arange(n), np.diff(data.indptr))
    upper = rows < data.indices
    pairs = zip(pk[rows[upper]].tolist(), pk[data.indices[upper]].tolist(), strict=True)
    ties_replace(ties={"email": dict.fromkeys(pairs, 1.0)})
    seconds["ties"] = time.perf_counter() - start

    start = time.perf_counter()
    _write_usage(data, pk, rng)
    seconds["usage"] = time.perf_counter() - start

    start = time.perf_counter()
    _write_events_and_hub(org, pk, rng)
    seconds["events and hub"] = time.perf_counter() - start
    return seconds


def _write_events_and_hub(org: Org, pk: np.ndarray, rng: np.random.Generator) -> None:
    """The events; a recorded "tried" is a trial of a tip its source posted on adopting, a
    recorded "answered" an answer to the target's question, both hub events with their post."""
    from django.db import transaction

    from peerwheel.engine.flywheel.data import EVENT_KINDS
    from peerwheel.hub.models import Answer, InfluenceEvent, InfluenceOrigin, Post, Trial

    data = org.data
    day, src, tgt = data.adoption_day, data.event_source, data.event_target
    kind = np.array(EVENT_KINDS)[data.event_kind]
    true = np.arange(src.size) < org.true_events
    tried = np.flatnonzero(true & (kind == "tried"))
    asked = np.flatnonzero(true & (kind == "answered"))
    ev_day = data.event_day.copy()
    ev_day[tried] = day[tgt[tried]]  # a hub trial is the adoption and its event, one day
    in_day = rng.integers(8 * 3600, 18 * 3600, src.size).tolist()
    when = [_at(d, s) for d, s in zip(ev_day.tolist(), in_day, strict=True)]
    blank = {"body": "", "body_html": ""}
    with transaction.atomic():
        authors = np.unique(src[tried]).tolist()
        tips = Post.objects.bulk_create(
            (Post(kind="tip", title=f"Tip {a}", author_id=int(pk[a]),
                  created=_at(int(day[a]), 7 * 3600), **blank) for a in authors),
            batch_size=2000,
        )  # fmt: skip
        questions = Post.objects.bulk_create(
            (Post(kind="question", title=f"Question {e}", author_id=int(pk[tgt[e]]),
                  created=when[e] - timedelta(hours=3), **blank) for e in asked.tolist()),
            batch_size=2000,
        )  # fmt: skip
        tip_of = dict(zip(authors, tips, strict=True))
        post_of = {e: tip_of[int(src[e])] for e in tried.tolist()}
        Trial.objects.bulk_create(
            (Trial(post=post_of[e], person_id=int(pk[tgt[e]]), outcome="worked",
                   created=when[e], updated=when[e]) for e in tried.tolist()),
            batch_size=2000,
        )  # fmt: skip
        post_of |= dict(zip(asked.tolist(), questions, strict=True))
        Answer.objects.bulk_create(
            (Answer(post=post_of[e], author_id=int(pk[src[e]]), accepted=bool(e % 2),
                    created=when[e], **blank) for e in asked.tolist()),
            batch_size=2000,
        )  # fmt: skip
        events = []
        hub, imported = InfluenceOrigin.HUB, InfluenceOrigin.IMPORTED
        for e, (s, t, k) in enumerate(zip(src.tolist(), tgt.tolist(), kind.tolist(), strict=True)):
            post = post_of.get(e)
            events.append(
                InfluenceEvent(source_id=int(pk[s]), target_id=int(pk[t]), kind=HUB_KIND.get(k, k),
                               post=post, created=when[e], origin=imported if post is None else hub)
            )  # fmt: skip
        InfluenceEvent.objects.bulk_create(events, batch_size=2000, ignore_conflicts=True)


def _write_usage(data: object, pk: np.ndarray, rng: np.random.Generator) -> None:
    """50 weekly records per person, one series each, as the usage import writes them."""
    from django.db import transaction

    from peerwheel.engine.usage_series import entries_from_columns
    from peerwheel.usage.models import subject_for
    from peerwheel.usage.store import SeriesRows, write_series

    n = data.n_people
    weeks = WEEKS_BEFORE + CASCADE_WEEKS
    week = np.tile(np.arange(-WEEKS_BEFORE, CASCADE_WEEKS), n)  # cascade weeks
    adopted_week = np.repeat(np.where(data.adoption_day >= 0, data.adoption_day // 7, 10**6), weeks)
    actions = np.where(week >= adopted_week, 1 + rng.poisson(6, week.size), 0)
    actions[(week > adopted_week) & (rng.random(week.size) < 0.2)] = 0  # idle weeks
    agent = np.where(actions > 0, rng.poisson(1, week.size), 0)
    epoch_day = (ORIGIN - date(1970, 1, 1)).days
    entries = entries_from_columns(
        week_days=epoch_day + 7 * week,
        actions=actions,
        agent_actions=agent,
        active_days=np.where(actions > 0, np.minimum(5, 1 + actions // 3), 0),
        source=0,
    )
    ids = pk.tolist()
    rows = SeriesRows(
        subjects=[subject_for(person_id=p, external_id="") for p in ids],
        person_ids=ids,
        external_ids=[f"p{i}@example.com" for i in range(n)],
        tools=["Copilot"] * n,
        last_sources=[None] * n,
    )
    keys = np.arange(n, dtype=np.int64)
    with transaction.atomic():
        write_series(
            delete_ids=[],
            rows=rows,
            key_codes=keys,
            entry_keys=np.repeat(keys, weeks),
            entries=entries,
        )


def measure(as_of: date, runs: int, repeat: int) -> dict[str, object]:
    """The report: one warm-up, then `repeat` timed runs; each step's best over them, in wall
    time and in this process's CPU time (less moved by other work on a shared machine)."""
    from peerwheel.insights.report import flywheel_report

    def one() -> tuple[np.ndarray, object]:
        marks = [(time.perf_counter(), time.process_time())]
        report = flywheel_report(
            as_of=as_of,
            runs=runs,
            on_progress=lambda done, total: marks.append(
                (time.perf_counter(), time.process_time())
            ),
        )
        return np.diff(np.array(marks), axis=0), report  # steps x (wall, cpu)

    one()
    runs_ = []
    for _ in range(repeat):
        steps, report = one()
        runs_.append(steps)
    steps = np.array(runs_)  # repeat x steps x (wall, cpu)
    totals = steps.sum(axis=1)
    return {
        "total": totals.min(axis=0).tolist(),  # (wall, cpu)
        "totals": totals[:, 0].tolist(),
        "steps": steps.min(axis=0).tolist(),  # per step: (wall, cpu)
        "rest": (totals - steps[:, 0]).min(axis=0).tolist(),
        "report": report,
    }


def baseline_and_peer(report: object) -> dict[str, float]:
    """The shuffled baseline on its own (best of 2), and cori_rt vs epyestim on the report's
    weekly incidence with its realised serial interval."""
    from peerwheel.engine.flywheel.attribution import attribute
    from peerwheel.engine.flywheel.reproduction import shuffled_baseline_r, weekly_new_adopters

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_flywheel_r import median_time, ours, theirs

    data = report.inputs.data
    times = []
    for _ in range(2):
        start = time.perf_counter()
        shuffled_baseline_r(data, seed=0)
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    pmf = attribute(data).realised_pmf
    t_attribute = time.perf_counter() - start
    incidence = weekly_new_adopters(data)
    a, b = ours(incidence, pmf, 4), theirs(incidence, pmf, 4)
    _, ia, ib = np.intersect1d(a["t_end"], b["t_end"], return_indices=True)
    worst = max(
        float((np.abs(a[k][ia] - b[k][ib]) / np.maximum(np.abs(b[k][ib]), 1e-12)).max())
        for k in ("mean", "low", "median", "high")
    )
    assert worst < 0.01, f"cori_rt and epyestim differ by {worst:.2%}"
    return {
        "baseline": min(times),
        "attribute": t_attribute,
        "weeks": int(incidence.size),
        "windows": int(ia.size),
        "max_rel_diff": worst,
        "cori": median_time(lambda: ours(incidence, pmf, 4), 200),
        "epyestim": median_time(lambda: theirs(incidence, pmf, 4), 200),
    }


def child(args: argparse.Namespace) -> None:
    """One size on one database: load, measure, print one JSON line."""
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerwheel.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    n = args.child
    start = time.perf_counter()
    org = synthetic_org(n, args.seed)
    t_generate = time.perf_counter() - start
    t_load = load(org, args.seed)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    as_of = ORIGIN + timedelta(weeks=CASCADE_WEEKS)
    result = measure(as_of, args.runs, args.repeat)
    if args.profile:
        _profile(as_of, args.runs)
    report = result.pop("report")
    counts = {
        "people": n,
        "ties": report.inputs.ties,
        "usage": n * (WEEKS_BEFORE + CASCADE_WEEKS),
        "events": report.inputs.events,
        "adopters": report.inputs.adopters,
        "departments": org.departments,
        "flywheel_r": report.data["flywheel_r"]["value"],
        "baseline_r": report.data["flywheel_r"]["baseline"]["value"],
    }
    extra = baseline_and_peer(report)
    print(
        "RESULT "
        + json.dumps(
            {
                "database": connection.vendor,
                "generate": t_generate,
                "load": t_load,
                **counts,
                **result,
                **extra,
            }
        )
    )


def _profile(as_of: date, runs: int) -> None:
    import cProfile
    import pstats

    from peerwheel.insights.report import flywheel_report

    profile = cProfile.Profile()
    profile.runcall(lambda: flywheel_report(as_of=as_of, runs=runs))
    stats = pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative")
    stats.print_stats(35)
    stats.sort_stats("tottime").print_stats(20)


def _postgres_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = 'bench_insights'").fetchone():
            c.execute("CREATE DATABASE bench_insights")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,20000,80000")
    parser.add_argument("--runs", type=int, default=1000, help="the forecast's Monte Carlo runs")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL too, after SQLite")
    parser.add_argument("--profile", action="store_true", help="cProfile one report per size")
    parser.add_argument(
        "--threads", type=int, help="BLAS and numba threads (1: CPU time is the work done)"
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    folder = Path(tempfile.mkdtemp(prefix="pw-bench-insights-"))
    databases = ["sqlite"] + (["postgres"] if args.postgres else [])
    if args.postgres:
        _postgres_database()
    print(
        f"bench_insights_report: seed {args.seed}, runs {args.runs}, best of {args.repeat}; "
        f"Python {platform.python_version()}, {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, threads {args.threads or 'default'}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    env = os.environ | {"PEERWHEEL_HOME": str(folder)}
    if args.threads:
        threads = str(args.threads)
        env |= dict.fromkeys(THREAD_VARIABLES, threads)
    for database in databases:
        results = []
        for n in sizes:
            url = POSTGRES if database == "postgres" else f"sqlite:///{folder / f'{n}.sqlite3'}"
            command = [
                sys.executable,
                __file__,
                "--child",
                str(n),
                "--database",
                url,
                "--runs",
                str(args.runs),
                "--repeat",
                str(args.repeat),
                "--seed",
                str(args.seed),
            ] + (["--profile"] if args.profile else [])
            out = subprocess.run(command, env=env, capture_output=True, text=True)
            sys.stderr.write(out.stderr)
            out.check_returncode()
            line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT "))
            results.append(json.loads(line[len("RESULT ") :]))
            _print_one(results[-1])
        _print_table(results)


def _print_one(r: dict) -> None:
    load = ", ".join(f"{k} {v:.1f} s" for k, v in r["load"].items())
    steps = ", ".join(f"{k} {w:.2f}/{c:.2f}" for k, (w, c) in zip(STEPS, r["steps"], strict=False))
    print(
        f"\n{r['database']} {r['people']:,} people ({r['departments']} departments, "
        f"{r['adopters']:,} adopters, Flywheel R {r['flywheel_r']}, baseline {r['baseline_r']}):"
        f" generated in {r['generate']:.1f} s; load (not counted): {load}\n"
        f"  report {r['total'][0]:.2f} s wall, {r['total'][1]:.2f} s CPU (runs, wall: "
        f"{', '.join(f'{t:.2f}' for t in r['totals'])}); steps, best wall/CPU s: {steps}\n"
        f"  of the R block, the shuffled baseline alone: {r['baseline']:.2f} s "
        f"(one attribution {r['attribute']:.2f} s)\n"
        f"  cori_rt {1e3 * r['cori']:.3f} ms vs epyestim {1e3 * r['epyestim']:.3f} ms: "
        f"{r['epyestim'] / r['cori']:.1f}x ({r['weeks']} weeks, {r['windows']} windows, "
        f"max rel diff {r['max_rel_diff']:.1e})"
    )


def _print_table(results: list[dict]) -> None:
    print(
        f"\n{'people':>8} {'ties':>9} {'usage':>10} {'events':>8} {'inputs':>7} {'rest':>7} "
        f"{'report':>7} {'CPU':>7} {'s/1k':>6} {'growth wall':>12} {'growth CPU':>11} "
        f"{'epyestim/cori':>14}"
    )
    previous = None
    for r in results:
        growth = ["", ""]
        if previous is not None:
            x = r["people"] / previous["people"]
            growth = [f"{r['total'][i] / previous['total'][i]:.2f} vs {x:.0f}" for i in (0, 1)]
        print(
            f"{r['people']:>8,} {r['ties']:>9,} {r['usage']:>10,} {r['events']:>8,} "
            f"{r['steps'][0][0]:>7.2f} {r['rest'][0]:>7.2f} {r['total'][0]:>7.2f} "
            f"{r['total'][1]:>7.2f} {1000 * r['total'][0] / r['people']:>6.3f} {growth[0]:>12} "
            f"{growth[1]:>11} {r['epyestim'] / r['cori']:>13.1f}x"
        )
        previous = r
    print("(seconds, best of the runs; inputs = flywheel_inputs, rest = the report after it)")


if __name__ == "__main__":
    main()
