"""The flywheel per group (department, site) and the dashboard's one-sentence verdict.

Per group: Flywheel R over its adopters with a closed window (hidden under the minimum group of
such adopters, as the report's R per department), the adopted share, the weeks since its last
new adopter and its invisible successes (hidden with the group by headcount, complementary
suppression included).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from django.conf import settings

from peerwheel.engine.flywheel.attribution import Attribution
from peerwheel.engine.flywheel.reproduction import flywheel_r_by_group
from peerwheel.engine.privacy import suppressed_groups
from peerwheel.insights.momentum.data import MomentumData
from peerwheel.insights.momentum.groups import BREAKDOWNS, group_of, hidden_groups
from peerwheel.insights.momentum.people import invisible_success_ids

if TYPE_CHECKING:  # insights.selectors reads through this package: no import at run time
    from peerwheel.insights.selectors import FlywheelInputs

#: no new adopter for this many weeks: the group has stalled
STALLED_WEEKS = 6
SHOWN_IN_VERDICT = 3
#: a group where this share has adopted has nobody much left to bring in: never "stalled"
SATURATED = 0.9


def _round(value: float) -> float | None:
    return None if not np.isfinite(value) else round(float(value), 3)


def flywheel_by_group(
    inputs: FlywheelInputs, attribution: Attribution | None, data: MomentumData
) -> dict[str, list[dict[str, Any]]]:
    """`{department: [...], site: [...]}`: one row per group, `{name, people, r, adopters,
    share, weeks_since_new_adopter, invisible_successes, suppressed, r_suppressed}`."""
    ad = inputs.data
    adopted = (ad.adoption_day >= 0) & (ad.adoption_day < ad.as_of_day)
    invisible = set(invisible_success_ids(data))
    out: dict[str, list[dict[str, Any]]] = {}
    for by in BREAKDOWNS:
        names = [
            group_of(data.people[int(pk)], by) if int(pk) in data.people else "(not set)"
            for pk in inputs.person_ids.tolist()
        ]
        labels = sorted(set(names))
        code = {name: k for k, name in enumerate(labels)}
        codes = np.array([code[n] for n in names], dtype=np.int64)
        sizes = np.bincount(codes, minlength=len(labels)) if labels else np.zeros(0, np.int64)
        hide = hidden_groups({name: int(sizes[code[name]]) for name in labels})
        r_rows = _r_by(ad, attribution, codes, len(labels))
        rows: list[dict[str, Any]] = []
        for name in labels:
            k = code[name]
            if hide[name]:
                rows.append({"name": name, "people": None, "suppressed": True, "r": None})
                continue
            mine = codes == k
            last = ad.adoption_day[mine & adopted]
            weeks = None if last.size == 0 else int((ad.as_of_day - last.max()) // 7)
            people = set(inputs.person_ids[mine].tolist())
            rows.append(
                {
                    "name": name,
                    "people": int(sizes[k]),
                    "adopters": int((mine & adopted).sum()),
                    "share": round(float((mine & adopted).sum() / sizes[k]), 4),
                    "weeks_since_new_adopter": weeks,
                    "invisible_successes": len(invisible & people),
                    "suppressed": False,
                    **r_rows.get(k, {"r": None, "r_adopters": None, "r_suppressed": True}),
                }
            )
        out[by] = rows
    return out


def _r_by(
    data: Any, attribution: Attribution | None, codes: np.ndarray, groups: int
) -> dict[int, dict[str, Any]]:
    if attribution is None or groups == 0:
        return {}
    found = flywheel_r_by_group(data, attribution, codes, min_group=1)
    sizes = np.array([g.adopters for g in found], dtype=np.int64)
    hide = suppressed_groups(sizes, min_group=settings.PEERWHEEL_MIN_GROUP)
    return {
        g.group: {
            "r": None if hidden else _round(g.value),
            "r_adopters": None if hidden else g.adopters,
            "r_suppressed": bool(hidden),
        }
        for g, hidden in zip(found, hide.tolist(), strict=True)
    }


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def verdict(
    rows: list[dict[str, Any]], *, overall_r: float | None, where: str | None = None
) -> str:
    """ "The flywheel is spinning in Engineering and Marketing: R 1.4 and 1.2; stalled in
    Legal: no new adopter in 6 weeks, 3 invisible successes." from the rows of one breakdown
    (hidden rows and hidden R left out)."""
    shown = [row for row in rows if not row["suppressed"]]
    spinning = sorted(
        (row for row in shown if _spinning(row)),
        key=lambda row: -row["r"],
    )[:SHOWN_IN_VERDICT]
    stalled = sorted(
        (row for row in shown if not _spinning(row) and _stalled(row)),
        key=lambda row: (-(row.get("weeks_since_new_adopter") or 10**6), row["name"]),
    )[:SHOWN_IN_VERDICT]
    parts = []
    if spinning:
        parts.append(
            f"spinning in {_and([row['name'] for row in spinning])}: R "
            + _and([f"{row['r']:.1f}" for row in spinning])
        )
    if len(stalled) == 1:
        parts.append(f"stalled in {stalled[0]['name']}: {_stall(stalled[0])}")
    elif stalled:
        parts.append("stalled in " + _and([f"{row['name']} ({_stall(row)})" for row in stalled]))
    if not parts:
        place = f"in {where}" if where else "across the organisation"
        if overall_r is None:
            return f"Too little data yet to say whether the flywheel is spinning {place}."
        state = "spinning" if overall_r >= 1 else "turning slowly"
        return f"The flywheel is {state} {place}: R {overall_r:.1f}."
    return "The flywheel is " + "; ".join(parts) + "."


def _spinning(row: dict[str, Any]) -> bool:
    return row.get("r") is not None and row["r"] >= 1


def _stalled(row: dict[str, Any]) -> bool:
    """No new adopter for STALLED_WEEKS weeks (or none yet) while there is still someone to
    adopt (under SATURATED of the group has)."""
    weeks = row.get("weeks_since_new_adopter")
    room = (row.get("share") or 0.0) < SATURATED
    return room and (weeks is None or weeks >= STALLED_WEEKS)


def _stall(row: dict[str, Any]) -> str:
    weeks = row.get("weeks_since_new_adopter")
    since = "no adopter yet" if weeks is None else f"no new adopter in {weeks} weeks"
    count = row.get("invisible_successes") or 0
    hidden = f", {count} invisible success{'es' if count != 1 else ''}" if count else ""
    return f"{since}{hidden}"
