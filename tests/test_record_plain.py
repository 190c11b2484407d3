"""`read_plain` (reading stored data without pydantic) against pydantic itself.

The promise: whatever `read_plain` accepts, pydantic accepts too and makes the very same record
(same values, same types, same key order); whatever pydantic refuses, `read_plain` leaves to it.
Checked on every shipped and fixture file, on every single alteration of a task that fills every
field (each value replaced by each of ~60 awkward values, each key dropped, an unknown key added),
and on random combinations of alterations.
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctr199.models import (
    AgenciesFile,
    GroupsFile,
    IndicatorsFile,
    LogEntry,
    MilestoneDone,
    ProgrammeFile,
    Status,
    Task,
    UnreadDate,
)
from ctr199.record import Record, read_plain
from ctr199.store import load_fast

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"

# A task with every field filled, as the edit commands and `collect` write them.
FULL_TASK: dict[str, Any] = {
    "id": 12,
    "group": 3,
    "subgroup": "b",
    "title": "Xây dựng Đề án phát triển đô thị",
    "output": "Đề án",
    "deadline": "Quý II/2026; Quý IV/2026",
    "milestones": [
        {"label": "Quý II/2026", "due": date(2026, 6, 30), "ongoing": False},
        {"label": "Thường xuyên", "due": None, "ongoing": True},
    ],
    "lead": ["Sở Xây dựng"],
    "partners": ["Sở Tài chính", "UBND các xã, phường"],
    "authority": "UBND thành phố",
    "status": "in_progress",
    "completed_on": None,
    "completed_milestones": [
        {"milestone": 1, "label": "Quý II/2026", "due": date(2026, 6, 30), "date": date(2026, 6, 20), "ref": "CV 12"}
    ],
    "log": [
        {"date": date(2026, 3, 2), "status": "in_progress", "note": "Đã giao", "ref": "", "source": ""},
        {"date": "2026-06-20", "status": "in_progress", "milestone": 1, "note": "Xong mốc 1", "ref": "CV 12"},
    ],
    "extensions": [
        {"milestone": 2, "to": "Quý I/2027", "date": date(2026, 9, 1), "ref": "QĐ 5", "note": "Theo đề nghị"}
    ],
    "requests": [{"milestone": 2, "requested_to": "31/03/2027", "reason": "Chờ ý kiến", "received_on": "15/08/2026"}],
}

# Values staff, spreadsheets and YAML produce where another kind was meant.
AWKWARD: list[Any] = [
    None, True, False, 0, 1, -1, 2, 10**20, 1.0, 1.5, float("nan"), Decimal("1"),
    "", " ", "x", "12", "1.0", "true", "Hoàn thành", "hoàn thành", "done", "xong", "DONE", "not_started", "in_progress",
    "2026-03-15", "15/03/2026", "2026-02-30", "31/04/2026", "1999-01-01", "2026-03-15T10:00", "2026-3-5",
    "e\u0301", "Sở Xây dựng", "So Xay dung", "a\ud800", "x\x00", "tab\there", "line\nbreak", "\u200b", b"bytes",
    date(2026, 3, 15), date(1999, 1, 1), date(2101, 1, 1), datetime(2026, 3, 15, 10, 0),
    UnreadDate("2026-02-30"), Status.DONE, Status.IN_PROGRESS,
    [], [1], ["a"], ["Sở Xây dựng", ""], [None], ("a",), {"a"}, {}, {"label": "x"},
    {"date": date(2026, 3, 1), "status": "done"}, {"milestone": 1, "date": date(2026, 3, 1)},
    LogEntry(date=date(2026, 3, 1), status=Status.DONE),
    MilestoneDone(milestone=1, date=date(2026, 3, 1)),
]  # fmt: skip


def _strict(value: Any) -> Any:
    """`value` as a tree that compares types as well as values (1 is not True, "a" not Status)."""
    if isinstance(value, Record):
        return (type(value).__name__, [(name, _strict(item)) for name, item in value.__dict__.items()])
    if isinstance(value, list | tuple):
        return (type(value).__name__, [_strict(item) for item in value])
    if isinstance(value, dict):
        return ("dict", [(key, _strict(item)) for key, item in value.items()])
    return (type(value).__name__, repr(value))


def _by_pydantic(model: type[Record], data: Any) -> Any:
    try:
        return ("made", _strict(model.validate_with_pydantic(copy.deepcopy(data))))
    except Exception as exc:  # ValidationError, or what a field's own function raised
        return ("refused", type(exc).__name__)


def _agrees(model: type[Record], data: Any) -> bool:
    """Assert the promise for `data`; True when `read_plain` read it (so that a test counts them)."""
    before = copy.deepcopy(data)
    plain = read_plain(model, data)
    assert _strict(data) == _strict(before), "read_plain changed its input"
    if plain is None:
        return False
    assert _by_pydantic(model, data) == ("made", _strict(plain)), data
    return True


def _documents(pattern: str) -> list[Path]:
    return (
        sorted(REPO.glob(pattern))
        + sorted(FIXTURES.glob(f"valid/*/{pattern}"))
        + sorted(FIXTURES.glob(f"progress-demo/{pattern}"))
    )


@pytest.mark.parametrize("path", _documents("data/tasks/*.yaml") + _documents("tasks/*.yaml"), ids=str)
def test_every_stored_task_is_read_plainly_to_pydantics_record(path: Path) -> None:
    assert _agrees(Task, load_fast(path))


def test_the_groups_file_is_read_plainly_to_pydantics_record() -> None:
    assert _agrees(GroupsFile, load_fast(REPO / "data" / "groups.yaml"))


@pytest.mark.parametrize(
    ("model", "name"),
    [(ProgrammeFile, "programme.yaml"), (AgenciesFile, "agencies.yaml"), (IndicatorsFile, "indicators.yaml")],
)
def test_records_with_patterns_or_decimals_are_left_to_pydantic(model: type[Record], name: str) -> None:
    """A pattern's `$` and a decimal's conversions are pydantic's own: such files are always checked by it."""
    data = load_fast(REPO / "data" / name)
    assert read_plain(model, data) is None
    model.validate_with_pydantic(data)  # and valid all the same


