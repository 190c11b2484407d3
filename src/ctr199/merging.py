"""Three-way merge of the data files, for git's merge driver (`ctr199 merge-driver`).

Git hands the driver three versions of one file — the common ancestor (base), ours and theirs —
and keeps whatever the driver leaves in "ours" (exit 0: merged; non-zero: conflicts remain).

A task file is merged field by field: the progress log keeps every entry of both sides once, in
date order (ours first on the same day); milestone completions are merged milestone by milestone;
status and completion date follow the merged log as `update` would have set them; any other field
changed on one side only takes that side's value. In `indicators.yaml` the reported figures are
merged per target and period. What both sides changed differently is a real conflict: the file is
left with git's ordinary conflict markers and the caller gets a one-line message naming the field.

The result is written in the canonical layout (`fmt`) and must pass every rule of `validate` that
the file alone can be judged by; otherwise the conflict is left instead. Comments are kept when one
side alone changed them; comments changed differently on both sides are a conflict.
"""

from __future__ import annotations

import contextlib
import difflib
import shlex
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Generic, TypeVar

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ctr199.checks import FAILED, FileChecker, check_indicators_file, check_task
from ctr199.fmt import FormatError, _comments, format_text, model_for
from ctr199.models import (
    TASK_KEY_ORDER,
    Actual,
    GroupsFile,
    Indicator,
    IndicatorsFile,
    LogEntry,
    MilestoneDone,
    Status,
    Target,
    Task,
)
from ctr199.programme import Programme, milestones_of
from ctr199.record import Record
from ctr199.report import Finding, Report
from ctr199.store import (
    AGENCIES_FILE,
    GROUPS_FILE,
    INDICATORS_FILE,
    TASKS_DIR,
    YamlError,
    atomic_write,
    dump_canonical,
    load_fast,
    load_roundtrip,
    read_text,
)

DRIVER_NAME = "ctr199"
DRIVER_TITLE = "ctr199: gộp tệp nhiệm vụ và chỉ tiêu theo từng trường"
MARKER_SIZE = 7
OURS, THEIRS, BASE = "ours", "theirs", "base"
_SIDE_NAMES = {OURS: "nhánh hiện tại (ours)", THEIRS: "nhánh được gộp vào (theirs)", BASE: "bản gốc chung (base)"}
_TRACKING = ("status", "completed_on", "completed_milestones", "log")
# Lists of dated records that two people add to independently: merged entry by entry, as the log is.
_DATED_LISTS = {"extensions": "date", "requests": "received_on"}
# Findings that depend on other files of the working tree (which may be mid-merge): only new ones block.
_CONTEXT_CODES = frozenset({"unknown-group", "unknown-agency"})

M = TypeVar("M", bound=Record)


@dataclass(frozen=True)
class MergeResult:
    """What to leave in git's "ours" file, and whether that is a clean merge."""

    text: bytes
    clean: bool
    message: str = ""  # one line, Vietnamese: what conflicts (empty when clean)


class _Conflict(Exception):
    """A change the driver cannot merge on its own; the message names the field."""


# ---------------------------------------------------------------- entry points


def merge_paths(
    base: Path,
    ours: Path,
    theirs: Path,
    name: str,
    *,
    marker_size: int = MARKER_SIZE,
    as_of: date | None = None,
    programme: Programme | None = None,
) -> MergeResult:
    """Merge the three files git gives the driver; `name` is the file's path in the repository (%P)."""
    raw = (base.read_bytes(), ours.read_bytes(), theirs.read_bytes())
    texts: list[str] = []
    for label, path in zip((BASE, OURS, THEIRS), (base, ours, theirs), strict=True):
        try:
            texts.append(read_text(path))
        except YamlError as exc:
            message = f"{_SIDE_NAMES[label]} không đọc được: {exc.message}"
            return MergeResult(_conflict_text(*raw, marker_size), False, message)
    base_text, ours_text, theirs_text = texts
    return merge_texts(
        base_text, ours_text, theirs_text, name, marker_size=marker_size, as_of=as_of, programme=programme, raw=raw
    )


