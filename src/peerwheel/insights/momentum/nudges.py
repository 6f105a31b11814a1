"""What a nudge to an invisible success says, and its prefilled draft (docs/metrics.md,
"Momentum": invisible successes).

"Your way of using ChatGPT could help 12 colleagues in your role — share it in two minutes."
N counts the colleagues in the person's role family (their department when it is not set) who
are not Power or Habitual users; under the minimum group it is not said, only "colleagues in
your role" (a small count would tell the person about a few named colleagues' usage).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from peerwheel.insights.momentum.data import MomentumData

DRAFT_BODY = """What I use it for:
(one or two sentences: the task, and what it was like before)

How I do it:
1.
2.

A prompt that works for me:


Time it saves me each time: about __ minutes
"""


@dataclass(frozen=True)
class NudgeText:
    topic: str
    colleagues: int | None
    message: str
    title: str
    draft: str


def colleagues_to_help(data: MomentumData, person: int) -> int | None:
    """Colleagues in the person's role (family, else department) who are not heavy users;
    None under the minimum group."""
    me = data.people[person]
    if me.role_family:
        peers = [p for p in data.people.values() if p.role_family == me.role_family]
    else:
        peers = [p for p in data.people.values() if p.department == me.department]
    count = sum(1 for p in peers if p.id != person and p.id not in data.heavy)
    return count if count >= settings.PEERWHEEL_MIN_GROUP else None


def nudge_text(data: MomentumData, person: int) -> NudgeText:
    tool = data.top_tool.get(person, "")
    doing = f"using {tool}" if tool else "working with AI"
    n = colleagues_to_help(data, person)
    who = f"{n} colleagues in your role" if n is not None else "colleagues in your role"
    return NudgeText(
        topic=tool,
        colleagues=n,
        message=f"Your way of {doing} could help {who} — share it in two minutes.",
        title=f"How I use {tool} in my work" if tool else "How I use AI in my work",
        draft=DRAFT_BODY,
    )
