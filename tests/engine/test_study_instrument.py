"""The versioned survey instrument: the shipped default, admin edits, and bad definitions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peerwheel.engine.study import Instrument, InstrumentError, QuestionKind, load_instrument

CONSTRUCTS = (
    "peer_influence",
    "leader_mandate",
    "leader_consistency",
    "psych_safety",
    "fear_behind",
)


def test_default_instrument_has_the_five_constructs_with_three_or_four_items() -> None:
    ins = load_instrument()
    assert ins.version == "1"
    assert ins.construct_keys == CONSTRUCTS
    for c in ins.constructs:
        assert 3 <= len(c.items) <= 4
        assert [i.key for i in c.items] == [f"{c.key}_{k}" for k in range(1, len(c.items) + 1)]
        assert all(len(i.text) > 20 for i in c.items)
    assert (ins.scale.min, ins.scale.max, len(ins.scale.labels)) == (1, 5, 5)
    assert {o.key for o in ins.outcomes} == {"heavy_user", "agent_user"}


def test_default_instrument_marks_reverse_coded_items_and_asks_training_and_frequency() -> None:
    ins = load_instrument()
    reverse = {i.key for i in ins.items if i.reverse}
    assert "leader_consistency_4" in reverse  # "Leadership enthusiasm for AI comes and goes."
    assert "peer_influence_1" not in reverse
    kinds = {q.key: q.kind for q in ins.questions}
    assert kinds == {"training": QuestionKind.YES_NO, "frequency": QuestionKind.CHOICE}


def test_to_dict_and_from_dict_round_trip() -> None:
    ins = load_instrument()
    again = Instrument.from_dict(json.loads(json.dumps(ins.to_dict())))
    assert again == ins


def test_admin_edits_reword_and_add_items_without_touching_the_original() -> None:
    ins = load_instrument()
    edited = (
        ins.with_wording("peer_influence_2", "My teammates show each other what works with AI.")
        .with_extra_item("psych_safety", "I can share a failed experiment at a team meeting.")
        .with_extra_item("fear_behind", "AI moves faster than I can follow.", reverse=False)
        .with_version("1.1-acme")
    )
    assert edited.construct("peer_influence").items[1].text.startswith("My teammates")
    assert ins.construct("peer_influence").items[1].text.startswith("People around me")
    assert edited.construct("psych_safety").items[-1].key == "psych_safety_5"
    assert edited.version == "1.1-acme"
    assert Instrument.from_dict(edited.to_dict()) == edited


def test_edits_that_break_the_instrument_are_refused() -> None:
    ins = load_instrument()
    with pytest.raises(InstrumentError, match="No item 'peer_influence_9'"):
        ins.with_wording("peer_influence_9", "x")
    trimmed = ins.without_item("psych_safety_4").without_item("psych_safety_3")
    with pytest.raises(InstrumentError, match="psych_safety has 1 item"):
        trimmed.without_item("psych_safety_2")


def test_bad_definitions_name_the_problem(tmp_path: Path) -> None:
    data = load_instrument().to_dict()
    data["constructs"][0]["items"][0]["key"] = "peer_1"
    with pytest.raises(InstrumentError, match="'peer_1' must be <construct>_<k>"):
        Instrument.from_dict(data)
    del data["version"]
    with pytest.raises(InstrumentError, match="lacks the field 'version'"):
        Instrument.from_dict(data)
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "id": "x",\n  "version": 1,,\n}', encoding="utf-8")
    with pytest.raises(InstrumentError, match=r"broken.json, line 3, column 16"):
        load_instrument(broken)