def merge_texts(
    base: str,
    ours: str,
    theirs: str,
    name: str,
    *,
    marker_size: int = MARKER_SIZE,
    as_of: date | None = None,
    programme: Programme | None = None,
    raw: tuple[bytes, bytes, bytes] | None = None,
) -> MergeResult:
    """Merge three versions of the data file `name` (a path such as data/tasks/007.yaml).

    `as_of`, when given, also refuses a result with dates after it; `programme` (groups and
    agencies) adds the rules that depend on other files. Files that are neither task files nor
    `indicators.yaml` are merged line by line, as git would.
    """
    path = Path(name)
    blobs = raw if raw is not None else (base.encode("utf-8"), ours.encode("utf-8"), theirs.encode("utf-8"))
    model = model_for(path)
    try:
        if model is Task:
            merged = _merge_task(base, ours, theirs, path, as_of=as_of, programme=programme)
        elif model is IndicatorsFile:
            merged = _merge_indicators(base, ours, theirs, path, as_of=as_of)
        else:
            return _line_merge(*blobs, marker_size)
    except _Conflict as conflict:
        return MergeResult(_conflict_text(*blobs, marker_size), False, str(conflict))
    except Exception as exc:  # a bug must leave a conflict to resolve by hand, never a half-merged file
        message = f"không gộp tự động được ({type(exc).__name__}: {exc})"
        return MergeResult(_conflict_text(*blobs, marker_size), False, message)
    return MergeResult(merged.encode("utf-8"), True)


def write_result(path: Path, result: MergeResult) -> None:
    """Leave the result in git's "ours" file (%A), atomically."""
    atomic_write(path, result.text)


def context_of(name: str) -> Programme:
    """Groups and agencies of the data directory the file `name` sits in (empty where unreadable)."""
    path = Path(name)
    root = path.parent.parent if path.parent.name == TASKS_DIR else path.parent
    programme = Programme(root=root)
    with contextlib.suppress(YamlError, ValueError, OSError):
        if (root / GROUPS_FILE).is_file():
            programme.groups = GroupsFile.model_validate(load_fast(root / GROUPS_FILE)).groups
    with contextlib.suppress(YamlError, ValueError, OSError):
        if (root / AGENCIES_FILE).is_file():
            from ctr199.agencies import load_registry

            programme.registry = load_registry(root / AGENCIES_FILE)
    return programme


# ---------------------------------------------------------------- the three versions


@dataclass
class _Side(Generic[M]):
    label: str
    text: str  # canonical layout
    model: M
    tree: CommentedMap


def _read_side(label: str, text: str, path: Path, model: type[M]) -> _Side[M]:
    """One version, put in canonical layout and checked against its schema; a conflict if it cannot be."""
    who = _SIDE_NAMES[label]
    try:
        canonical = format_text(text, path, key_order=Task if model is Task else None)
    except YamlError as exc:
        raise _Conflict(f"{who} không đọc được (dòng {exc.line}, cột {exc.col}: {exc.message})") from None
    except FormatError as exc:
        raise _Conflict(f"{who}: {exc}") from None
    report = Report()
    checker = FileChecker(path, report, canonical)
    document = checker.load()
    value = None if document is FAILED else checker.validate(model, document, "dữ liệu")
    if value is None:
        first = report.errors[0]
        raise _Conflict(f"{who} sai cấu trúc (dòng {first.line}, cột {first.col}: {first.message})")
    tree = load_roundtrip(path, canonical)
    return _Side(label, canonical, value, tree)


def _read_sides(
    base: str, ours: str, theirs: str, path: Path, model: type[M]
) -> tuple[_Side[M] | None, _Side[M], _Side[M]]:
    # An empty ancestor: both branches added the file (git gives an empty %O).
    base_side = _read_side(BASE, base, path, model) if base.strip() else None
    return base_side, _read_side(OURS, ours, path, model), _read_side(THEIRS, theirs, path, model)


def _basis(base: _Side[Any] | None, ours: _Side[Any], theirs: _Side[Any]) -> _Side[Any]:
    """The version whose tree carries the result: ours, unless only theirs changed the comments."""
    mine, other = _comments(ours.text), _comments(theirs.text)
    if mine == other:
        return ours
    if base is not None:
        common = _comments(base.text)
        if mine == common:
            return theirs
        if other == common:
            return ours
    raise _Conflict("chú thích (#) bị sửa khác nhau ở hai nhánh; gộp tay phần chú thích")


_MISSING: Any = object()  # "no ancestor": a field both sides set must then agree


def _three_way(base: Any, ours: Any, theirs: Any) -> str | None:
    """Which side's value the merge takes (OURS when both agree), or None when both changed it differently."""
    if ours == theirs:
        return OURS
    if base is not _MISSING and ours == base:
        return THEIRS
    if base is not _MISSING and theirs == base:
        return OURS
    return None


@dataclass
class _Item(Generic[M]):
    """One list element of the result: its value, the YAML node that writes it, and where that node came from."""

    model: M
    node: Any
    seq: CommentedSeq | None = None
    index: int = -1


