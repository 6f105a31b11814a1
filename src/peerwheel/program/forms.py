"""The program pages' forms: each field checked here, the rule itself in the services."""

from __future__ import annotations

from django import forms

from peerwheel.program.measures import MEASURES
from peerwheel.program.models import STAGE_ORDER, Stage

STAGE_CHOICES = [(s, Stage(s).label) for s in STAGE_ORDER]


class StageMoveForm(forms.Form):
    to_stage = forms.ChoiceField(choices=STAGE_CHOICES)
    reason = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class GateEditForm(forms.Form):
    label = forms.CharField(max_length=200)
    target = forms.FloatField(min_value=0)
    active = forms.BooleanField(required=False)


class GateAddForm(forms.Form):
    stage = forms.ChoiceField(choices=STAGE_CHOICES)
    measure = forms.ChoiceField(choices=[(k, m.description) for k, m in MEASURES.items()])
    label = forms.CharField(required=False, max_length=200)
    target = forms.FloatField(min_value=0)


class ScopeAddForm(forms.Form):
    unit = forms.ChoiceField(
        choices=[("person", "Person (employee id)"), ("department", "Department"), ("site", "Site")]
    )
    name = forms.CharField(max_length=200, label="Employee id or name")
    stage = forms.ChoiceField(choices=STAGE_CHOICES)
    since = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


class ScopeUploadForm(forms.Form):
    file = forms.FileField(label="Scope file (CSV)")
    dry_run = forms.BooleanField(required=False, label="Check only (write nothing)")


class InviteForm(forms.Form):
    person_id = forms.IntegerField(min_value=1)
    evidence = forms.CharField(required=False, max_length=400)


class PairForm(forms.Form):
    newcomer_id = forms.IntegerField(min_value=1)
    buddy_id = forms.IntegerField(min_value=1)
    reason = forms.CharField(required=False, max_length=300)


class WavePlanForm(forms.Form):
    unit = forms.ChoiceField(choices=[("site", "Sites"), ("department", "Departments")])
    per_wave = forms.IntegerField(min_value=1, max_value=10, initial=3, label="Units per wave")


def first_error(form: forms.Form) -> str:
    """ "since: Enter a valid date." for the first field error."""
    for field, errors in form.errors.items():
        label = field if field != "__all__" else ""
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return "the form is not valid"
