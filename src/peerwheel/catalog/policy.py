"""The policy's decision: "can I use TOOL for USE with DATA?" answered from a snapshot of the
catalogue, without the database (services.py loads the snapshot and records the answer).

The rules, in order:

1. A tool the catalogue does not know: `review` (a lead looks at it).
2. A tool that is not approved: `no`, with the approved alternative.
3. The tool's rule for this data class and this use, else its rule for this data class and
   any use (a use typed as free text, `other`, only ever meets an any-use rule). No rule:
   `review`.
4. The rule's verdict: `yes`, `conditions` (with its conditions) or `no`. A pilot tool's `yes`
   is `conditions`: it is in pilot.
5. A `no` or a `review` names an alternative: the tool's own approved alternative if the policy
   lets it do this, else the first approved (then pilot) tool that may, by name; none if no
   tool may.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

ANY_USE = "any"
YES, CONDITIONS, NO, REVIEW = "yes", "conditions", "no", "review"
APPROVED, PILOT, NOT_APPROVED = "approved", "pilot", "not_approved"


@dataclass(frozen=True)
class RuleView:
    pk: int
    data_class: str
    use: str
    verdict: str
    conditions: str = ""
    reason: str = ""


@dataclass(frozen=True)
class ToolView:
    pk: int
    name: str
    status: str
    alternative_pk: int | None = None
    #: (data class, use or "any") → the rule
    rules: Mapping[tuple[str, str], RuleView] = field(default_factory=dict)


@dataclass(frozen=True)
class Catalogue:
    """Every tool with its rules, and the labels the reasons are written with."""

    tools: tuple[ToolView, ...]
    use_labels: Mapping[str, str] = field(default_factory=dict)
    data_labels: Mapping[str, str] = field(default_factory=dict)

    def find(self, name: str) -> ToolView | None:
        """The tool by name, ignoring case and surrounding spaces."""
        wanted = " ".join(name.split()).casefold()
        return next((t for t in self.tools if t.name.casefold() == wanted), None)

    def by_pk(self, pk: int | None) -> ToolView | None:
        return next((t for t in self.tools if t.pk == pk), None)


@dataclass(frozen=True)
class Decision:
    answer: str
    reasons: tuple[str, ...]
    tool: ToolView | None = None
    conditions: str = ""
    rule: RuleView | None = None
    alternative: ToolView | None = None


def _rule_for(tool: ToolView, use: str, data_class: str) -> RuleView | None:
    return tool.rules.get((data_class, use)) or tool.rules.get((data_class, ANY_USE))


def _verdict(tool: ToolView, use: str, data_class: str) -> str:
    """The answer for one tool, without reasons or alternatives."""
    if tool.status == NOT_APPROVED:
        return NO
    rule = _rule_for(tool, use, data_class)
    if rule is None:
        return REVIEW
    if rule.verdict == YES and tool.status == PILOT:
        return CONDITIONS
    return rule.verdict


def _alternative(
    catalogue: Catalogue, tool: ToolView | None, use: str, data_class: str
) -> ToolView | None:
    named = catalogue.by_pk(tool.alternative_pk) if tool is not None else None
    others = sorted(
        (t for t in catalogue.tools if t.status in (APPROVED, PILOT)),
        key=lambda t: (t.status != APPROVED, t.name.casefold()),
    )
    for candidate in ([named] if named is not None else []) + others:
        if tool is not None and candidate.pk == tool.pk:
            continue
        if _verdict(candidate, use, data_class) in (YES, CONDITIONS):
            return candidate
    return None


def decide(catalogue: Catalogue, tool_name: str, use: str, data_class: str) -> Decision:
    """The answer to "can I use `tool_name` for `use` with `data_class` data?"."""
    use_label = catalogue.use_labels.get(use, use).lower()
    data_label = catalogue.data_labels.get(data_class, data_class).lower()
    tool = catalogue.find(tool_name)
    if tool is None:
        return Decision(
            REVIEW,
            (
                f"{tool_name.strip()!r} is not in the catalogue yet, so a program lead will "
                "review it.",
            ),
            alternative=_alternative(catalogue, None, use, data_class),
        )
    if tool.status == NOT_APPROVED:
        rule = _rule_for(tool, use, data_class)
        reasons = [f"{tool.name} is not approved for use in the organisation."]
        if rule is not None and rule.reason:
            reasons.append(rule.reason)
        return Decision(
            NO,
            tuple(reasons),
            tool=tool,
            rule=rule,
            alternative=_alternative(catalogue, tool, use, data_class),
        )
    rule = _rule_for(tool, use, data_class)
    if rule is None:
        return Decision(
            REVIEW,
            (
                f"The policy does not yet say whether {tool.name} may be used for {use_label} "
                f"with {data_label} data, so a program lead will review it.",
            ),
            tool=tool,
            alternative=_alternative(catalogue, tool, use, data_class),
        )
    scope = "any use" if rule.use == ANY_USE else use_label
    reasons = [rule.reason] if rule.reason else []
    conditions = rule.conditions
    if rule.verdict == NO:
        if not reasons:
            reasons = [f"{tool.name} may not be used for {scope} with {data_label} data."]
        return Decision(
            NO,
            tuple(reasons),
            tool=tool,
            rule=rule,
            alternative=_alternative(catalogue, tool, use, data_class),
        )
    if not reasons:
        reasons = [f"{tool.name} is allowed for {scope} with {data_label} data."]
    answer = rule.verdict
    if tool.status == PILOT:
        answer = CONDITIONS
        pilot = f"{tool.name} is in pilot: use it with a pilot seat, and expect it to change."
        reasons.append(pilot)
        if rule.verdict == YES:
            conditions = conditions or pilot
    return Decision(answer, tuple(reasons), tool=tool, conditions=conditions, rule=rule)


def catalogue_of(
    tools: Iterable[ToolView],
    *,
    use_labels: Mapping[str, str] | None = None,
    data_labels: Mapping[str, str] | None = None,
) -> Catalogue:
    return Catalogue(tuple(tools), dict(use_labels or {}), dict(data_labels or {}))
