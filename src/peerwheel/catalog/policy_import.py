"""The `tool-policy` importer: the catalogue's tools and their policy from one CSV, in the
import family's shape (`peerwheel.core.imports`): read (`engine.tabular`), check every row,
write in one transaction, report.

Columns (matched by name, any case): `tool`, `status` (approved, pilot, not_approved),
`data_class`, `use` (a use, or `any`/blank for every use), `verdict` (yes, conditions, no),
`conditions`, `reason`; optional `vendor`, `access_url`, `seat_howto`, `description`,
`alternative` (an approved tool of the file or the catalogue). A row with a tool and its status
but no data class and no verdict adds the tool without a rule.

The file is the whole policy of each tool it names: their rules become exactly the file's
(rules it no longer lists are removed); tools it does not name are left alone. Any problem —
an unknown data class, use, verdict or status, a tool listed twice with different statuses, the
same tool × data class × use twice with different verdicts, conditions missing — refuses the
file with every problem (line and column) and nothing is written. `--dry-run` reports what
would change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from peerwheel.catalog.errors import CatalogInputError
from peerwheel.catalog.models import PolicyRule, Tool, ToolStatus, Verdict
from peerwheel.catalog.services import policy_rule_set, tool_save
from peerwheel.catalog.vocabulary import data_class_of, rule_use_of, status_of, url_of, verdict_of
from peerwheel.core.imports import Actor, ImportReport, ImportRun, ProgressCallback
from peerwheel.core.models import Import
from peerwheel.engine.tabular import Column, HeaderMap, TabularError, TabularRow, read_rows

KIND = "tool-policy"
COLUMNS = (
    Column("tool", aliases=("tool_name", "name", "product"), required=True),
    Column("status", aliases=("tool_status", "approval"), required=True),
    Column("data_class", aliases=("data", "data_classification", "classification")),
    Column("use", aliases=("use_case", "purpose", "task")),
    Column("verdict", aliases=("allowed", "answer", "decision")),
    Column("conditions", aliases=("condition",)),
    Column("reason", aliases=("reasons", "why", "rationale")),
    Column("vendor", aliases=("supplier",)),
    Column("access_url", aliases=("access_link", "link", "url")),
    Column("seat_howto", aliases=("how_to_get_a_seat", "seat", "access")),
    Column("description", aliases=("about",)),
    Column("alternative", aliases=("approved_alternative",)),
)
TOOL_FIELDS = ("vendor", "access_url", "seat_howto", "description", "alternative")


@dataclass
class ToolPlan:
    """A tool of the file: where it first appears, its status and details, its rules."""

    name: str
    line: int
    status: str
    details: dict[str, str] = field(default_factory=dict)
    #: (data class, use) → (line, verdict, conditions, reason)
    rules: dict[tuple[str, str], tuple[int, str, str, str]] = field(default_factory=dict)


class _Problems:
    def __init__(self, file: str, header_map: HeaderMap) -> None:
        self.file = file
        self.header_map = header_map
        self.listed: list[TabularError] = []

    def add(self, line: int, field_name: str, message: str) -> None:
        column = self.header_map.header_for(field_name) or field_name
        self.listed.append(TabularError(message, file=self.file, line=line, column=column))


def tool_policy_import(
    source: str | Path,
    *,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    actor: Actor = None,
    on_progress: ProgressCallback | None = None,
    file_name: str | None = None,
    record: Import | None = None,
) -> ImportReport:
    """Import a tool-policy CSV; see the module docstring. Raises `ImportFailed` (nothing
    written) on any problem."""
    path = Path(source)
    name = file_name or path.name
    run = ImportRun(
        kind=KIND,
        file_name=name,
        source=path,
        actor=actor,
        dry_run=dry_run,
        on_progress=on_progress,
        record=record,
    )
    report = run.report
    with run.refusing():
        run.check_size(path.stat().st_size)
        header_map, rows = read_rows(path, COLUMNS, overrides=mapping, file_name=name)
        problems = _Problems(name, header_map)
        plans = _plans(list(rows), problems, report)
        existing = {t.name.casefold(): t for t in Tool.objects.all()}
        _check_alternatives(plans, existing, problems)
        report.errors.extend(problems.listed)
        run.refuse_if_errors()
        if not plans:
            raise TabularError("no tools to import: the file has a header and no rows", file=name)
        report.records = sum(len(p.rules) for p in plans.values())
        run.progress(0, len(plans), "writing")
        with transaction.atomic():
            _write(plans, existing, report, run.record, actor)
            if dry_run:
                transaction.set_rollback(True)
        if header_map.unknown:
            report.details["columns ignored"] = ", ".join(header_map.unknown[:20])
    return run.finish()


def _plans(
    rows: list[TabularRow], problems: _Problems, report: ImportReport
) -> dict[str, ToolPlan]:
    plans: dict[str, ToolPlan] = {}
    for row in rows:
        report.rows_read += 1
        line = row.line
        tool_name = " ".join(row.get("tool").split())
        if not tool_name:
            problems.add(line, "tool", "the tool's name is empty")
            continue
        try:
            status = status_of(row.get("status"))
        except CatalogInputError as exc:
            problems.add(line, "status", exc.message)
            continue
        key = tool_name.casefold()
        plan = plans.get(key)
        if plan is None:
            plan = plans[key] = ToolPlan(tool_name, line, status)
        elif plan.status != status:
            problems.add(
                line,
                "status",
                f"{tool_name} is listed twice with different statuses: {plan.status} on line "
                f"{plan.line}, {status} here; give each tool one status",
            )
            continue
        for name in TOOL_FIELDS:
            value = row.get(name).strip()
            if value and name == "access_url":
                try:
                    url_of(value)
                except CatalogInputError as exc:
                    problems.add(line, name, exc.message)
                    continue
            if value:
                if plan.details.get(name, value) != value:
                    problems.add(
                        line,
                        name,
                        f"{tool_name}'s {name} differs from an earlier row's; give it once",
                    )
                plan.details[name] = value
        _rule(row, plan, problems)
    return plans


def _rule(row: TabularRow, plan: ToolPlan, problems: _Problems) -> None:
    line = row.line
    data_text, verdict_text = row.get("data_class"), row.get("verdict")
    if not data_text.strip() and not verdict_text.strip() and not row.get("use").strip():
        return  # the tool alone
    parsed: dict[str, str] = {}
    for field_name, reader in (
        ("data_class", data_class_of),
        ("use", rule_use_of),
        ("verdict", verdict_of),
    ):
        try:
            parsed[field_name] = reader(row.get(field_name), field=field_name)
        except CatalogInputError as exc:
            problems.add(line, field_name, exc.message)
    if len(parsed) < 3:
        return
    conditions, reason = row.get("conditions").strip(), row.get("reason").strip()
    if parsed["verdict"] == Verdict.CONDITIONS and not conditions:
        problems.add(line, "conditions", "the verdict is 'conditions': say what they are")
        return
    key = (parsed["data_class"], parsed["use"])
    earlier = plan.rules.get(key)
    if earlier is not None and earlier[1:] != (parsed["verdict"], conditions, reason):
        problems.add(
            line,
            "verdict",
            f"{plan.name} × {key[0]} × {key[1]} is listed twice with different answers "
            f"(line {earlier[0]} and here); keep one",
        )
        return
    plan.rules[key] = (line, parsed["verdict"], conditions, reason)


def _check_alternatives(
    plans: dict[str, ToolPlan], existing: dict[str, Tool], problems: _Problems
) -> None:
    for plan in plans.values():
        wanted = plan.details.get("alternative")
        if not wanted:
            continue
        key = " ".join(wanted.split()).casefold()
        status = plans[key].status if key in plans else None
        if status is None and key in existing:
            status = existing[key].status
        if key == plan.name.casefold():
            problems.add(plan.line, "alternative", "a tool cannot be its own alternative")
        elif status is None:
            problems.add(
                plan.line,
                "alternative",
                f"{wanted!r} is neither in the file nor in the catalogue",
            )
        elif status != ToolStatus.APPROVED:
            problems.add(
                plan.line, "alternative", f"the alternative {wanted!r} is not an approved tool"
            )


def _write(
    plans: dict[str, ToolPlan],
    existing: dict[str, Tool],
    report: ImportReport,
    record: Import,
    actor: Actor,
) -> None:
    tools: dict[str, Tool] = dict(existing)
    # Tools first (alternatives may name one another), then their alternatives and rules.
    for key, plan in plans.items():
        tool = tools.get(key)
        details = {k: v for k, v in plan.details.items() if k != "alternative"}
        if tool is None or tool.status != plan.status or _changed(tool, details):
            tools[key] = tool_save(
                actor=actor,
                tool=tool,
                name=plan.name if tool is None else tool.name,
                status=plan.status,
                vendor=details.get("vendor", tool.vendor if tool else ""),
                access_url=details.get("access_url", tool.access_url if tool else ""),
                seat_howto=details.get("seat_howto", tool.seat_howto if tool else ""),
                description=details.get("description", tool.description if tool else ""),
                alternative=tool.alternative if tool else None,
                audit=False,
            )
    created = updated = unchanged = removed = 0
    for key, plan in plans.items():
        tool = tools[key]
        wanted = plan.details.get("alternative")
        if wanted:
            alternative = tools[" ".join(wanted.split()).casefold()]
            if tool.alternative_id != alternative.pk:
                tool.alternative = alternative
                tool.save(update_fields=["alternative", "updated"])
        current = {(r.data_class, r.use): r for r in PolicyRule.objects.filter(tool=tool)}
        for (data_class, use), (_, verdict, conditions, reason) in plan.rules.items():
            rule = current.pop((data_class, use), None)
            if rule is not None and (rule.verdict, rule.conditions, rule.reason) == (
                verdict,
                conditions,
                reason,
            ):
                unchanged += 1
                continue
            policy_rule_set(
                actor=actor,
                tool=tool,
                data_class=data_class,
                use=use,
                verdict=verdict,
                conditions=conditions,
                reason=reason,
                source_import=record,
                audit=False,
            )
            if rule is None:
                created += 1
            else:
                updated += 1
        for rule in current.values():
            rule.delete()
            removed += 1
    report.created, report.updated, report.unchanged = created, updated, unchanged
    report.details["tools"] = len(plans)
    if removed:
        report.notes.append(f"{removed:,} rules no longer in the file were removed")
    report.data.update({"tools": len(plans), "rules_removed": removed})


def _changed(tool: Tool, details: dict[str, str]) -> bool:
    return any(getattr(tool, name) != value for name, value in details.items())
