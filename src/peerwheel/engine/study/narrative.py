"""Plain-language sentences, the published benchmark, and what to do next.

Effects are proportions in the data and points (×100) in the words. "Clear" means the 95% CI
excludes zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from peerwheel.engine.study.instrument import Instrument
from peerwheel.engine.study.logit import Effect
from peerwheel.engine.study.mediation import MediationResult

PEER = "peer_influence"
MANDATE = "leader_mandate"
CONSISTENCY = "leader_consistency"
SAFETY = "psych_safety"
FEAR = "fear_behind"

# The published benchmark: +1 SD of positive peer influence raised the chance of heavy AI use by
# 8.9 points and of agent use by 10.4 points; mandates had no direct effect once peer influence
# was accounted for.
BENCHMARKS: Mapping[tuple[str, str], float] = {
    ("heavy_user", PEER): 0.089,
    ("agent_user", PEER): 0.104,
    ("heavy_user", MANDATE): 0.0,
    ("agent_user", MANDATE): 0.0,
}
WIDE_CI = 0.15  # a CI wider than 15 points is too imprecise to act on
HIGH_VIF = 5.0


class Verdict(StrEnum):
    CONSISTENT = "consistent"  # the benchmark lies inside the CI
    BELOW = "below"
    ABOVE = "above"


@dataclass(frozen=True)
class BenchmarkComparison:
    outcome: str
    construct: str
    benchmark: float
    ame: float
    ci_low: float
    ci_high: float
    verdict: Verdict
    sentence: str


def points(value: float, *, signed: bool = False) -> str:
    """0.089 → '8.9' (or '+8.9'); negatives with a true minus sign."""
    text = f"{abs(value) * 100:.1f}"
    if value < 0 and text != "0.0":
        return "−" + text
    return ("+" + text) if signed else text


def ci_text(low: float, high: float, level: float = 0.95) -> str:
    return f"{level:.0%} CI {points(low)} to {points(high)}"


def is_clear(effect: Effect) -> bool:
    return effect.ci_low > 0 or effect.ci_high < 0


def effect_sentence(effect: Effect, instrument: Instrument, ci_level: float = 0.95) -> str:
    construct = instrument.construct_label(effect.construct)
    who = instrument.outcome_label(effect.outcome)
    direction = "more" if effect.ame >= 0 else "less"
    text = (
        f"People one SD higher in {construct} are {points(abs(effect.ame))} points {direction} "
        f"likely to be {who} ({ci_text(effect.ci_low, effect.ci_high, ci_level)})."
    )
    if not is_clear(effect):
        text = text[:-1] + "; the data cannot rule out no effect."
    return text


def mediation_sentence(m: MediationResult, instrument: Instrument) -> str:
    exposure = instrument.construct_label(m.exposure)
    mediator = instrument.construct_label(m.mediator)
    who = instrument.outcome_label(m.outcome)
    return (
        f"Through {mediator}: one SD more {exposure} goes with {m.a:.2f} SD more {mediator}, an "
        f"indirect effect of {points(m.indirect, signed=True)} points on the chance of being "
        f"{who} ({ci_text(m.indirect_ci_low, m.indirect_ci_high, m.ci_level)}); the direct "
        f"effect of {exposure} is {points(m.direct, signed=True)} points "
        f"({ci_text(m.direct_ci_low, m.direct_ci_high, m.ci_level)})."
    )


def compare_to_benchmark(
    effects: Sequence[Effect], instrument: Instrument, ci_level: float = 0.95
) -> tuple[BenchmarkComparison, ...]:
    out: list[BenchmarkComparison] = []
    for e in effects:
        bench = BENCHMARKS.get((e.outcome, e.construct))
        if bench is None:
            continue
        if e.ci_low <= bench <= e.ci_high:
            verdict = Verdict.CONSISTENT
        else:
            verdict = Verdict.BELOW if e.ci_high < bench else Verdict.ABOVE
        who = instrument.outcome_label(e.outcome)
        est = f"{points(e.ame, signed=True)} points, {ci_text(e.ci_low, e.ci_high, ci_level)}"
        if e.construct == MANDATE:
            sentence = {
                Verdict.CONSISTENT: (
                    f"As in the published research, leader mandates show no direct effect on "
                    f"being one of the {who} once peer influence is accounted for ({est})."
                ),
                Verdict.ABOVE: (
                    f"Unlike the published research, which found no direct effect of mandates, "
                    f"leader mandates here go with more {who} beyond peer influence ({est})."
                ),
                Verdict.BELOW: (
                    f"Unlike the published research, which found no direct effect of mandates, "
                    f"leader mandates here go with fewer {who} ({est})."
                ),
            }[verdict]
        else:
            label = instrument.construct_label(e.construct)
            head = (
                f"Published benchmark: {points(bench, signed=True)} points per SD of {label} on "
                f"the chance of being one of the {who}. Yours: {est}"
            )
            sentence = (
                head
                + {
                    Verdict.CONSISTENT: ", consistent with it.",
                    Verdict.BELOW: (
                        ", below it: peers matter less here, or their use is less visible."
                    ),
                    Verdict.ABOVE: ", above it: peers matter even more here than in the research.",
                }[verdict]
            )
        out.append(
            BenchmarkComparison(
                outcome=e.outcome,
                construct=e.construct,
                benchmark=bench,
                ame=e.ame,
                ci_low=e.ci_low,
                ci_high=e.ci_high,
                verdict=verdict,
                sentence=sentence,
            )
        )
    return tuple(out)


def next_steps(
    effects: Sequence[Effect],
    mediation: Sequence[MediationResult],
    alpha: Mapping[str, float],
    vif: Mapping[str, float],
    instrument: Instrument,
    *,
    n: int,
    alpha_threshold: float = 0.7,
) -> tuple[str, ...]:
    """Suggestions derived from the results, most important first."""
    by: dict[str, list[Effect]] = {}
    for e in effects:
        by.setdefault(e.construct, []).append(e)

    def clear(construct: str, sign: int) -> bool:
        return any(is_clear(e) and e.ame * sign > 0 for e in by.get(construct, []))

    steps: list[str] = []
    if PEER in by:
        if clear(PEER, +1):
            steps.append(
                "Peer influence drives AI use here, so make use visible: run show-and-tell "
                "sessions, ask heavy users to share wins and prompts in the hub, and invite the "
                "natural champions the dashboard suggests."
            )
        else:
            steps.append(
                "Peer influence shows no clear effect yet, which often means people cannot see "
                "their colleagues' AI use. Seed it with cohorts and show-and-tell, then survey "
                "again in a quarter."
            )
    if MANDATE in by:
        indirect_clear = any(
            m.exposure == MANDATE and (m.indirect_ci_low > 0 or m.indirect_ci_high < 0)
            for m in mediation
        )
        if clear(MANDATE, +1):
            steps.append(
                "Mandates have a direct effect here, unlike in the published research: keep "
                "them, but check that usage counts real work rather than compliance."
            )
        elif indirect_clear:
            steps.append(
                "Mandates work only through peers here: pair every announcement with "
                "peer-led sessions and champions instead of adding targets."
            )
        else:
            steps.append(
                "Mandates show no effect: spend leadership attention on consistent, visible use "
                "rather than on targets."
            )
    if clear(CONSISTENCY, +1):
        steps.append(
            "Leaders' consistency matters: ask leaders to use AI visibly every week, not in "
            "bursts around announcements (the leader-consistency metric tracks it)."
        )
    if clear(SAFETY, +1):
        steps.append(
            "Psychological safety matters: have leaders share their own failed attempts first, "
            "and keep anonymous posting available for questions."
        )
    if clear(FEAR, -1):
        steps.append(
            "Fear of falling behind goes with less use: frame AI as learning, give protected "
            "time to experiment, and never rank individuals by usage."
        )
    for construct, a in alpha.items():
        if a == a and a < alpha_threshold:  # a == a: not NaN
            steps.append(
                f"Review the wording of the {instrument.construct_label(construct)} items "
                f"(alpha {a:.2f}): a scale this unreliable blurs every estimate that uses it."
            )
    overlapping = [c for c, v in vif.items() if c in alpha and v > HIGH_VIF]
    if overlapping:
        names = ", ".join(instrument.construct_label(c) for c in overlapping)
        steps.append(
            f"{names} overlap strongly (VIF above {HIGH_VIF:g}): their separate effects are "
            "hard to tell apart; consider rewording items so that each asks about one thing."
        )
    if any(e.ci_high - e.ci_low > WIDE_CI for e in by.get(PEER, [])):
        steps.append(
            f"The estimates are imprecise with {n} respondents: about {4 * n} would halve the "
            "width of the confidence intervals."
        )
    return tuple(steps)