def _items_of(seq: Any, models: Sequence[M]) -> list[_Item[M]]:
    """The elements of a list field, each with its node (`seq`: the list's node in the YAML tree)."""
    if not isinstance(seq, CommentedSeq):
        return []
    return [_Item(model, seq[index], seq, index) for index, model in enumerate(models)]


def _fill(seq: CommentedSeq, items: Sequence[_Item[Any]]) -> None:
    """Make `seq` hold `items`, carrying each node's comments from the list it came from."""
    comments = {}
    for position, item in enumerate(items):
        if item.seq is not None and item.index in item.seq.ca.items:
            comments[position] = item.seq.ca.items[item.index]
    nodes = [item.node for item in items]
    del seq[:]
    seq.ca.items.clear()
    seq.extend(nodes)
    seq.ca.items.update(comments)
    if nodes:
        seq.fa.set_block_style()


def _short(value: Any) -> str:
    """A value as the conflict message quotes it: short, on one line, dates as dd/mm/yyyy."""
    if value is None or value == "" or value == []:
        return "(trống)"
    if isinstance(value, list):
        text = "; ".join(str(item) for item in value)
    elif isinstance(value, date):
        text = f"{value:%d/%m/%Y}"
    else:
        text = str(value.value if isinstance(value, Status) else value)
    text = " ".join(text.split())
    return f'"{text[:40]}…"' if len(text) > 40 else f'"{text}"'


def _field_conflict(name: str, ours: Any, theirs: Any) -> _Conflict:
    return _Conflict(f'trường "{name}" bị sửa khác nhau ở hai nhánh (ours: {_short(ours)}, theirs: {_short(theirs)})')


# ---------------------------------------------------------------- task files


def _merge_task(
    base_text: str, ours_text: str, theirs_text: str, path: Path, *, as_of: date | None, programme: Programme | None
) -> str:
    base, ours, theirs = _read_sides(base_text, ours_text, theirs_text, path, Task)
    basis = _basis(base, ours, theirs)
    sides = {OURS: ours, THEIRS: theirs}
    values: dict[str, Any] = {}
    for key in TASK_KEY_ORDER:
        if key in _TRACKING or key in _DATED_LISTS:
            continue
        old = getattr(base.model, key) if base is not None else _MISSING
        mine, other = getattr(ours.model, key), getattr(theirs.model, key)
        choice = _three_way(old, mine, other)
        if choice is None:
            raise _field_conflict(key, mine, other)
        values[key] = getattr(sides[choice].model, key)
        if values[key] != getattr(basis.model, key):
            source = sides[choice].tree
            if key in source:
                basis.tree[key] = source[key]
            else:
                del basis.tree[key]

    for key, day in _DATED_LISTS.items():  # extensions approved, requests received: both sides' entries, once
        records = _merge_dated(key, day, base, ours, theirs)
        values[key] = [item.model for item in records]
        if values[key] != getattr(basis.model, key):
            _fill(_list_node(basis.tree, key), records)
    completions = _merge_completions(base, ours, theirs)
    log = _merge_log(base, ours, theirs)
    provisional = Task.model_validate({**values, "log": [item.model for item in log]})
    count = len(milestones_of(provisional, programme.year if programme is not None else None))
    status, completed_on = _merge_status(base, ours, theirs, log, completions, count)

    _fill(_list_node(basis.tree, "completed_milestones"), completions)
    _fill(_list_node(basis.tree, "log"), log)
    if status is not basis.model.status:
        basis.tree["status"] = status.value
    if completed_on != basis.model.completed_on:
        basis.tree["completed_on"] = completed_on
    expected = Task.model_validate(
        {
            **values,
            "status": status,
            "completed_on": completed_on,
            "completed_milestones": [item.model for item in completions],
            "log": [item.model for item in log],
        }
    )
    text = _canonical(basis, path, Task)
    _check_task_result(text, path, expected, (ours, theirs), as_of=as_of, programme=programme)
    return text


def _list_node(tree: CommentedMap, key: str) -> CommentedSeq:
    current = tree.get(key)
    if not isinstance(current, CommentedSeq):
        current = CommentedSeq()
        tree[key] = current
    return current


