"""The catalogue's part of the demo: six tools and their policy, arriving as a lead would bring
them (`peerwheel import tool-policy`), then half a year of "can I use X for Y?" from the demo's
people: most answered at once, the rest reviewed by the lead (a few late, some answers made into
policy), and three still open, one of them past its deadline.
"""

from __future__ import annotations

import csv
import tempfile
from datetime import datetime, time, timedelta
from pathlib import Path

import numpy as np
from django.contrib.auth.models import User
from django.utils import timezone

from peerwheel.accounts.roles import Role
from peerwheel.catalog.models import UseRequest
from peerwheel.catalog.policy_import import tool_policy_import
from peerwheel.catalog.services import (
    catalog_ask,
    use_request_resolve,
    use_requests_flag_breaches,
)
from peerwheel.engine.working_days import add_working_days
from peerwheel.hub.demo import WEEKS, demo_week_zero
from peerwheel.org.demo import DemoContext

M365 = "Microsoft 365 Copilot"
NO_PEOPLE = "AI never decides about people (hiring, performance, pay): a person decides."
COLUMNS = (
    "tool",
    "status",
    "data_class",
    "use",
    "verdict",
    "conditions",
    "reason",
    "vendor",
    "access_url",
    "seat_howto",
    "description",
    "alternative",
)
TOOLS = {
    M365: (
        "approved",
        "Microsoft",
        "https://m365.cloud.microsoft/chat",
        "Ask for a licence in the IT portal (Software → Copilot); your manager approves it.",
        "Chat, Word, Excel, Outlook and Teams, inside our tenant.",
        "",
    ),
    "GitHub Copilot": (
        "approved",
        "GitHub",
        "https://github.com/features/copilot",
        "Engineering: ask in #dev-tools; a seat is assigned within a day.",
        "Code completion and chat in the editor.",
        "",
    ),
    "ChatGPT Enterprise": (
        "pilot",
        "OpenAI",
        "https://chatgpt.com",
        "Pilot seats only: ask the AI program team to join the next cohort.",
        "Our enterprise workspace: chats are not used for training.",
        "",
    ),
    "Salesforce Einstein": (
        "approved",
        "Salesforce",
        "https://login.salesforce.com",
        "Sales and Support have it in Salesforce; others ask their Salesforce admin.",
        "Drafts and summaries inside the CRM.",
        "",
    ),
    "DeepL Pro": (
        "approved",
        "DeepL",
        "https://www.deepl.com/translator",
        "Sign in with your work account; the licence is company-wide.",
        "Translation; texts are not stored.",
        "",
    ),
    "ChatGPT (free)": (
        "not_approved",
        "OpenAI",
        "",
        "",
        "Consumer accounts: what you type may be used to train models.",
        M365,
    ),
}
# tool, data class, use, verdict, conditions, reason
RULES = [
    (M365, "public", "any", "yes", "", ""),
    (M365, "internal", "any", "yes", "", "Enterprise data protection: nothing leaves the tenant."),
    (
        M365,
        "confidential",
        "any",
        "conditions",
        "Only signed in with your work account; keep the document's Confidential label.",
        "",
    ),
    (M365, "customer_personal", "any", "no", "", "Customer personal data stays in the CRM."),
    (M365, "employee_personal", "any", "no", "", "Employee data stays in the HR system."),
    (M365, "employee_personal", "decisions_about_people", "no", "", NO_PEOPLE),
    ("GitHub Copilot", "public", "coding", "yes", "", ""),
    ("GitHub Copilot", "internal", "coding", "yes", "", ""),
    (
        "GitHub Copilot",
        "confidential",
        "coding",
        "conditions",
        "The public-code filter stays on; no secrets or keys in prompts.",
        "",
    ),
    (
        "GitHub Copilot",
        "customer_personal",
        "any",
        "no",
        "",
        "No customer records in code or prompts.",
    ),
    ("ChatGPT Enterprise", "public", "any", "yes", "", ""),
    ("ChatGPT Enterprise", "internal", "any", "yes", "", ""),
    (
        "ChatGPT Enterprise",
        "confidential",
        "summarising",
        "conditions",
        "In the enterprise workspace only; delete the chat when done.",
        "",
    ),
    (
        "ChatGPT Enterprise",
        "customer_personal",
        "any",
        "no",
        "",
        "Not covered by our contract yet.",
    ),
    ("Salesforce Einstein", "internal", "customer_communication", "yes", "", ""),
    (
        "Salesforce Einstein",
        "customer_personal",
        "customer_communication",
        "conditions",
        "Inside Salesforce only; a person reads every message before it is sent.",
        "",
    ),
    (
        "Salesforce Einstein",
        "customer_personal",
        "data_analysis",
        "conditions",
        "Aggregates only; no exports.",
        "",
    ),
    ("DeepL Pro", "public", "translation", "yes", "", ""),
    ("DeepL Pro", "internal", "translation", "yes", "", ""),
    ("DeepL Pro", "confidential", "translation", "conditions", "Pro account only.", ""),
    (
        "DeepL Pro",
        "customer_personal",
        "translation",
        "conditions",
        "Pro account only; remove names you do not need.",
        "",
    ),
]
# What people ask, and how often: (tool, use, data class, weight)
QUESTIONS = [
    (M365, "summarising", "internal", 8),
    (M365, "drafting", "confidential", 5),
    (M365, "customer_communication", "customer_personal", 3),
    (M365, "research", "employee_personal", 1),
    ("GitHub Copilot", "coding", "internal", 6),
    ("GitHub Copilot", "drafting", "internal", 2),
    ("ChatGPT Enterprise", "data_analysis", "confidential", 2),
    ("ChatGPT Enterprise", "research", "public", 3),
    ("Salesforce Einstein", "customer_communication", "customer_personal", 3),
    ("DeepL Pro", "translation", "confidential", 3),
    ("ChatGPT (free)", "drafting", "internal", 3),
    ("ChatGPT (free)", "research", "public", 2),
    ("Perplexity", "research", "public", 2),
    ("Otter.ai", "meeting notes", "internal", 2),
    ("Gamma", "slides for a client pitch", "confidential", 1),
]
#: the answers the lead gives to what the policy did not cover: (verdict, conditions, note)
REVIEW_ANSWERS = {
    "GitHub Copilot": ("yes", "", "Fine for drafting docs and READMEs next to the code."),
    "ChatGPT Enterprise": (
        "conditions",
        "Pilot workspace only; no customer columns in the data.",
        "Yes for the pilot group, on anonymised extracts.",
    ),
    M365: (
        "no",
        "",
        "Research on colleagues' personal data is not allowed; ask HR for aggregates.",
    ),
}
UNKNOWN_ANSWER = (
    "no",
    "",
    "Not assessed yet by security; use Microsoft 365 Copilot meanwhile. We will add it to the "
    "catalogue if more people need it.",
)
OPEN_QUESTIONS = [  # (days ago, person index, tool, use, data class)
    (7, 3, "Perplexity", "research", "internal"),  # past its deadline
    (1, 5, "Claude", "drafting", "internal"),
    (0, 8, "GitHub Copilot", "data analysis", "internal"),
]


