"""`peerwheel serve` (gunicorn) against Django's development server, same data, same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/DBNAME \\
        .venv/bin/python bench/bench_serve.py [--duration 60] [--users 20] [--people 600]

The database must be PostgreSQL; the demo organisation is built into it first if it is empty
(`peerwheel demo --no-serve --people N`). Then, for each server in turn, on 127.0.0.1 only:

  dev       `peerwheel serve --dev --no-worker`   Django's development server (one process)
  gunicorn  `peerwheel serve --no-worker`          gunicorn, 2 × cores + 1 workers

`--users` signed-in users (the demo's five logins, each signed in several times: one session
per user) each loop over a mix of requests: the feed (35%), a search (20%), a post page (30%)
and a write (15%: an answer, or a reaction, through htmx as the page sends them). Two phases per
server, each `--duration` seconds: "paced" (each user pauses `--pause` s between requests) and
"flat out" (no pause). Every loop is bounded in time and in count (`--max-requests` per user per
phase). The write rate limits are raised for the bench servers (PEERWHEEL_API_RATE_LIMIT), or
they would refuse the writes. Prints p50, p95, requests/s and errors per server and phase, and
the gunicorn / dev throughput ratio flat out.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PEERWHEEL = str(Path(sys.executable).with_name("peerwheel"))
LOGINS = ("member", "champion", "lead", "analyst", "admin")
QUERIES = ("meeting notes", "summarise", "email", "prompt", "report", "code review", "slides")
ANSWERS = (
    "Tried this on our weekly report: it saved me about twenty minutes.",
    "Worked for me too, once I gave it the template first.",
    "Good tip. I had to trim the prompt a little for our tool.",
)
POST_LINK = re.compile(r'href="/hub/posts/(\d+)/"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def cpu_seconds(root: int) -> float:
    """CPU time (user + system) of a process and its living descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    family, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in family} - family
        family |= more
        grew = bool(more)
    return sum(times.get(pid, 0.0) for pid in family)


@dataclass
class Phase:
    server: str
    name: str
    seconds: float = 0.0
    cpu: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, what: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1

    def line(self) -> str:
        done = sorted(self.latencies)
        p50 = statistics.median(done) * 1000 if done else float("nan")
        p95 = done[int(0.95 * (len(done) - 1))] * 1000 if done else float("nan")
        errors = sum(self.errors.values())
        detail = f" {self.errors}" if self.errors else ""
        return (
            f"| {self.server} | {self.name} | {len(done):,} | {len(done) / self.seconds:.1f} | "
            f"{p50:.0f} ms | {p95:.0f} ms | {errors}{detail} | "
            f"{self.cpu / max(len(done), 1) * 1000:.0f} ms |"
        )

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PEERWHEEL_HOME=str(home),
        PEERWHEEL_API_RATE_LIMIT="1000000",
        PEERWHEEL_SCAN_RATE_LIMIT="1000000",
        PEERWHEEL_TASKS="database",
    )
    return env


