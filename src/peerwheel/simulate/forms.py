"""The Simulate page's form: a scenario (preset plus levers) and 2–4 arms to compare."""

from __future__ import annotations

from typing import Any

from django import forms

from peerwheel.engine.diffusion import Cadence
from peerwheel.engine.scenarios import PRESETS, Scenario, preset
from peerwheel.engine.seeding import SeedStrategy
from peerwheel.simulate.scenarios import Levers, scenario_with_levers
from peerwheel.simulate.services import STRATEGY_LABELS

STRATEGY_CHOICES = [("none", STRATEGY_LABELS[None])] + [
    (s.value, STRATEGY_LABELS[s]) for s in SeedStrategy
]
PRESET_CHOICES = [(s.key, s.name) for s in PRESETS]


class ScenarioForm(forms.Form):
    mode = forms.ChoiceField(
        choices=[("presets", "Compare presets"), ("strategies", "Compare champion strategies")],
        initial="presets",
        widget=forms.RadioSelect,
    )
    presets = forms.MultipleChoiceField(
        choices=PRESET_CHOICES,
        required=False,
        initial=["mandate-only", "appointed", "natural-show-and-tell"],
        widget=forms.CheckboxSelectMultiple,
        help_text="2–4 presets, each exactly as described.",
    )
    base = forms.ChoiceField(
        choices=PRESET_CHOICES,
        initial="natural-show-and-tell",
        required=False,  # sent only in strategies mode (the other panel is disabled)
        label="Scenario",
        help_text="Strategies are compared in this scenario, with the levers below.",
    )
    strategies = forms.MultipleChoiceField(
        choices=STRATEGY_CHOICES,
        required=False,
        initial=["natural", "appointed"],
        widget=forms.CheckboxSelectMultiple,
        help_text="2–4 strategies.",
    )
    k = forms.IntegerField(min_value=1, max_value=500, initial=15, label="Champions (k)")
    friction = forms.FloatField(
        min_value=0, max_value=1, required=False, help_text="0–1; blank: the scenario's (0.5)"
    )
    safety = forms.FloatField(
        min_value=0,
        max_value=1,
        required=False,
        label="Psychological safety",
        help_text="0–1; blank: the scenario's (0.5)",
    )
    mandate_week = forms.IntegerField(
        min_value=1, max_value=104, required=False, help_text="a mandate (and training) from week N"
    )
    show_and_tell = forms.ChoiceField(
        choices=[("", "as in the scenario")] + [(c.value, c.value) for c in Cadence],
        required=False,
        label="Show-and-tell",
    )
    failure_week = forms.IntegerField(
        min_value=1, max_value=104, required=False, help_text="a visible failure in week N"
    )
    runs = forms.IntegerField(min_value=5, max_value=500, initial=50)
    weeks = forms.IntegerField(min_value=4, max_value=104, initial=52)  # a year, as calibrated
    seed = forms.IntegerField(min_value=0, max_value=2**31 - 1, initial=42, label="Random seed")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        mode = data.get("mode")
        picked = data.get("presets" if mode == "presets" else "strategies") or []
        if mode and not 2 <= len(picked) <= 4:
            field = "presets" if mode == "presets" else "strategies"
            self.add_error(field, "Choose between 2 and 4 to compare.")
        if mode == "strategies" and not data.get("base"):
            self.add_error("base", "Choose the scenario the strategies are compared in.")
        return data

    def arms(self) -> list[Scenario]:
        """The scenarios to run side by side (call after is_valid())."""
        data = self.cleaned_data
        if data["mode"] == "presets":  # each exactly as described, with its k
            return [
                scenario_with_levers(preset(key), Levers(k=data["k"])) for key in data["presets"]
            ]
        levers = Levers(
            friction=data.get("friction"),
            safety=data.get("safety"),
            mandate_week=data.get("mandate_week"),
            failure_week=data.get("failure_week"),
            show_and_tell=Cadence(data["show_and_tell"]) if data.get("show_and_tell") else None,
            k=data["k"],
        )
        base = scenario_with_levers(preset(data["base"]), levers)
        arms = []
        for name in data["strategies"]:
            strategy = None if name == "none" else SeedStrategy(name)
            label = STRATEGY_LABELS[strategy]
            arms.append(base.with_changes(key=f"{base.key}:{name}", name=label, strategy=strategy))
        return arms
