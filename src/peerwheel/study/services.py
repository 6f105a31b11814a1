"""Writes for the study: instrument versions, waves, in-app responses and survey imports.

Every write goes through here (views, commands, the demo). Response writes record no person and
no time on the response, go through the sealed pending pool (`pool.py`), and write no audit
entry: an audit row "alice answered at 10:02" next to a response written at 10:02 would undo
the confidentiality the models are built for.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import pandas as pd
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from peerwheel.accounts.services import audit_record
from peerwheel.core.imports import ImportReport, ImportRun, ProgressCallback
from peerwheel.core.models import Import
from peerwheel.engine.study import (
    Instrument,
    InstrumentError,
    SurveyDataError,
    SurveyProblem,
    load_instrument,
    validate_responses,
)
from peerwheel.engine.tabular import TabularError, read_table
from peerwheel.engine.usage_formats import MAX_PROBLEMS
from peerwheel.org.models import Person
from peerwheel.org.selectors import people_current
from peerwheel.study.errors import (
    BOUND_ELSEWHERE,
    AnswerError,
    AnswersBoundElsewhereError,
    StudyActionError,
    SurveyClosedError,
    describe_problem,
)
from peerwheel.study.keys import response_locator
from peerwheel.study.models import InstrumentVersion, Participation, Response, SurveyWave
from peerwheel.study.pool import StoredAnswers, pool_flush, pool_put, wave_reshuffle

Actor = User | AnonymousUser | None
OUTCOMES = ("heavy_user", "agent_user")
_TRUE = {"1", "1.0", "yes", "y", "true", "t"}
_FALSE = {"0", "0.0", "no", "n", "false", "f"}


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) else None


# -- instrument -------------------------------------------------------------------------------
def instrument_ensure() -> InstrumentVersion:
    """The latest instrument version, seeding version 1 from the packaged default if none."""
    latest = InstrumentVersion.objects.order_by("-created", "-id").first()
    if latest is not None:
        return latest
    default = load_instrument()
    obj, _ = InstrumentVersion.objects.get_or_create(
        instrument_key=default.id,
        version=default.version,
        defaults={"definition": default.to_dict(), "note": "The default shipped with Peerwheel."},
    )
    return obj


def instrument_of(version: InstrumentVersion) -> Instrument:
    return Instrument.from_dict(version.definition)


@transaction.atomic
def instrument_edit(
    *,
    base: InstrumentVersion,
    wording: Mapping[str, str] | None = None,
    extra_items: Sequence[tuple[str, str, bool]] = (),
    note: str = "",
    actor: Actor = None,
) -> InstrumentVersion:
    """A new version: `base` with items reworded and items added (construct, text, reverse).

    Item keys are kept, so answers stay comparable across waves. Raises `InstrumentError`.
    """
    instrument = instrument_of(base)
    changed = False
    for key, text in (wording or {}).items():
        text = text.strip()
        if not text:
            raise InstrumentError(f"The new wording of {key} is empty.")
        if text != next((i.text for i in instrument.items if i.key == key), None):
            instrument = instrument.with_wording(key, text)
            changed = True
    for construct, text, reverse in extra_items:
        if not text.strip():
            raise InstrumentError(f"The new item of {construct} has no text.")
        try:
            instrument = instrument.with_extra_item(construct, text.strip(), reverse=reverse)
        except KeyError:
            raise InstrumentError(f"No construct {construct!r} in the instrument.") from None
        changed = True
    if not changed:
        raise InstrumentError("Nothing changed: edit a wording or add an item.")
    taken = set(
        InstrumentVersion.objects.filter(instrument_key=instrument.id).values_list(
            "version", flat=True
        )
    )
    number = len(taken) + 1
    while str(number) in taken:
        number += 1
    instrument = instrument.with_version(str(number))
    version = InstrumentVersion.objects.create(
        instrument_key=instrument.id,
        version=instrument.version,
        definition=instrument.to_dict(),
        note=note[:300],
        created_by=_user(actor),
    )
    audit_record(
        actor=actor,
        action="study.instrument_edit",
        target=str(version),
        base=base.version,
        reworded=sorted((wording or {}).keys()),
        added=len(extra_items),
    )
    return version


# -- waves ------------------------------------------------------------------------------------
def wave_create(
    *,
    name: str,
    actor: Actor = None,
    closes: datetime | None = None,
    instrument: InstrumentVersion | None = None,
    link_usage: bool = True,
) -> SurveyWave:
    """A draft in-app wave on the latest instrument version (or the one given).

    `link_usage`: the analysis takes heavy and agent use from usage data where a person has it
    (the default); off, it uses everyone's self-report (say, when usage data cover only some
    tools).
    """
    wave = SurveyWave.objects.create(
        name=name.strip() or "Survey wave",
        instrument=instrument or instrument_ensure(),
        closes=closes,
        link_usage=link_usage,
        created_by=_user(actor),
    )
    audit_record(actor=actor, action="study.wave_create", target=f"wave {wave.pk}", name=wave.name)
    return wave


@transaction.atomic
def wave_open(*, wave: SurveyWave, actor: Actor = None, now: datetime | None = None) -> None:
    """Open a draft in-app wave; only one wave is open at a time."""
    now = now or timezone.now()
    wave = SurveyWave.objects.select_for_update().get(pk=wave.pk)
    if wave.source != SurveyWave.Source.IN_APP or wave.status != SurveyWave.Status.DRAFT:
        raise StudyActionError("Only a draft in-app wave can be opened.")
    if wave.closes is not None and wave.closes <= now:
        raise StudyActionError("The closing date has passed: set a later one first.")
    other = SurveyWave.objects.filter(status=SurveyWave.Status.OPEN).exclude(pk=wave.pk).first()
    if other is not None:
        raise StudyActionError(f"{other.name} is still open: close it first.")
    wave.status = SurveyWave.Status.OPEN
    wave.opens = now
    wave.invited = people_current().count()
    wave.save(update_fields=["status", "opens", "invited"])
    audit_record(actor=actor, action="study.wave_open", target=f"wave {wave.pk}")


@transaction.atomic
def wave_close(*, wave: SurveyWave, actor: Actor = None, now: datetime | None = None) -> None:
    """Close an open wave: answers can no longer be changed. The pending pool is written and
    the whole wave rewritten in shuffled order (the last batch may be smaller than the minimum
    group; shuffled together with all the others, it is not told apart)."""
    now = now or timezone.now()
    wave = SurveyWave.objects.select_for_update().get(pk=wave.pk)
    if wave.status != SurveyWave.Status.OPEN:
        raise StudyActionError("Only an open wave can be closed.")
    wave.status = SurveyWave.Status.CLOSED
    if wave.closes is None or wave.closes > now:
        wave.closes = now
    wave.save(update_fields=["status", "closes"])
    pool_flush(wave=wave, force=True)
    wave_reshuffle(wave=wave)
    audit_record(actor=actor, action="study.wave_close", target=f"wave {wave.pk}")


def wave_accepts_answers(wave: SurveyWave, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return wave.status == SurveyWave.Status.OPEN and (wave.closes is None or now < wave.closes)


# -- in-app responses -------------------------------------------------------------------------
def _check_answers(
    instrument: Instrument, answers: Mapping[str, int | None], frequency: int | None
) -> dict[str, int]:
    problems: dict[str, str] = {}
    low, high = instrument.scale.min, instrument.scale.max
    known = {i.key for i in instrument.items}
    for key in sorted(set(answers) - known):
        problems[key] = "not an item of this survey"
    clean: dict[str, int] = {}
    for key in sorted(known):
        value = answers.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems[key] = f"answer with a whole number from {low} to {high}"
        else:
            clean[key] = value
    choices = {ch.value for q in instrument.questions if q.key == "frequency" for ch in q.choices}
    if frequency is not None and choices and frequency not in choices:
        problems["frequency"] = "pick one of the answers offered"
    if problems:
        raise AnswerError(problems)
    return clean


@transaction.atomic
def response_submit(
    *,
    person: Person,
    wave: SurveyWave,
    answers: Mapping[str, int | None],
    training: bool | None,
    frequency: int | None,
    agent_user: bool | None,
    heavy_user: bool | None = None,
    now: datetime | None = None,
) -> StoredAnswers:
    """Give or replace the person's answers to an open wave (one set per person per wave).

    The answers go, sealed, into the wave's pending pool and reach `Response` in a shuffled
    batch (see `pool.py`). They are bound to the login linked to the person now: once another
    login is linked to the person, they can neither be shown nor changed
    (`AnswersBoundElsewhereError`). Self-reported heavy use defaults to the instrument's rule
    without usage data: AI use every working day (the top frequency answer).
    """
    wave = SurveyWave.objects.select_for_update().get(pk=wave.pk)
    if not wave_accepts_answers(wave, now=now):
        raise SurveyClosedError(f"{wave.name} is closed: answers can no longer be changed.")
    instrument = instrument_of(wave.instrument)
    clean = _check_answers(instrument, answers, frequency)
    if heavy_user is None and frequency is not None:
        top = max(
            (ch.value for q in instrument.questions if q.key == "frequency" for ch in q.choices),
            default=None,
        )
        heavy_user = frequency == top
    user_id = Person.objects.select_for_update().values_list("user_id", flat=True).get(pk=person.pk)
    participation, _ = Participation.objects.get_or_create(
        person_id=person.pk, wave=wave, defaults={"answered_as": user_id}
    )
    if participation.answered_as != user_id:
        raise AnswersBoundElsewhereError(BOUND_ELSEWHERE)
    locator = response_locator(person_id=person.pk, wave_id=wave.pk, user_id=user_id)
    values = {
        "answers": clean,
        "training": training,
        "frequency": frequency,
        "heavy_user": heavy_user,
        "agent_user": agent_user,
    }
    return pool_put(wave=wave, locator=locator, values=values)


# -- survey files -----------------------------------------------------------------------------
def survey_import(
    source: str | Path | IO[bytes],
    *,
    file_name: str | None = None,
    wave_name: str | None = None,
    actor: Actor = None,
    min_n: int = 30,
    dry_run: bool = False,
    on_progress: ProgressCallback | None = None,
    record: Import | None = None,
) -> ImportReport:
    """Read (through the engine's tabular reader), validate and write a survey file into a new
    closed wave, in one transaction; the wave's id is `report.data["wave"]`.

    Validation is the engine's (`validate_responses`): any problem writes no response and
    raises `ImportFailed` with every problem, one per bad line (file, line, column). The run is
    recorded as an `Import` either way.
    """
    data = Path(source).read_bytes() if isinstance(source, str | Path) else source.read()
    name = file_name or (Path(source).name if isinstance(source, str | Path) else "upload.csv")
    run = ImportRun(
        kind="survey",
        file_name=name,
        source=data,
        actor=actor,
        dry_run=dry_run,
        on_progress=on_progress,
        record=record,
    )
    report = run.report
    with run.refusing():
        run.check_size(len(data))
        instrument_version = instrument_ensure()
        instrument = instrument_of(instrument_version)
        frame = _responses_frame(data, name)
        report.rows_read = report.records = len(frame)
        try:
            validated = validate_responses(
                frame,
                instrument,
                outcomes=OUTCOMES,
                min_n=min_n,
                min_group=settings.PEERWHEEL_MIN_GROUP,
            )
        except SurveyDataError as exc:
            run.fail(_problems(exc.problems, name))
        report.warnings.extend(validated.warnings)
        rows = _rows_from_frame(frame, instrument)
        run.progress(0, len(rows), "writing")
        with transaction.atomic():
            wave = SurveyWave.objects.create(
                name=wave_name or f"Imported: {name}"[:200],
                instrument=instrument_version,
                status=SurveyWave.Status.CLOSED,
                source=SurveyWave.Source.IMPORT,
                created_by=_user(actor),
                import_record=run.record,
            )
            Response.objects.bulk_create(
                [Response(wave=wave, **row) for row in rows], batch_size=1000
            )
            report.created = len(rows)
            report.data["wave"] = None if dry_run else wave.pk
            report.notes.append(
                f"survey wave {wave.pk}: {wave.name}"
                if not dry_run
                else "survey wave: none (dry run)"
            )
            if dry_run:
                transaction.set_rollback(True)
        run.progress(len(rows), len(rows), "writing")
    return run.finish()


def _responses_frame(data: bytes, name: str) -> pd.DataFrame:
    """The file's cells as text (blank → missing), indexed by file line (header = 1), read
    through the engine's tabular reader like every other import."""
    headers, rows = read_table(io.BytesIO(data), file_name=name)
    return pd.DataFrame(
        [[row.values.get(h) or None for h in headers] for row in rows],
        columns=list(headers),
        index=pd.Index([row.line for row in rows], name="line"),
        dtype=object,
    )


def _problems(problems: Sequence[SurveyProblem], name: str) -> list[TabularError]:
    """Each engine problem as one error per line it names (at most `MAX_PROBLEMS`)."""
    errors: list[TabularError] = []
    for problem in problems:
        message = describe_problem(problem)
        lines = [int(r) if str(r).isdigit() else None for r in problem.rows] or [None]
        for line in lines:
            errors.append(TabularError(message, file=name, line=line, column=problem.column))
    return errors[:MAX_PROBLEMS]


def _flag(value: object) -> bool | None:
    text = str(value).strip().lower() if value is not None and not pd.isna(value) else ""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def _number(value: object) -> int | None:
    if value is None or pd.isna(value) or not str(value).strip():
        return None
    return int(float(str(value)))


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value).strip()[:200]


def _rows_from_frame(frame: pd.DataFrame, instrument: Instrument) -> list[dict[str, Any]]:
    """Validated file rows as Response fields (blank answers are left out)."""
    df = frame.copy()
    df.columns = [str(c).strip().lower() for c in df.columns]
    items = [i.key for i in instrument.items if i.key in df.columns]
    rows = []
    for line, row in df.iterrows():
        answers = {k: n for k in items if (n := _number(row[k])) is not None}
        rows.append(
            {
                "answers": answers,
                "training": _flag(row.get("training")),
                "frequency": _number(row.get("frequency")),
                "heavy_user": _flag(row.get("heavy_user")),
                "agent_user": _flag(row.get("agent_user")),
                "team": _text(row.get("team")),
                "department": _text(row.get("department")),
                "level": _text(row.get("level")),
                "line": int(str(line)),
            }
        )
    return rows
