"""`peerwheel insights report`: the flywheel report in sentences and tables, or as JSON."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, TextIO

from django.utils import timezone

from peerwheel.core.export import write_rows
from peerwheel.engine.flywheel.attribution import attribute
from peerwheel.insights.selectors import flywheel_inputs


def parse_as_of(text: str | None, *, today: date) -> date:
    """`--as-of YYYY-MM-DD` (default: today), or a clear error naming the option."""
    if not text:
        return today
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"--as-of {text!r}: not a date; write it as YYYY-MM-DD, e.g. {today.isoformat()}"
        ) from None


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _r_sentence(block: dict[str, Any]) -> str:
    if block["value"] is None:
        return "Flywheel R: not estimable yet (see above)."
    verdict = "spinning" if block["low"] > 1 else "stalling" if block["high"] < 1 else "balanced"
    return (
        f"Flywheel R is {_num(block['value'])} (90% interval {_num(block['low'])}–"
        f"{_num(block['high'])}) over {block['adopters']} adopters whose 28 days have passed: "
        f"each adopter brings in {_num(block['value'], 1)} colleagues; the flywheel is {verdict}. "
        f"By chance alone (timing shuffled) it would read {_num(block['baseline']['value'])}; "
        f"counting recorded events only, {_num(block['events_only']['value'])}."
    )


def report_text(report: dict[str, Any]) -> str:
    """The report as a person reads it on a terminal."""
    lines = [f"Flywheel report on {report['as_of']}"]
    lines.append(
        f"{report['people']} people, {report['adopters']} adopters, {report['ties']} ties, "
        f"{report['events']} influence events."
    )
    lines += [f"Note: {note}" for note in report["missing"]]
    r = report["flywheel_r"]
    lines += ["", _r_sentence(r)]
    curve = r["curve_only"]
    if curve["value"] is not None:
        lines.append(
            f"From the adoption curve alone: R {_num(curve['value'])} "
            f"({_num(curve['low'])}–{_num(curve['high'])})."
        )
    if r.get("by_department"):
        lines += ["", f"{'Department':<28}{'adopters':>10}{'R':>8}"]
        for row in r["by_department"]:
            if row["suppressed"]:
                lines.append(f"{row['department']:<28}{'hidden (small group)':>18}")
            else:
                lines.append(f"{row['department']:<28}{row['adopters']:>10}{_num(row['value']):>8}")
    mass = report["critical_mass"]
    if mass["share"] is not None:
        crossed = mass["crossed_week"] or "not yet"
        lines += [
            "",
            f"Critical mass: {mass['share']:.0%} of the organisation has adopted "
            f"(band {mass['band'][0]:.0%}–{mass['band'][1]:.0%}; lower edge crossed: {crossed}).",
        ]
    forecast = report["forecast"]
    if forecast["weeks"]:
        last = forecast["weeks"][-1]
        lines.append(
            f"Forecast: {last['adopters']} adopters by the week of {last['week']} "
            f"(90% band {last['low']}–{last['high']})."
        )
    lines += [f"What if: {item['sentence']}" for item in forecast.get("what_if", [])]
    lines += _momentum_lines(report)
    if report["champions"]:
        lines += ["", "Natural champions (evidence in counts):"]
        for rank, champion in enumerate(report["champions"], start=1):
            lines.append(
                f"{rank:>3}. {champion['name']} ({champion['employee_id']}): {champion['evidence']}"
            )
    return "\n".join(lines)


def _momentum_lines(report: dict[str, Any]) -> list[str]:
    """The momentum measures in sentences (docs/metrics.md, "Momentum")."""
    lines: list[str] = []
    demand = report.get("organic_demand") or []
    if demand:
        last = demand[-1]
        signals = ", ".join(f"{name.replace('_', ' ')} {n}" for name, n in last["signals"].items())
        lines.append(f"Organic demand in the week of {last['week']}: {signals}.")
    mix = (report.get("question_stages") or {}).get("mix") or {}
    if mix.get("mean") is not None and not mix.get("suppressed"):
        advanced = (mix["shares"].get("3") or 0) + (mix["shares"].get("4") or 0)
        lines.append(
            f"Questions: mean stage {mix['mean']:.1f}; {advanced:.0%} at stage 3 or 4 "
            f"(how do I do X with it / build something new)."
        )
    invisible = report.get("invisible_successes") or {}
    if invisible.get("count") is not None:
        lines.append(
            f"Invisible successes: {invisible['count']} heavy users who share nothing; "
            f"{invisible.get('shared_after_nudge', 0)} of {invisible.get('nudged', 0)} nudged "
            "shared within 4 weeks."
        )
    leaders = report.get("leader_consistency") or {}
    if leaders.get("leaders") and not leaders.get("suppressed"):
        median = leaders["active_share"]["median"]
        lines.append(
            f"Leaders: {leaders['leaders']}, visibly active in a median {median:.0%} of the last "
            f"{leaders['weeks']} weeks."
        )
    safety = (report.get("psychological_safety") or {}).get("organisation") or {}
    if safety and not safety.get("suppressed"):
        lines.append(
            f"Safety: {safety['fails']} fails and {safety['questions']} questions shared by "
            f"{safety['people']} contributors; {safety['anonymous_share']:.0%} anonymous."
        )
    return ["", *lines] if lines else []


ATTRIBUTION_FIELDS = ("target_id", "adopted_week", "source_id", "credit")


def attribution_rows(*, as_of: date) -> Iterator[dict[str, Any]]:
    """Who brought whom: one row per (adopter brought in, possible source) with its share of
    the adopter's one unit of credit; an empty source_id is the share of starting alone.
    Personal data: `peerwheel export attribution` only (the command line is the admin's)."""
    inputs = flywheel_inputs(as_of=as_of)
    data = inputs.data
    if inputs.adopters == 0 or not (inputs.ties or inputs.events):
        return
    result = attribute(data)
    for target, source, credit in zip(
        result.target.tolist(), result.source.tolist(), result.credit.tolist(), strict=True
    ):
        if credit <= 0:
            continue
        week = inputs.date_of(7 * (int(data.adoption_day[target]) // 7))
        yield {
            "target_id": inputs.employee_ids[target],
            "adopted_week": week.isoformat(),
            "source_id": inputs.employee_ids[source] if source >= 0 else "",
            "credit": round(float(credit), 4),
        }


def export_attribution(target: TextIO, file_format: str, **_: Any) -> None:
    """`peerwheel export attribution`: who brought whom, as of today."""
    write_rows(
        target, file_format, ATTRIBUTION_FIELDS, attribution_rows(as_of=timezone.localdate())
    )
