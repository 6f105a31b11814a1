"""Forms of the study pages: the survey (built from the wave's instrument), uploads, edits."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html

from peerwheel.engine.study import Instrument, QuestionKind
from peerwheel.study.pool import StoredAnswers

YES_NO = [(1, "Yes"), (0, "No")]
AGENT_QUESTION = (
    "In the last 4 weeks, have you used an AI agent: a tool that carries out multi-step work on "
    "your behalf (for example, researching and drafting a document, or changing code across files)?"
)


def _bool(value: str) -> bool:
    return value in ("1", 1, True)


class SurveyForm(forms.Form):
    """One required Likert radio group per item, then training, frequency and agent use."""

    def __init__(
        self,
        instrument: Instrument,
        *args: Any,
        response: StoredAnswers | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        scale = instrument.scale
        labels = scale.labels or tuple(str(v) for v in range(scale.min, scale.max + 1))
        likert = [
            (v, label) for v, label in zip(range(scale.min, scale.max + 1), labels, strict=True)
        ]
        for item in instrument.items:
            self.fields[item.key] = forms.TypedChoiceField(
                label=item.text, choices=likert, coerce=int, widget=forms.RadioSelect
            )
        for q in instrument.questions:
            if q.kind is QuestionKind.YES_NO:
                choices = YES_NO
            else:
                choices = [(ch.value, ch.label) for ch in q.choices]
            self.fields[q.key] = forms.TypedChoiceField(
                label=q.text, choices=choices, coerce=int, widget=forms.RadioSelect
            )
        self.fields["agent_user"] = forms.TypedChoiceField(
            label=AGENT_QUESTION, choices=YES_NO, coerce=int, widget=forms.RadioSelect
        )
        if response is not None and not self.is_bound:
            self.initial.update(response.answers)
            if response.training is not None:
                self.initial["training"] = int(response.training)
            if response.frequency is not None:
                self.initial["frequency"] = response.frequency
            if response.agent_user is not None:
                self.initial["agent_user"] = int(response.agent_user)

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """(heading, fields) per construct, then the closing questions."""
        out = [
            (c.description or c.label, [self[i.key] for i in c.items])
            for c in self.instrument.constructs
        ]
        closing = [self[q.key] for q in self.instrument.questions] + [self["agent_user"]]
        out.append(("About your use of AI", closing))
        return out

    def answers(self) -> dict[str, int | None]:
        return {i.key: self.cleaned_data[i.key] for i in self.instrument.items}

    def extras(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "training": _bool(data["training"]) if "training" in data else None,
            "frequency": data.get("frequency"),
            "agent_user": _bool(data["agent_user"]),
        }


class SurveyUploadForm(forms.Form):
    file = forms.FileField(
        label="Survey responses (CSV)",
        # Django's form templates print help_text as HTML: the column pattern is escaped.
        help_text=format_html(
            "One row per respondent: <code>{}</code> items 1–5, heavy_user and agent_user 0/1, "
            "team, and optionally training, frequency, department and level.",
            "<construct>_<k>",
        ),
    )
    name = forms.CharField(label="Name of the wave", max_length=200, required=False)


class WaveCreateForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200, initial="Peer-influence survey")
    closes = forms.DateTimeField(
        label="Closes (optional)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    link_usage = forms.BooleanField(
        label="Take heavy and agent use from usage data where a person has it (else their answers)",
        required=False,
        initial=True,
    )


class InstrumentEditForm(forms.Form):
    """Reword any item; add one item to a construct. Saving creates a new version."""

    def __init__(self, instrument: Instrument, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for item in instrument.items:
            self.fields[f"text__{item.key}"] = forms.CharField(
                label=f"{item.key}{' (reverse-coded)' if item.reverse else ''}",
                initial=item.text,
                max_length=400,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["new_construct"] = forms.ChoiceField(
            label="Add an item to",
            required=False,
            choices=[("", "(no new item)")] + [(c.key, c.label) for c in instrument.constructs],
        )
        self.fields["new_text"] = forms.CharField(
            label="New item's wording", required=False, max_length=400
        )
        self.fields["new_reverse"] = forms.BooleanField(
            label="The new item is reverse-coded (agreeing means less of the construct)",
            required=False,
        )
        self.fields["note"] = forms.CharField(label="What changed and why", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_construct") and not (data.get("new_text") or "").strip():
            self.add_error("new_text", "Write the new item's wording, or pick no construct.")
        return data

    def construct_fields(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(c, [self[f"text__{i.key}"] for i in c.items]) for c in self.instrument.constructs]

    def wording(self) -> dict[str, str]:
        return {i.key: self.cleaned_data[f"text__{i.key}"] for i in self.instrument.items}

    def extra_items(self) -> list[tuple[str, str, bool]]:
        if not self.cleaned_data.get("new_construct"):
            return []
        return [
            (
                self.cleaned_data["new_construct"],
                self.cleaned_data["new_text"],
                bool(self.cleaned_data.get("new_reverse")),
            )
        ]