def test_the_full_task_is_read_plainly() -> None:
    assert _agrees(Task, FULL_TASK)
    made = Task.model_validate(FULL_TASK)
    assert made.log[1].date == date(2026, 6, 20) and made.status is Status.IN_PROGRESS
    assert made.requests[0].received_on == date(2026, 8, 15)


def _places(tree: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every value's place in `tree` (keys of mappings, indexes of lists)."""
    found = [path] if path else []
    if isinstance(tree, dict):
        for key, value in tree.items():
            found += _places(value, (*path, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            found += _places(value, (*path, index))
    return found


def _at(tree: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        tree = tree[step]
    return tree


def _set(tree: Any, path: tuple[Any, ...], value: Any) -> Any:
    tree = copy.deepcopy(tree)
    _at(tree, path[:-1])[path[-1]] = value
    return tree


def _drop(tree: Any, path: tuple[Any, ...]) -> Any:
    tree = copy.deepcopy(tree)
    del _at(tree, path[:-1])[path[-1]]
    return tree


def _mappings(tree: Any) -> list[tuple[Any, ...]]:
    """The place of every mapping in `tree`, the tree itself first."""
    return [path for path in [(), *_places(tree)] if isinstance(_at(tree, path), dict)]


def test_every_single_alteration_of_a_full_task_agrees_with_pydantic() -> None:
    read = refused = 0
    for place in _places(FULL_TASK):
        for value in AWKWARD:
            if _agrees(Task, _set(FULL_TASK, place, value)):
                read += 1
            else:
                refused += 1
        if _agrees(Task, _drop(FULL_TASK, place)):
            read += 1
    for place in _mappings(FULL_TASK):
        for key in ("unknown", "Title", "ghi_chu", 1):
            tree = copy.deepcopy(FULL_TASK)
            _at(tree, place)[key] = "x"
            assert not _agrees(Task, tree)  # an unknown key is pydantic's to refuse
    # Both sides are exercised: many alterations are still plain data, many are pydantic's to judge.
    assert read > 500 and refused > 2000, (read, refused)


def test_records_inside_the_data_are_read_as_their_fields() -> None:
    entry = LogEntry(date=date(2026, 3, 1), status=Status.DONE, note="Xong")
    data = {**FULL_TASK, "log": [entry, {"date": date(2026, 4, 1), "status": "done"}]}
    assert _agrees(Task, data)
    assert _agrees(LogEntry, entry)
    assert not _agrees(Task, {**FULL_TASK, "log": (entry,)})  # a tuple: pydantic converts it


def _altered(draw: st.DrawFn) -> Any:
    tree = copy.deepcopy(FULL_TASK)
    for _ in range(draw(st.integers(1, 4))):
        places = _places(tree)
        if not places:
            break
        place = draw(st.sampled_from(places))
        replace = draw(st.booleans())
        tree = _set(tree, place, draw(st.sampled_from(AWKWARD))) if replace else _drop(tree, place)
    return tree


@settings(max_examples=600, deadline=None, derandomize=True)
@given(st.composite(_altered)())
def test_combined_alterations_agree_with_pydantic(tree: Any) -> None:
    _agrees(Task, tree)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.fixed_dictionaries(
        {"date": st.one_of(st.dates(), st.text(max_size=12)), "status": st.sampled_from(["done", "xong", "x", 1])},
        optional={
            "milestone": st.one_of(st.integers(-2, 3), st.booleans(), st.none()),
            "note": st.text(max_size=8),
            "ref": st.one_of(st.text(max_size=4), st.integers()),
        },
    )
)
def test_generated_log_entries_agree_with_pydantic(entry: dict[str, Any]) -> None:
    _agrees(LogEntry, entry)
