"""The survey instrument: Likert constructs, extra questions and outcomes, versioned as JSON.

The default instrument ships in this package (`instrument_v1.json`). An admin's edits (new
wording, extra items) are applied with `with_wording` / `with_extra_item` and stored with the
survey wave through `to_dict`; `from_dict` reads them back and checks them.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

from peerwheel.engine.study.errors import InstrumentError

DEFAULT_INSTRUMENT_FILE = "instrument_v1.json"
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_MIN_ITEMS = 2


class QuestionKind(StrEnum):
    YES_NO = "yes_no"
    CHOICE = "choice"


@dataclass(frozen=True)
class LikertScale:
    min: int = 1
    max: int = 5
    labels: tuple[str, ...] = ()

    def reverse(self, value: float) -> float:
        """The reverse-coded answer: 6 − x on a 1–5 scale."""
        return self.min + self.max - value


@dataclass(frozen=True)
class Item:
    key: str
    text: str
    reverse: bool = False


@dataclass(frozen=True)
class Construct:
    key: str
    label: str
    description: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Choice:
    value: int
    label: str


@dataclass(frozen=True)
class Question:
    key: str
    kind: QuestionKind
    text: str
    choices: tuple[Choice, ...] = ()


@dataclass(frozen=True)
class Outcome:
    key: str
    label: str
    description: str


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    title: str
    intro: str
    scale: LikertScale
    constructs: tuple[Construct, ...]
    questions: tuple[Question, ...] = ()
    outcomes: tuple[Outcome, ...] = ()

    def __post_init__(self) -> None:
        _check(self)

    # -- look-ups ------------------------------------------------------------------------------
    @property
    def construct_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.constructs)

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for c in self.constructs for item in c.items)

    def construct(self, key: str) -> Construct:
        for c in self.constructs:
            if c.key == key:
                return c
        raise KeyError(key)

    def construct_label(self, key: str) -> str:
        try:
            return self.construct(key).label
        except KeyError:
            return key.replace("_", " ")

    def outcome_label(self, key: str) -> str:
        for o in self.outcomes:
            if o.key == key:
                return o.label
        return key.replace("_", " ")

    # -- admin edits ---------------------------------------------------------------------------
    def with_version(self, version: str) -> Instrument:
        return dataclasses.replace(self, version=version)

    def with_wording(self, item_key: str, text: str) -> Instrument:
        """A copy with one item reworded (the item keeps its key, so answers stay comparable)."""
        if item_key not in {i.key for i in self.items}:
            raise InstrumentError(f"No item {item_key!r} in instrument {self.id} v{self.version}.")
        constructs = tuple(
            dataclasses.replace(
                c,
                items=tuple(
                    dataclasses.replace(i, text=text) if i.key == item_key else i for i in c.items
                ),
            )
            for c in self.constructs
        )
        return dataclasses.replace(self, constructs=constructs)

    def with_extra_item(
        self, construct_key: str, text: str, *, reverse: bool = False
    ) -> Instrument:
        """A copy with one more item in a construct, keyed `<construct>_<k+1>`."""
        target = self.construct(construct_key)
        used = [int(i.key.rsplit("_", 1)[1]) for i in target.items]
        item = Item(key=f"{construct_key}_{max(used) + 1}", text=text, reverse=reverse)
        constructs = tuple(
            dataclasses.replace(c, items=(*c.items, item)) if c.key == construct_key else c
            for c in self.constructs
        )
        return dataclasses.replace(self, constructs=constructs)

    def without_item(self, item_key: str) -> Instrument:
        """A copy without one item; a construct must keep at least two."""
        constructs = tuple(
            dataclasses.replace(c, items=tuple(i for i in c.items if i.key != item_key))
            for c in self.constructs
        )
        if constructs == self.constructs:
            raise InstrumentError(f"No item {item_key!r} in instrument {self.id} v{self.version}.")
        return dataclasses.replace(self, constructs=constructs)

    # -- (de)serialisation ---------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "intro": self.intro,
            "scale": {
                "min": self.scale.min,
                "max": self.scale.max,
                "labels": list(self.scale.labels),
            },
            "constructs": [
                {
                    "key": c.key,
                    "label": c.label,
                    "description": c.description,
                    "items": [
                        {"key": i.key, "text": i.text, **({"reverse": True} if i.reverse else {})}
                        for i in c.items
                    ],
                }
                for c in self.constructs
            ],
            "questions": [
                {
                    "key": q.key,
                    "kind": q.kind.value,
                    "text": q.text,
                    **(
                        {"choices": [{"value": ch.value, "label": ch.label} for ch in q.choices]}
                        if q.choices
                        else {}
                    ),
                }
                for q in self.questions
            ],
            "outcomes": [
                {"key": o.key, "label": o.label, "description": o.description}
                for o in self.outcomes
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Instrument:
        """Build and check an instrument; a malformed one raises `InstrumentError`."""
        try:
            scale = data.get("scale", {})
            return cls(
                id=str(data["id"]),
                version=str(data["version"]),
                title=str(data.get("title", "")),
                intro=str(data.get("intro", "")),
                scale=LikertScale(
                    min=int(scale.get("min", 1)),
                    max=int(scale.get("max", 5)),
                    labels=tuple(str(s) for s in scale.get("labels", ())),
                ),
                constructs=tuple(
                    Construct(
                        key=str(c["key"]),
                        label=str(c.get("label", c["key"])),
                        description=str(c.get("description", "")),
                        items=tuple(
                            Item(str(i["key"]), str(i["text"]), bool(i.get("reverse", False)))
                            for i in c["items"]
                        ),
                    )
                    for c in data["constructs"]
                ),
                questions=tuple(
                    Question(
                        key=str(q["key"]),
                        kind=QuestionKind(q["kind"]),
                        text=str(q["text"]),
                        choices=tuple(
                            Choice(int(ch["value"]), str(ch["label"]))
                            for ch in q.get("choices", ())
                        ),
                    )
                    for q in data.get("questions", ())
                ),
                outcomes=tuple(
                    Outcome(
                        str(o["key"]), str(o.get("label", o["key"])), str(o.get("description", ""))
                    )
                    for o in data.get("outcomes", ())
                ),
            )
        except KeyError as exc:
            raise InstrumentError(
                f"Instrument definition lacks the field {exc.args[0]!r}."
            ) from None
        except (TypeError, ValueError) as exc:
            raise InstrumentError(f"Instrument definition is malformed: {exc}.") from None


def load_instrument(path: str | Path | None = None) -> Instrument:
    """Read an instrument from JSON; without a path, the default shipped in this package."""
    try:
        if path is None:
            text = resources.files(__package__).joinpath(DEFAULT_INSTRUMENT_FILE).read_text("utf-8")
            where = DEFAULT_INSTRUMENT_FILE
        else:
            text = Path(path).read_text(encoding="utf-8")
            where = str(path)
    except OSError as exc:
        raise InstrumentError(f"Cannot read the instrument file {path}: {exc.strerror}.") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InstrumentError(
            f"{where}, line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})."
        ) from None
    if not isinstance(data, dict):
        raise InstrumentError(f"{where}: the instrument must be a JSON object.")
    return Instrument.from_dict(data)


def _check(ins: Instrument) -> None:
    if ins.scale.min >= ins.scale.max:
        raise InstrumentError(
            f"Scale minimum {ins.scale.min} must be below maximum {ins.scale.max}."
        )
    n_points = ins.scale.max - ins.scale.min + 1
    if ins.scale.labels and len(ins.scale.labels) != n_points:
        raise InstrumentError(
            f"The scale has {n_points} points but {len(ins.scale.labels)} labels: give one each."
        )
    if not ins.constructs:
        raise InstrumentError("The instrument has no constructs.")
    seen: set[str] = set()
    for c in ins.constructs:
        if not _KEY.match(c.key):
            raise InstrumentError(
                f"Construct key {c.key!r} must be lower-case letters, digits and underscores."
            )
        if len(c.items) < _MIN_ITEMS:
            raise InstrumentError(
                f"Construct {c.key} has {len(c.items)} item(s); a scale needs at least "
                f"{_MIN_ITEMS} so that its reliability can be checked."
            )
        for i in c.items:
            prefix, _, k = i.key.rpartition("_")
            if prefix != c.key or not k.isdigit() or int(k) < 1:
                raise InstrumentError(
                    f"Item key {i.key!r} must be <construct>_<k> with k = 1, 2, … "
                    f"(for example {c.key}_1)."
                )
            if i.key in seen:
                raise InstrumentError(f"Item key {i.key!r} is used twice.")
            seen.add(i.key)
        if c.key in seen:
            raise InstrumentError(f"Construct key {c.key!r} is used twice.")
        seen.add(c.key)
    for q in ins.questions:
        if q.kind is QuestionKind.CHOICE and not q.choices:
            raise InstrumentError(f"Question {q.key} is a choice question without choices.")