def _merge_completions(base: _Side[Task] | None, ours: _Side[Task], theirs: _Side[Task]) -> list[_Item[MilestoneDone]]:
    """Milestone completions, milestone by milestone (a completion on one side is kept; different ones conflict)."""

    def by_number(side: _Side[Task] | None) -> dict[int, _Item[MilestoneDone]]:
        if side is None:
            return {}
        items = _items_of(side.tree.get("completed_milestones"), side.model.completed_milestones)
        return {item.model.milestone: item for item in items}

    old, mine, other = by_number(base), by_number(ours), by_number(theirs)
    merged: list[_Item[MilestoneDone]] = []
    for number in sorted({*mine, *other, *old}):
        in_base = old[number].model if number in old else None
        in_ours = mine[number].model if number in mine else None
        in_theirs = other[number].model if number in other else None
        choice = _three_way(in_base, in_ours, in_theirs)
        if choice is None:
            raise _Conflict(
                f'trường "completed_milestones": mốc {number} ghi hoàn thành khác nhau ở hai nhánh '
                f"(ours: {_done_text(in_ours)}; theirs: {_done_text(in_theirs)})"
            )
        chosen = (mine if choice == OURS else other).get(number)
        if chosen is not None:
            merged.append(chosen)
    return merged


def _done_text(record: MilestoneDone | None) -> str:
    if record is None:
        return "chưa hoàn thành"
    return f"ngày {record.date:%d/%m/%Y}" + (f", {record.ref}" if record.ref else "")


def _merge_log(base: _Side[Task] | None, ours: _Side[Task], theirs: _Side[Task]) -> list[_Item[LogEntry]]:
    """Every log entry of both sides once, in date order (ours first on the same day)."""
    return _merge_dated("log", "date", base, ours, theirs)


def _merge_dated(
    key: str, day: str, base: _Side[Task] | None, ours: _Side[Task], theirs: _Side[Task]
) -> list[_Item[Any]]:
    """Every entry of the list `key` of both sides once, in order of their `day` field (ours first on the same day).

    An entry one side removed (say, to correct it) stays removed; an entry both sides rewrote
    differently is a conflict.
    """
    old: Counter[Any] = Counter(getattr(base.model, key)) if base is not None else Counter()
    mine: Counter[Any] = Counter(getattr(ours.model, key))
    other: Counter[Any] = Counter(getattr(theirs.model, key))
    keep: dict[Any, int] = {}
    for entry in {*old, *mine, *other}:
        was, left, right = old[entry], mine[entry], other[entry]
        if left >= was and right >= was:
            keep[entry] = max(left, right)  # added on one side, or the same entry on both: once
        elif left <= was and right <= was:
            keep[entry] = min(left, right)
        else:
            keep[entry] = max(0, left + right - was)
    for entry, was in old.items():
        if mine[entry] < was and other[entry] < was:  # removed on both sides: rewritten the same way?
            when = getattr(entry, day)
            added_mine = {e for e in mine if getattr(e, day) == when and mine[e] > old[e] and other[e] < mine[e]}
            added_other = {e for e in other if getattr(e, day) == when and other[e] > old[e] and mine[e] < other[e]}
            if added_mine and added_other:
                what = "mục nhật ký" if key == "log" else "mục"
                raise _Conflict(f'trường "{key}": {what} ngày {when:%d/%m/%Y} bị sửa khác nhau ở hai nhánh')
    used: Counter[Any] = Counter()
    merged: list[_Item[Any]] = []
    for side in (ours, theirs):
        for item in _items_of(side.tree.get(key), getattr(side.model, key)):
            if used[item.model] < keep[item.model]:
                used[item.model] += 1
                merged.append(item)
    merged.sort(key=lambda item: getattr(item.model, day))  # stable: ours before theirs on the same day
    return merged