def prepare(env: dict[str, str], people: int) -> str:
    """Migrate, build the demo if the database is empty; return the demo password."""
    subprocess.run([PEERWHEEL, "migrate", "-v0"], env=env, check=True)
    built = subprocess.run(
        [PEERWHEEL, "demo", "--no-serve", "--people", str(people)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    found = re.search(r"password for all: (\S+)\)", built.stdout)
    if not found:
        raise SystemExit(f"the demo printed no password:\n{built.stdout}")
    return found.group(1)


def start(
    server: str, env: dict[str, str], port: int, workers: int | None, threads: int | None
) -> subprocess.Popen[bytes]:
    command = [PEERWHEEL, "serve", "--port", str(port), "--no-worker"]
    if server == "dev":
        command.append("--dev")
    if server != "dev" and workers:
        command += ["--workers", str(workers)]
    if server != "dev" and threads:
        command += ["--threads", str(threads)]
    log = (ROOT / "var" / f"bench-serve-{server}.log").open("wb")  # the server's own errors
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=5).status_code:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"{server} did not answer within 120 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def sign_in(base: str, login: str, password: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False)
    page = await client.get("/accounts/login/")
    token = CSRF.search(page.text)
    if not token:
        raise SystemExit("no CSRF token on the login page")
    response = await client.post(
        "/accounts/login/",
        data={"username": login, "password": password, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{base}/accounts/login/"},
    )
    if response.status_code != 302:
        raise SystemExit(f"{login} could not sign in: HTTP {response.status_code}")
    return client


async def one_request(
    client: httpx.AsyncClient, posts: list[int], rng: random.Random
) -> httpx.Response:
    pick = rng.random()
    if pick < 0.35:
        return await client.get("/hub/")
    if pick < 0.55:
        return await client.get("/hub/search/", params={"q": rng.choice(QUERIES)})
    post = rng.choice(posts)
    if pick < 0.85:
        return await client.get(f"/hub/posts/{post}/")
    token = client.cookies.get("csrftoken", "")
    headers = {"HX-Request": "true", "X-CSRFToken": token, "Referer": str(client.base_url)}
    if pick < 0.93:
        data = {"body": rng.choice(ANSWERS), "section": "answers"}
        return await client.post(f"/hub/posts/{post}/answer/", data=data, headers=headers)
    data = {"emoji": "👍", "section": "reactions"}
    return await client.post(f"/hub/posts/{post}/react/", data=data, headers=headers)


async def user_loop(
    client: httpx.AsyncClient,
    posts: list[int],
    phase: Phase,
    *,
    until: float,
    pause: float,
    max_requests: int,
    seed: int,
) -> None:
    rng = random.Random(seed)
    for _ in range(max_requests):
        if time.monotonic() >= until:
            return
        began = time.perf_counter()
        try:
            response = await one_request(client, posts, rng)
        except httpx.HTTPError as exc:
            phase.error(type(exc).__name__)
        else:
            if response.status_code == 200:
                phase.latencies.append(time.perf_counter() - began)
            else:
                phase.error(f"HTTP {response.status_code}")
        if pause:
            await asyncio.sleep(pause)


async def measure(
    server: str, base: str, password: str, args: argparse.Namespace, pid: int
) -> list[Phase]:
    clients = [await sign_in(base, LOGINS[i % len(LOGINS)], password) for i in range(args.users)]
    feed = await clients[0].get("/hub/")
    library = await clients[0].get("/hub/library/")
    posts = sorted({int(p) for p in POST_LINK.findall(feed.text + library.text)})
    if not posts:
        raise SystemExit("no post links on the feed: is the demo built?")
    # Warm up, not measured: every process's first requests import and compile what it needs.
    warm = Phase(server, "warm-up")
    until = time.monotonic() + args.warmup
    await asyncio.gather(
        *(
            user_loop(c, posts, warm, until=until, pause=0, max_requests=1000, seed=i)
            for i, c in enumerate(clients)
        )
    )
    phases = []
    for name, pause in (("paced", args.pause), ("flat out", 0.0)):
        phase = Phase(server, f"{name} ({pause:g} s pause)" if pause else name)
        began, cpu = time.monotonic(), cpu_seconds(pid)
        until = began + args.duration
        await asyncio.gather(
            *(
                user_loop(
                    client,
                    posts,
                    phase,
                    until=until,
                    pause=pause,
                    max_requests=args.max_requests,
                    seed=args.seed + i,
                )
                for i, client in enumerate(clients)
            )
        )
        phase.seconds = time.monotonic() - began
        phase.cpu = cpu_seconds(pid) - cpu
        phases.append(phase)
        print(phase.line(), flush=True)
    for client in clients:
        await client.aclose()
    return phases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds per phase")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--pause", type=float, default=1.0, help="paced phase: seconds")
    parser.add_argument("--people", type=int, default=600, help="demo headcount if empty")
    parser.add_argument("--max-requests", type=int, default=100_000, help="per user per phase")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--warmup", type=float, default=10, help="seconds, not measured")
    parser.add_argument("--servers", default="dev,gunicorn")
    parser.add_argument("--workers", type=int, help="gunicorn's (default: serve's, 2 × cores + 1)")
    parser.add_argument("--threads", type=int, help="per gunicorn worker (default: serve's, 4)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL database (the bench needs one)")
    if not 1 <= args.duration <= 600 or not 1 <= args.users <= 200:
        raise SystemExit("--duration must be 1–600 s and --users 1–200")
    env = _environment(ROOT / "var" / "bench-serve")
    password = prepare(env, args.people)
    print(
        f"{platform.python_version()}, {os.cpu_count()} cores, {args.users} users, "
        f"{args.duration:g} s per phase"
    )
    print(
        "| server | phase | requests | requests/s | p50 | p95 | errors | server CPU per request |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    results: dict[str, list[Phase]] = {}
    for server in args.servers.split(","):
        port = _free_port()
        process = start(server, env, port, args.workers, args.threads)
        try:
            results[server] = asyncio.run(
                measure(server, f"http://127.0.0.1:{port}", password, args, process.pid)
            )
        finally:
            stop(process)
    if {"dev", "gunicorn"} <= results.keys():
        ratio = results["gunicorn"][1].rate / results["dev"][1].rate
        print(f"flat out, gunicorn / dev requests/s: {ratio:.2f}×")


if __name__ == "__main__":
    main()
