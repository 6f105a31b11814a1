"""Scan a 10 KB post on every keystroke: peerwheel guardrails vs detect-secrets.

    .venv/bin/python bench/bench_guardrails.py [--kb 10] [--repeat 200] [--seed 42]

Builds a post of about --kb kilobytes from the labelled corpus (ordinary snippets, with a few
that hold secrets and personal data), then measures in the same run, median of --repeat runs:
  peerwheel:       guardrails.scan (secrets + personal data + confidential terms)
  detect-secrets:  SecretsCollection.scan_file with its default plugins and filters (secrets only)
Prints both, the ratio, and what each found. Then scores both on the labelled corpus, secrets
only (detect-secrets looks for nothing else): recall on the snippets that hold a secret, false
positives on the ordinary ones.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from peerwheel.engine.guardrails import Family, FindingKind, GuardrailPolicy, scan

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "engine" / "guardrail_corpus"


def labelled(name: str) -> list[tuple[frozenset[str], str]]:
    text = (CORPUS / name).read_text(encoding="utf-8")
    records = []
    for part in text.split("\n=== "):
        head, _, body = part.removeprefix("=== ").partition("\n")
        kinds = frozenset(k.strip() for k in head.partition("|")[2].split(",") if k.strip())
        records.append((kinds, body.strip()))
    return records


def snippets(name: str) -> list[str]:
    return [body for _, body in labelled(name)]


def corpus_scores(folder: Path) -> None:
    """Recall and false-positive rate on secrets, for both scanners."""
    from detect_secrets import SecretsCollection

    secret_kinds = {k.value for k in FindingKind if k.family is Family.SECRET}
    with_secret = [b for k, b in labelled("must_catch.txt") if k & secret_kinds]
    ordinary = snippets("must_pass.txt")

    def peer_flags(text: str) -> bool:
        path = folder / "snippet.txt"
        path.write_text(text, encoding="utf-8")
        collection = SecretsCollection()
        collection.scan_file(str(path))
        return any(True for _ in collection)

    def ours_flags(text: str) -> bool:
        return any(f.kind.family is Family.SECRET for f in scan(text).findings)

    for label, flags in (("peerwheel", ours_flags), ("detect-secrets", peer_flags)):
        recall = sum(map(flags, with_secret)) / len(with_secret)
        false_positive = sum(map(flags, ordinary)) / len(ordinary)
        print(
            f"corpus, secrets only, {label:14s}: recall {recall:.2f} on {len(with_secret)}, "
            f"false positives {false_positive:.2f} on {len(ordinary)}"
        )


def build_post(kilobytes: int, seed: int) -> str:
    rng = np.random.default_rng(seed)
    ordinary, risky = snippets("must_pass.txt"), snippets("must_catch.txt")
    parts: list[str] = []
    size = 0
    while size < kilobytes * 1000:
        pool = risky if rng.random() < 0.05 else ordinary
        part = pool[int(rng.integers(len(pool)))]
        parts.append(part)
        size += len(part) + 2
    return "\n\n".join(parts)[: kilobytes * 1000]


def median_ms(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kb", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    post = build_post(args.kb, args.seed)
    policy = GuardrailPolicy(confidential_terms=("Project Nightjar", "Bluebird", "Helios"))
    result = scan(post, policy=policy)
    ours = median_ms(lambda: scan(post, policy=policy), args.repeat)

    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "post.txt"
        path.write_text(post, encoding="utf-8")
        with default_settings():

            def peer() -> SecretsCollection:
                collection = SecretsCollection()
                collection.scan_file(str(path))
                return collection

            found = peer()
            theirs = median_ms(peer, max(args.repeat // 10, 5))
            peer_count = sum(1 for _ in found)
            corpus_scores(Path(folder))

    print(
        f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    print(f"post: {len(post):,} characters, seed {args.seed}")
    print(f"peerwheel guardrails.scan: {ours:8.2f} ms  ({len(result.findings)} findings)")
    print(f"detect-secrets scan_file:  {theirs:8.2f} ms  ({peer_count} secrets)")
    print(f"ratio (detect-secrets / peerwheel): {theirs / ours:.1f}x")


if __name__ == "__main__":
    main()