def _merge_status(
    base: _Side[Task] | None,
    ours: _Side[Task],
    theirs: _Side[Task],
    log: list[_Item[LogEntry]],
    completions: list[_Item[MilestoneDone]],
    count: int,
) -> tuple[Status, date | None]:
    """Status and completion date of the merged task, by the rules `update` follows (and `validate` checks).

    The status is the last task-level log entry's; when the two sides together complete every
    milestone, a task-level "done" entry is added as `update` adds it. A completion recorded on one
    side that the merged log would undo (the other side recorded progress after it) is a conflict.
    """
    status = _status_from_log(log)
    if status is None:
        old = base.model.status if base is not None else _MISSING
        choice = _three_way(old, ours.model.status, theirs.model.status)
        if choice is None:
            raise _field_conflict("status", ours.model.status, theirs.model.status)
        status = (ours if choice == OURS else theirs).model.status
    done_dates = [item.model.date for item in completions]
    all_done = count > 1 and {item.model.milestone for item in completions} == set(range(1, count + 1))
    if all_done and status is not Status.DONE:
        finished = max(done_dates)
        later = [item for item in log if item.model.milestone is None and item.model.date > finished]
        if later:
            raise _Conflict(
                f'trường "status": hai nhánh cùng hoàn thành mọi mốc (ngày {finished:%d/%m/%Y}) nhưng nhật ký '
                f"ghi trạng thái '{later[-1].model.status.value}' ngày {later[-1].model.date:%d/%m/%Y}"
            )
        entry = CommentedMap([("date", finished), ("status", Status.DONE.value)])
        log.append(_Item(LogEntry(date=finished, status=Status.DONE), entry))
        log.sort(key=lambda item: item.model.date)
        status = Status.DONE
    for side, other in ((ours, theirs), (theirs, ours)):
        completed_here = side.model.status is Status.DONE and (base is None or base.model.status is not Status.DONE)
        if completed_here and status is not Status.DONE:
            day = f" ngày {side.model.completed_on:%d/%m/%Y}" if side.model.completed_on else ""
            raise _Conflict(
                f'trường "status": {_SIDE_NAMES[side.label]} ghi hoàn thành{day} nhưng '
                f"{_SIDE_NAMES[other.label]} ghi trạng thái '{status.value}' sau đó"
            )
    if status is not Status.DONE:
        return status, None
    old_day = base.model.completed_on if base is not None else _MISSING
    choice = _three_way(old_day, ours.model.completed_on, theirs.model.completed_on)
    if choice is None:
        raise _field_conflict("completed_on", ours.model.completed_on, theirs.model.completed_on)
    completed_on = (ours if choice == OURS else theirs).model.completed_on
    if completed_on is None and all_done:
        completed_on = max(done_dates)
    return status, completed_on


def _status_from_log(log: list[_Item[LogEntry]]) -> Status | None:
    task_level = [item.model.status for item in log if item.model.milestone is None]
    return task_level[-1] if task_level else None


def _canonical(basis: _Side[Any], path: Path, model: type[Record]) -> str:
    """The merged tree in canonical layout, its comments those of the version it was built on."""
    try:
        text = format_text(dump_canonical(basis.tree), path, key_order=Task if model is Task else None)
    except (YamlError, FormatError) as exc:
        raise _Conflict(f"kết quả gộp không định dạng được ({exc})") from None
    if _comments(text) != _comments(basis.text):
        raise _Conflict("không giữ được chú thích (#) khi gộp; gộp tay")
    return text


def _check_task_result(
    text: str,
    path: Path,
    expected: Task,
    sides: tuple[_Side[Task], _Side[Task]],
    *,
    as_of: date | None,
    programme: Programme | None,
) -> None:
    """The merged file must read back as the merged task and break no rule of `validate`."""
    context = programme if programme is not None else Programme(root=path.parent.parent)
    report, task = _task_findings(text, path, context, as_of)
    if task is None or task.model_dump() != expected.model_dump():
        raise _Conflict("kết quả gộp đọc lại không khớp dữ liệu đã gộp; gộp tay")
    known = set()
    for side in sides:
        side_report, _ = _task_findings(side.text, path, context, as_of)
        known |= {(f.code, f.message) for f in side_report.errors if f.code in _CONTEXT_CODES}
    blocking = [f for f in report.errors if not (f.code in _CONTEXT_CODES and (f.code, f.message) in known)]
    if blocking:
        raise _invalid(blocking)


def _task_findings(text: str, path: Path, programme: Programme, as_of: date | None) -> tuple[Report, Task | None]:
    report = Report()
    checker = FileChecker(path, report, text)
    document = checker.load()
    task = None if document is FAILED else checker.validate(Task, document, "nhiệm vụ")
    if task is not None:
        check_task(checker, task, programme, as_of=as_of or date.max)
    return report, task


def _invalid(errors: list[Finding]) -> _Conflict:
    first = errors[0]
    more = f" (và {len(errors) - 1} lỗi khác)" if len(errors) > 1 else ""
    return _Conflict(f"kết quả gộp không hợp lệ (dòng {first.line}, cột {first.col}: {first.message}){more}; gộp tay")


# ---------------------------------------------------------------- indicators.yaml


def _merge_indicators(base_text: str, ours_text: str, theirs_text: str, path: Path, *, as_of: date | None) -> str:
    base, ours, theirs = _read_sides(base_text, ours_text, theirs_text, path, IndicatorsFile)
    basis = _basis(base, ours, theirs)
    merger = _IndicatorMerge(basis.label)
    versions = {
        label: _items_of(side.tree.get("indicators"), side.model.indicators) if side is not None else None
        for label, side in ((BASE, base), (OURS, ours), (THEIRS, theirs))
    }
    merged = _merge_keyed(versions, lambda i: i.id, merger.indicator, "chỉ tiêu", basis.label)
    _fill(basis.tree["indicators"], merged)
    expected = IndicatorsFile(indicators=[item.model for item in merged])
    text = _canonical(basis, path, IndicatorsFile)
    report = Report()
    written = check_indicators_file(path, report, as_of=as_of, text=text)
    if written is None or written.model_dump() != expected.model_dump():
        if report.errors:
            raise _invalid(report.errors)
        raise _Conflict("kết quả gộp đọc lại không khớp dữ liệu đã gộp; gộp tay")
    if report.errors:
        raise _invalid(report.errors)
    return text


