"""Records (`ctr199.record`): pydantic-free data classes that check, dump and compare as the pydantic
models they replace did."""

from __future__ import annotations

import copy
import pickle
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from ctr199.cache import encode, rebuild
from ctr199.models import Actual, AgenciesFile, GroupsFile, IndicatorsFile, LogEntry, ProgrammeFile, Status, Task
from ctr199.record import pydantic_model
from ctr199.report import Finding, Report
from ctr199.store import DataDir, load_fast

DATA = DataDir(Path(__file__).resolve().parent.parent / "data")


def _shipped() -> list[tuple[type, object]]:
    files = [(Task, load_fast(path)) for path in DATA.task_files()]
    files += [
        (GroupsFile, load_fast(DATA.groups)),
        (AgenciesFile, load_fast(DATA.agencies)),
        (IndicatorsFile, load_fast(DATA.indicators)),
        (ProgrammeFile, load_fast(DATA.programme)),
    ]
    return files


def test_every_shipped_file_dumps_as_pydantic_dumps_it() -> None:
    checked = 0
    for record, data in _shipped():
        made = record.model_validate(data)
        model = pydantic_model(record).model_validate(data)
        assert isinstance(model, BaseModel)
        assert made.model_dump(mode="json") == model.model_dump(mode="json")
        assert made.model_dump() == model.model_dump()
        # What the cache keeps gives the same record back, without pydantic.
        assert rebuild(record, encode(made)) == made
        checked += 1
    assert checked == 79


def test_a_record_made_by_code_is_checked_and_normalised() -> None:
    task = Task(id=1, group=1, title="Nhie\u0323\u0302m vu\u0323", log=[LogEntry(date="01/03/2026", status="xong")])
    assert task.title == "Nhiệm vụ"  # NFC, as read from a file
    assert task.log[0] == LogEntry(date=date(2026, 3, 1), status=Status.DONE)
    with pytest.raises(ValidationError) as caught:
        Task(id=0, group=1, title="  ")
    assert {tuple(error["loc"]) for error in caught.value.errors()} == {("id",), ("title",)}
    with pytest.raises(ValidationError, match="extra_forbidden"):
        Task.model_validate({"id": 1, "group": 1, "title": "x", "owner": "y"})


def test_records_are_frozen_compared_by_value_and_copied_with_changes() -> None:
    entry = LogEntry(date=date(2026, 3, 1), status=Status.DONE, note="a")
    with pytest.raises(AttributeError):
        entry.note = "b"  # type: ignore[misc]
    changed = entry.model_copy(update={"note": "b"})
    assert (entry.note, changed.note) == ("a", "b")
    assert changed != entry and changed == LogEntry(date=date(2026, 3, 1), status=Status.DONE, note="b")
    assert hash(entry) == hash(LogEntry(date=date(2026, 3, 1), status=Status.DONE, note="a"))
    with pytest.raises(TypeError, match="unknown"):
        entry.model_copy(update={"nothing": 1})
    assert pickle.loads(pickle.dumps(entry)) == entry
    assert copy.deepcopy(entry) == entry


def test_fresh_defaults_are_not_shared() -> None:
    first, second = Task(id=1, group=1, title="a"), Task(id=2, group=1, title="b")
    assert first.log == [] and first.log is not second.log


def test_json_dump_uses_pydantics_forms() -> None:
    actual = Actual(period="2026-Q1", value=Decimal("2.50"), recorded_on=date(2026, 4, 2))
    assert actual.model_dump(mode="json") == {
        "period": "2026-Q1",
        "value": "2.50",
        "estimate": False,
        "source": "",
        "recorded_on": "2026-04-02",
    }
    assert actual.model_dump()["value"] == Decimal("2.50")


def test_a_report_may_change_a_finding_may_not() -> None:
    report = Report()
    report.tasks = 3
    report.add(Finding(path="a.yaml", code="schema", message="m"))
    assert report.tasks == 3 and len(report.findings) == 1
    with pytest.raises(AttributeError):
        report.owner = 1  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        hash(report)
    with pytest.raises(AttributeError):
        report.findings[0].line = 2  # type: ignore[misc]


def test_json_schema_is_the_pydantic_models() -> None:
    schema = Task.model_json_schema()
    assert schema["title"] == "Task" and schema["additionalProperties"] is False
    assert schema["properties"]["id"]["minimum"] == 1
    assert set(schema["$defs"]) == {
        "Extension",
        "ExtensionRequest",
        "LogEntry",
        "MilestoneDone",
        "MilestoneOverride",
        "Status",
    }
