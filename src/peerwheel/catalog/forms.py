"""The catalogue's forms: asking, a lead's answer to a review, a tool, a policy rule. The
forms check the fields; the services check the rules (their errors land on the same fields)."""

from __future__ import annotations

from typing import Any

from django import forms

from peerwheel.catalog.errors import CatalogError
from peerwheel.catalog.models import (
    RULE_USE_CHOICES,
    DataClass,
    Tool,
    ToolStatus,
    Use,
    Verdict,
)


def add_service_error(form: forms.Form, error: CatalogError) -> None:
    """A service's refusal shown on its field (or above the form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class AskForm(forms.Form):
    tool = forms.CharField(
        max_length=120,
        label="Tool",
        widget=forms.TextInput(attrs={"list": "catalog-tools", "autocomplete": "off"}),
    )
    use = forms.ChoiceField(choices=Use.choices, label="For")
    use_other = forms.CharField(
        max_length=200, required=False, label="What for, in your words (when Other)"
    )
    data_class = forms.ChoiceField(choices=DataClass.choices, label="With data that is")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("use") == Use.OTHER and not cleaned.get("use_other", "").strip():
            self.add_error("use_other", "Say what you want to use the tool for.")
        return cleaned

    @property
    def use_text(self) -> str:
        """What the service reads as the use: the choice, or the words for Other."""
        if self.cleaned_data["use"] == Use.OTHER:
            return str(self.cleaned_data["use_other"])
        return str(self.cleaned_data["use"])


class ResolveForm(forms.Form):
    request_id = forms.IntegerField(widget=forms.HiddenInput)
    verdict = forms.ChoiceField(choices=Verdict.choices, label="Answer")
    note = forms.CharField(
        max_length=4000,
        label="Note for the asker",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why, and what to do next.",
    )
    conditions = forms.CharField(
        max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    add_rule = forms.BooleanField(
        required=False, label="Make this the policy, so the next person is answered at once"
    )
    rule_use = forms.ChoiceField(
        choices=[("request", "for this use only"), ("any", "for any use")],
        initial="request",
        label="The rule covers",
    )


class ToolForm(forms.Form):
    tool_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(max_length=120)
    status = forms.ChoiceField(choices=ToolStatus.choices)
    vendor = forms.CharField(max_length=120, required=False)
    access_url = forms.URLField(required=False, label="Access link", assume_scheme="https")
    seat_howto = forms.CharField(
        required=False, label="How to get a seat", widget=forms.Textarea(attrs={"rows": 2})
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    alternative = forms.ModelChoiceField(
        queryset=Tool.objects.filter(status=ToolStatus.APPROVED),
        required=False,
        label="Approved alternative",
    )


class RuleForm(forms.Form):
    tool = forms.ModelChoiceField(queryset=Tool.objects.all())
    data_class = forms.ChoiceField(choices=DataClass.choices, label="Data class")
    use = forms.ChoiceField(choices=RULE_USE_CHOICES, initial="any")
    verdict = forms.ChoiceField(choices=Verdict.choices)
    conditions = forms.CharField(
        max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(
        max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