_Versions = dict[str, list[_Item[M]] | None]


def _merge_keyed(
    versions: _Versions[M],
    key: Callable[[M], Hashable],
    merge_one: Callable[[_Item[M] | None, _Item[M], _Item[M], str], _Item[M]],
    what: str,
    basis: str,
) -> list[_Item[M]]:
    """A list of keyed elements (indicators by id, targets by key): the order and membership as one side
    changed them, each element present on both sides merged by `merge_one`."""
    base = versions[BASE]
    mine, other = versions[OURS] or [], versions[THEIRS] or []
    keys = {label: [key(item.model) for item in items] for label, items in ((OURS, mine), (THEIRS, other))}
    old_keys = [key(item.model) for item in base] if base is not None else _MISSING
    choice = _three_way(old_keys, keys[OURS], keys[THEIRS])
    if choice is None:
        raise _Conflict(f"danh sách {what} bị thay đổi (thêm, bớt hoặc đổi thứ tự) khác nhau ở hai nhánh")
    by_key = {
        label: {key(item.model): item for item in items or []}
        for label, items in ((BASE, base), (OURS, mine), (THEIRS, other))
    }
    merged = []
    for wanted in keys[choice]:
        left, right = by_key[OURS].get(wanted), by_key[THEIRS].get(wanted)
        if left is not None and right is not None:
            merged.append(merge_one(by_key[BASE].get(wanted), left, right, basis))
        else:
            added = left or right
            assert added is not None  # the key comes from the chosen side
            merged.append(added)
    dropped_by = THEIRS if choice == THEIRS else OURS
    kept_by = OURS if dropped_by == THEIRS else THEIRS
    for gone, item in by_key[BASE].items():
        if gone in keys[choice]:
            continue
        still = by_key[kept_by].get(gone)
        if still is not None and still.model != item.model:
            raise _Conflict(f"{what} {gone} bị xóa ở {_SIDE_NAMES[dropped_by]} nhưng được sửa ở nhánh kia")
    return merged


class _IndicatorMerge:
    """Field-by-field merge of one indicator and its targets; figures merged per period."""

    def __init__(self, basis: str):
        self.basis = basis

    def _fields(
        self, base: _Item[M] | None, ours: _Item[M], theirs: _Item[M], skip: tuple[str, ...], where: str
    ) -> tuple[dict[str, Any], Any]:
        """Merged values of the plain fields; the node (of the basis side) holding them."""
        sides = {OURS: ours, THEIRS: theirs}
        start = sides[self.basis]
        node = start.node
        values = {}
        for name in type(ours.model).model_fields:
            if name in skip:
                continue
            old = getattr(base.model, name) if base is not None else _MISSING
            mine, other = getattr(ours.model, name), getattr(theirs.model, name)
            choice = _three_way(old, mine, other)
            if choice is None:
                raise _field_conflict(f"{where}.{name}", mine, other)
            values[name] = getattr(sides[choice].model, name)
            if values[name] != getattr(start.model, name):
                source = sides[choice].node
                if name in source:
                    node[name] = source[name]
                else:
                    del node[name]
        return values, node

    def indicator(
        self, base: _Item[Indicator] | None, ours: _Item[Indicator], theirs: _Item[Indicator], basis: str
    ) -> _Item[Indicator]:
        values, node = self._fields(base, ours, theirs, ("targets",), f"chỉ tiêu {ours.model.id}")
        versions: _Versions[Target] = {
            label: _items_of(item.node.get("targets"), item.model.targets) if item is not None else None
            for label, item in ((BASE, base), (OURS, ours), (THEIRS, theirs))
        }
        where = f"chỉ tiêu {ours.model.id}"

        def target(b: _Item[Target] | None, o: _Item[Target], t: _Item[Target], _: str) -> _Item[Target]:
            return self.target(b, o, t, f"{where}.{o.model.key}")

        targets = _merge_keyed(versions, lambda t: t.key, target, f"mục tiêu của {where}", basis)
        _fill(node["targets"], targets)
        model = Indicator(**values, targets=[item.model for item in targets])
        return _Item(model, node, *(_origin(ours if self.basis == OURS else theirs)))

    def target(
        self, base: _Item[Target] | None, ours: _Item[Target], theirs: _Item[Target], where: str
    ) -> _Item[Target]:
        values, node = self._fields(base, ours, theirs, ("actuals",), where)
        actuals = _merge_actuals(base, ours, theirs, where)
        if actuals or isinstance(node.get("actuals"), CommentedSeq):
            _fill(_list_node(node, "actuals"), actuals)
        model = Target(**values, actuals=[item.model for item in actuals])
        return _Item(model, node, *(_origin(ours if self.basis == OURS else theirs)))


