"""The forms of the cohorts, promptathons and show-and-tell pages: each field checked here, the
rules themselves (dates, tags, who may) in sessions.py."""

from __future__ import annotations

import re

from django import forms

from peerwheel.program.models_sessions import Cohort, SessionPresenter

_SPLIT = re.compile(r"[\s,;]+")
PEOPLE_HELP = "Employee ids or email addresses, separated by commas, spaces or new lines."


def split_people(text: str) -> list[str]:
    """'E1, ana@example.com\\nE7' → ['E1', 'ana@example.com', 'E7'] (order kept, no repeats)."""
    seen: list[str] = []
    for item in _SPLIT.split(text or ""):
        if item and item not in seen:
            seen.append(item)
    return seen


class SessionForm(forms.Form):
    title = forms.CharField(max_length=120, initial="Show-and-tell")
    starts_at = forms.DateTimeField(
        label="Starts", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    minutes = forms.IntegerField(min_value=10, max_value=480, initial=45, label="Minutes")
    location = forms.CharField(max_length=200, required=False, label="Room")
    join_url = forms.CharField(max_length=500, required=False, label="Join link")
    notes = forms.CharField(
        max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SignupForm(forms.Form):
    topic = forms.CharField(max_length=200, label="What you will show")
    slot = forms.ChoiceField(choices=SessionPresenter.Slot.choices, initial="other", label="Kind")


class AgendaAddForm(forms.Form):
    post_id = forms.IntegerField(min_value=1)
    slot = forms.ChoiceField(choices=SessionPresenter.Slot.choices)


class AttendanceForm(forms.Form):
    """The people who said they would come (ticked) and anyone else by id or email."""

    people = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    others = forms.CharField(
        required=False, max_length=20_000, help_text=PEOPLE_HELP, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args: object, choices: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["people"].choices = choices  # type: ignore[attr-defined]


class CohortForm(forms.Form):
    kind = forms.ChoiceField(choices=Cohort.Kind.choices)
    name = forms.CharField(max_length=120)
    theme = forms.CharField(max_length=200)
    tag = forms.CharField(
        max_length=41, help_text="The hub tag its outputs carry, e.g. q3-prompts."
    )
    starts_at = forms.DateTimeField(
        label="Starts", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label="Ends", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    description = forms.CharField(
        max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    members = forms.CharField(
        required=False,
        max_length=20_000,
        help_text=PEOPLE_HELP,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MembersForm(forms.Form):
    members = forms.CharField(max_length=20_000, help_text=PEOPLE_HELP, widget=forms.Textarea())