def _write_policy(path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for name, (status, vendor, url, seat, about, alternative) in TOOLS.items():
            writer.writerow(
                [name, status, "", "", "", "", "", vendor, url, seat, about, alternative]
            )
        for name, data_class, use, verdict, conditions, reason in RULES:
            writer.writerow(
                [name, TOOLS[name][0], data_class, use, verdict, conditions, reason] + [""] * 5
            )


def _asked_at(start: datetime, week: int, rng: np.random.Generator) -> datetime:
    day = start + timedelta(weeks=week, days=int(rng.integers(0, 5)))
    return day + timedelta(hours=int(rng.integers(8, 18)), minutes=int(rng.integers(0, 60)))


def catalog_demo(context: DemoContext) -> None:
    """Write the catalogue, its policy and half a year of questions (seeded)."""
    rng = np.random.default_rng([context.seed, 16])
    lead = User.objects.get(username=Role.LEAD.value)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tool-policy.csv"
        _write_policy(path)
        tool_policy_import(path, file_name="tool-policy.csv", actor=lead)
    people = [context.people[node] for node in sorted(context.people)]
    weights = np.array([q[3] for q in QUESTIONS], dtype=float)
    start = demo_week_zero()
    now = timezone.now()
    reviews = 0
    for week in range(WEEKS):
        for _ in range(1 + week // 4):
            tool, use, data_class, _ = QUESTIONS[
                int(rng.choice(len(QUESTIONS), p=weights / weights.sum()))
            ]
            asked = _asked_at(start, week, rng)
            if asked >= now - timedelta(days=8):
                continue  # the last days' questions are the open ones below
            person = people[int(rng.integers(len(people)))]
            answer = catalog_ask(asker=person, tool=tool, use=use, data_class=data_class, now=asked)
            if answer.answer == "review":
                reviews += 1
                _resolve(answer.request_id, asked, lead, rng, late=reviews % 6 == 3)
    for days_ago, index, tool, use, data_class in OPEN_QUESTIONS:
        day = timezone.localdate() - timedelta(days=days_ago)
        asked = timezone.make_aware(datetime.combine(day, time(10, 30)))
        catalog_ask(
            asker=people[index * 37 % len(people)],
            tool=tool,
            use=use,
            data_class=data_class,
            now=min(asked, now),
        )
    use_requests_flag_breaches(now=now)
    requests = UseRequest.objects.all()
    context.notes.append(
        f"catalogue: {len(TOOLS)} tools, {len(RULES)} rules imported; "
        f"{requests.count()} questions, "
        f"{requests.filter(reviewed=False).count()} answered at once, "
        f"{requests.filter(reviewed=True, resolved_at__isnull=False).count()} reviewed "
        f"({requests.filter(breach=True, resolved_at__isnull=False).count()} late), "
        f"{requests.filter(resolved_at__isnull=True).count()} open "
        f"({requests.filter(breach=True, resolved_at__isnull=True).count()} past the deadline)"
    )


def _resolve(
    request_id: int, asked: datetime, lead: User, rng: np.random.Generator, *, late: bool
) -> None:
    """The lead answers within 0-2 working days, or (`late`) a day or two after the deadline."""
    request = UseRequest.objects.select_related("tool").get(pk=request_id)
    days = int(rng.integers(3, 5)) if late else int(rng.integers(0, 3))
    day = add_working_days(asked.date(), days)
    when = timezone.make_aware(datetime.combine(day, time(16, 0)))
    if request.tool is None:
        verdict, conditions, note = UNKNOWN_ANSWER
    else:
        verdict, conditions, note = REVIEW_ANSWERS.get(request.tool.name, UNKNOWN_ANSWER)
    use_request_resolve(
        request=request,
        actor=lead,
        verdict=verdict,
        note=note,
        conditions=conditions,
        add_rule=request.tool is not None,
        now=max(when, asked),
    )