def _origin(item: _Item[Any]) -> tuple[CommentedSeq | None, int]:
    return item.seq, item.index


def _merge_actuals(
    base: _Item[Target] | None, ours: _Item[Target], theirs: _Item[Target], where: str
) -> list[_Item[Actual]]:
    """Figures of one target: one per period and kind (official or estimate); the same figure on both sides
    once; different figures for the same period and kind on both sides are a conflict."""

    def by_period(item: _Item[Target] | None) -> dict[tuple[str, bool], _Item[Actual]]:
        if item is None:
            return {}
        items = _items_of(item.node.get("actuals"), item.model.actuals)
        return {(a.model.period, a.model.estimate): a for a in items}

    old, mine, other = by_period(base), by_period(ours), by_period(theirs)
    merged: list[_Item[Actual]] = []
    for key in dict.fromkeys([*mine, *other, *old]):
        in_base = old[key].model if key in old else None
        in_ours = mine[key].model if key in mine else None
        in_theirs = other[key].model if key in other else None
        choice = _three_way(in_base, in_ours, in_theirs)
        if choice is None:
            kind = "ước tính" if key[1] else "chính thức"
            raise _Conflict(
                f'"{where}": số {kind} kỳ {key[0]} ghi khác nhau ở hai nhánh '
                f"(ours: {_figure(in_ours)}; theirs: {_figure(in_theirs)})"
            )
        chosen = (mine if choice == OURS else other).get(key)
        if chosen is not None:
            merged.append(chosen)
    merged.sort(key=lambda item: _file_order(item.model))
    return merged


def _figure(actual: Actual | None) -> str:
    if actual is None:
        return "không có"
    text = format(actual.value, "f")
    if actual.recorded_on is not None:
        text += f" ghi ngày {actual.recorded_on:%d/%m/%Y}"
    return text + (f", nguồn {actual.source}" if actual.source else "")


def _file_order(actual: Actual) -> tuple[date, int, bool]:
    """Figures in the order `indicator set` keeps them: by period end, then length, estimate first."""
    from ctr199.indicators import period_of

    period = period_of(actual.period)
    return period.end, period.months, not actual.estimate


# ---------------------------------------------------------------- conflicts


def _line_merge(base: bytes, ours: bytes, theirs: bytes, marker_size: int) -> MergeResult:
    """A file that is not task or indicator data: git's own line-by-line merge."""
    merged, conflicts = _git_merge_file(base, ours, theirs, marker_size)
    if merged is not None and conflicts == 0:
        return MergeResult(merged, True)
    text = merged if merged is not None else _two_way_markers(ours, theirs, marker_size)
    return MergeResult(text, False, "tệp không phải dữ liệu nhiệm vụ hay chỉ tiêu; gộp theo dòng còn xung đột")


def _conflict_text(base: bytes, ours: bytes, theirs: bytes, marker_size: int) -> bytes:
    """The file with ordinary conflict markers: git's line merge where it finds conflicts, else the
    differences between the two sides (a line merge that succeeds is not one the data allows)."""
    merged, conflicts = _git_merge_file(base, ours, theirs, marker_size)
    if merged is not None and conflicts:
        return merged
    return _two_way_markers(ours, theirs, marker_size)


def _git_merge_file(base: bytes, ours: bytes, theirs: bytes, marker_size: int) -> tuple[bytes | None, int]:
    """`git merge-file` on the three versions: the text and its number of conflicts (None: git failed)."""
    with tempfile.TemporaryDirectory(prefix="ctr199-merge-") as folder:
        paths = []
        for label, content in ((OURS, ours), (BASE, base), (THEIRS, theirs)):
            path = Path(folder) / label
            path.write_bytes(content)
            paths.append(str(path))
        command = ["git", "merge-file", "-p", f"--marker-size={marker_size}"]
        command += ["-L", OURS, "-L", BASE, "-L", THEIRS, *paths]
        try:
            done = subprocess.run(command, capture_output=True, check=False, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return None, 0
    if not 0 <= done.returncode < 128:
        return None, 0
    return done.stdout, done.returncode


_MAX_DIFF_LINES = 4000


def _two_way_markers(ours: bytes, theirs: bytes, marker_size: int) -> bytes:
    mine, other = ours.splitlines(keepends=True), theirs.splitlines(keepends=True)
    for lines in (mine, other):
        if lines and not lines[-1].endswith(b"\n"):
            lines[-1] += b"\n"
    out: list[bytes] = []
    if len(mine) + len(other) > _MAX_DIFF_LINES:  # the line diff is quadratic at worst: mark the whole file
        mine, other = [b"".join(mine)], [b"".join(other)]
    matcher = difflib.SequenceMatcher(None, mine, other, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(mine[i1:i2])
            continue
        out.append(b"<" * marker_size + b" ours\n")
        out.extend(mine[i1:i2])
        out.append(b"=" * marker_size + b"\n")
        out.extend(other[j1:j2])
        out.append(b">" * marker_size + b" theirs\n")
    if not any(line.startswith(b"<" * marker_size) for line in out):  # identical sides refused as a whole
        out = [b"<" * marker_size + b" ours\n", *mine, b"=" * marker_size + b"\n", *other]
        out.append(b">" * marker_size + b" theirs\n")
    return b"".join(out)


# ---------------------------------------------------------------- installing the driver


class InstallError(Exception):
    """The driver could not be set up (not a git repository, a name git attributes cannot hold…)."""


@dataclass(frozen=True)
class Installed:
    attributes: Path
    added: list[str]  # lines added to .gitattributes (none when they were there already)
    driver: str  # the command git runs


def attribute_lines(data_dir: Path, top: Path) -> list[str]:
    """The `.gitattributes` lines that hand the data files of `data_dir` to the driver."""
    try:
        relative = data_dir.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        raise InstallError(f"thư mục dữ liệu {data_dir} không nằm trong kho git {top}") from None
    if any(char in relative for char in ' \t"\\#!*?[]'):
        raise InstallError(
            f'tên thư mục dữ liệu "{relative}" có dấu cách hoặc ký tự đặc biệt; '
            "đổi tên thư mục hoặc tự ghi .gitattributes"
        )
    prefix = "/" if relative == "." else f"{relative}/"
    return [f"{prefix}{TASKS_DIR}/*.yaml merge={DRIVER_NAME}", f"{prefix}{INDICATORS_FILE} merge={DRIVER_NAME}"]


def install(data_dir: Path, command: str) -> Installed:
    """Write the `.gitattributes` entries and the repository's `merge.ctr199.*` settings (idempotent).

    `command` is how git should start ctr199 (a path or a name on PATH).
    """
    top = Path(_git(data_dir, "rev-parse", "--show-toplevel").strip())
    lines = attribute_lines(data_dir, top)
    attributes = top / ".gitattributes"
    try:
        current = attributes.read_text(encoding="utf-8") if attributes.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise InstallError(f"không đọc được {attributes}: {exc}") from None
    present = {line.strip() for line in current.splitlines()}
    added = [line for line in lines if line not in present]
    if added:
        separator = "" if not current or current.endswith("\n") else "\n"
        atomic_write(attributes, current + separator + "".join(f"{line}\n" for line in added))
    return Installed(attributes, added, configure(top, command))


def configure(top: Path, command: str) -> str:
    """The repository's `merge.ctr199.*` settings, which the `merge=ctr199` attributes name; the driver line."""
    driver = f"{command} merge-driver %O %A %B %L %P"
    _git(top, "config", f"merge.{DRIVER_NAME}.name", DRIVER_TITLE)
    _git(top, "config", f"merge.{DRIVER_NAME}.driver", driver)
    return driver


def driver_command(executable: str | None) -> str:
    """How git should start ctr199: the program now running when it can be found, else `ctr199` on PATH."""
    if executable:
        path = Path(executable)
        if path.name == "ctr199" and path.is_file() and "%" not in str(path.resolve()):
            return shlex.quote(str(path.resolve()))
    return "ctr199"


def _git(folder: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=False, timeout=60)
    except OSError as exc:
        raise InstallError(f"không chạy được git ({exc.strerror or exc}); cài git trước") from None
    if done.returncode != 0:
        if args[:1] == ("rev-parse",):
            raise InstallError(f"{folder} không nằm trong kho git; chạy `git init` trước")
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"mã {done.returncode}"
        raise InstallError(f"git {' '.join(args[:2])} thất bại: {reason}")
    return done.stdout
