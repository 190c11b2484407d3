"""The one loading layer: where the data folder is, reading its files (through the cache), building
the whole programme, and what a broken file means for each kind of command.

- `resolve_data_dir` finds the data folder (`--data`, else the nearest `data/` upwards).
- `load_programme` reads and checks every file — programme.yaml, agencies, groups, indicators,
  tasks — and returns the `Programme` with a `Report` of every finding. A file that cannot be read
  is left out and reported, never fatal: one broken file does not hide the others.
- The policies built on it:
  * queries (`for_query`) answer from what loads; the CLI prints the answer, names what was left
    out and exits 1;
  * documents and edits (`for_document`, `edit_context`) refuse while the data has errors
    (`DataError`, exit 1), so nothing official is made from, or written into, broken data;
  * `validate` prints the whole report.

The rules themselves live in `checks`; this module only drives them.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import typing
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from ctr199 import forked
from ctr199.agencies import Registry
from ctr199.cache import (
    CheckCache,
    Entry,
    Key,
    decode_task,
    encode_head,
    encode_task,
    file_key,
    finding_rows,
    task_head,
)
from ctr199.cache import enabled as cache_enabled
from ctr199.checks import (
    FAILED,
    FileChecker,
    Problem,
    check_indicator_dates,
    check_indicator_year,
    check_indicators,
    check_indicators_file,
    check_programme_file,
    check_registry,
    check_task_alone,
    check_task_dates,
    task_link_problems,
)
from ctr199.errors import DataError, UsageError
from ctr199.models import AgenciesFile, GroupsFile, Indicator, IndicatorsFile, Milestone, ProgrammeFile, Task
from ctr199.programme import Programme, TaskRecord, known_on, milestones_of
from ctr199.record import Record
from ctr199.report import Finding, Report, display_path
from ctr199.store import GROUPS_FILE, TASKS_DIR, DataDir, YamlError, load_fast

M = TypeVar("M", bound=Record)

# Findings that leave a whole file out of the programme (the others only flag a value in it).
UNREADABLE = frozenset(
    {"yaml-syntax", "yaml-encoding", "yaml-unsafe", "merge-conflict", "file-shape", "schema", "date", "duplicate-id"}
)


# What reading a cache entry this code cannot use raises (the entry is dropped and the file read again);
# OverflowError: a day number out of range, in a cache written by hand.
UNUSABLE_ENTRY = (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError)


# ---------------------------------------------------------------- where the data is


def find_data_dir(start: Path | None = None) -> Path | None:
    """The nearest `data/` holding `tasks/`, from `start` upwards (so any sub-folder works)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / TASKS_DIR).is_dir() and (folder / GROUPS_FILE).exists():
            return folder
        candidate = folder / "data"
        if (candidate / TASKS_DIR).is_dir():
            return candidate
    return None


def data_root(given: Path) -> Path | None:
    """The data directory a `--data` folder names: itself or its data/, whichever holds tasks/."""
    return next((folder for folder in (given, given / "data") if (folder / TASKS_DIR).is_dir()), None)


def resolve_data_dir(given: Path | None) -> Path:
    """The data directory to use; `UsageError` saying how to name one when there is none."""
    if given is not None:
        if not given.is_dir():
            raise UsageError(f"không có thư mục dữ liệu {given}")
        root = data_root(given)
        if root is None:
            raise UsageError(f"{given} không chứa thư mục tasks/; trỏ --data tới thư mục dữ liệu (ví dụ: data/)")
        return root
    found = find_data_dir()
    if found is None:
        raise UsageError("không tìm thấy thư mục dữ liệu (data/tasks/); chạy lệnh trong kho dữ liệu hoặc dùng --data")
    return found


# ---------------------------------------------------------------- the whole programme


def load_programme(root: Path, *, as_of: date, use_cache: bool | None = None) -> tuple[Programme, Report]:
    """Load every file of the data directory and collect every finding.

    What a file says on its own is taken from the cache while the file is unchanged (see `cache`);
    `use_cache=None` follows `--no-cache` / `CTR199_NO_CACHE`. Checks against other files and
    against `as_of` run every time, so the result is the same with or without the cache.
    """
    with _collector_paused():
        return _load(root, as_of=as_of, use_cache=use_cache)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Loading builds tens of thousands of objects, which sets off full garbage collections again and
    again (a third of the time for 10,000 tasks); the records hold no reference cycles, so pause it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load(root: Path, *, as_of: date, use_cache: bool | None) -> tuple[Programme, Report]:
    data = DataDir(root)
    report = Report()
    programme = Programme(root=root)
    wanted = cache_enabled() if use_cache is None else use_cache
    store = CheckCache.open(root) if wanted else CheckCache.disabled()

    programme.info = _checked_file(
        store, data.programme, ProgrammeFile, "chương trình (programme.yaml)", report, check_programme_file
    )
    agencies = _checked_file(store, data.agencies, AgenciesFile, "danh mục cơ quan", report, check_registry)
    if agencies is not None:
        programme.registry = Registry(agencies.agencies)
    groups = _checked_file(store, data.groups, GroupsFile, "nhóm nhiệm vụ", report)
    if groups is not None:
        programme.groups = groups.groups
    if data.indicators.exists():
        year = programme.year

        def check_figures(checker: FileChecker, indicators: IndicatorsFile) -> None:
            check_indicators(checker, indicators, None)
            if year is not None:  # the programme's year is part of the cache key below
                check_indicator_year(checker, indicators, year)

        indicators = _checked_file(
            store, data.indicators, IndicatorsFile, "chỉ tiêu", report, check_figures, key_extra=year or 0
        )
        if indicators is not None:
            programme.indicators = indicators.indicators
            report.indicators = len(indicators.indicators)
            check_indicator_dates(FileChecker(data.indicators, report), indicators, as_of)

    seen: dict[int, TaskRecord] = {}
    folder = data.tasks
    files = data.task_names_stat()
    report.files_checked += len(files)
    year = programme.year
    links: dict[tuple[object, ...], list[Problem]] = {}  # the same group and agencies, the same answer
    read = _reader(year)
    jobs = [(name, [*file_key(info), year or 0]) for name, info in files]
    cached = [store.get(f"{TASKS_DIR}/{name}", key) for name, key in jobs]
    apart = _CheckedApart.start(folder, [job for job, entry in zip(jobs, cached, strict=True) if entry is None])
    try:
        for (name, key), entry in zip(jobs, cached, strict=True):
            record, checker = _task_file(store, folder, name, key, report, read, entry, apart)
            if record is None:
                continue
            head = record.head
            problems = links.get(head.names)
            if problems is None:
                problems = links[head.names] = task_link_problems(head, programme)
            late = head.last_recorded is not None and head.last_recorded > as_of
            duplicate = head.id in seen
            if problems or late or duplicate:
                checker = checker or FileChecker(record.path, report)
                for loc, code, message in problems:
                    checker.add(loc, code, message)
                if late:
                    check_task_dates(checker, record.task, as_of=as_of)
                if duplicate:
                    first = display_path(seen[head.id].path)
                    checker.add(("id",), "duplicate-id", f"số thứ tự {head.id} đã dùng ở {first}; mỗi nhiệm vụ một số")
                    continue
            seen[head.id] = record
            programme.tasks.append(record)
    finally:
        apart.close()  # every child collected, whatever happened
    programme.tasks.sort(key=lambda record: record.id)
    report.tasks = len(programme.tasks)
    store.save()
    return programme, report


def _task_file(
    store: CheckCache,
    folder: Path,
    name: str,
    key: Key,
    report: Report,
    read: Callable[[Path, str, bytes], tuple[Task, tuple[Milestone, ...]]],
    entry: Entry | None,
    apart: _CheckedApart,
) -> tuple[TaskRecord | None, FileChecker | None]:
    """The task of file `name` of `folder` with its milestones, from its cache `entry` or a child
    process's check (rebuilt only when used), or checked now (on its own, then with the checker that
    read it); None when the file cannot be read (its findings say why).

    `key` ends with the programme's year: it decides what a periodic deadline means.
    """
    cache_name = f"{TASKS_DIR}/{name}"
    if entry is None:
        checked = apart.take(name)
        if checked is not None:  # the same entry the cache would hold
            store.put_entry(cache_name, checked)
            entry = Entry(checked)
    if entry is not None:
        try:
            blob = entry.raw[1]
            record = None
            if blob is not None:  # None: the file could not be read
                if type(blob) is not bytes:
                    raise TypeError("not a cached task")
                record = TaskRecord.cached(folder, name, task_head(entry.extra), blob, read)
            if entry.raw[2]:
                report.findings.extend(entry.findings(folder / name))
            return record, None
        except UNUSABLE_ENTRY:
            store.forget(cache_name)  # an entry this code cannot use: check the file again
    start = len(report.findings)
    record, checker = _check_task_file(folder, name, key, report)
    if store.keeps(key):
        store.put_entry(cache_name, _task_entry(key, record, report.findings[start:]))
    return record, checker


def _check_task_file(folder: Path, name: str, key: Key, report: Report) -> tuple[TaskRecord | None, FileChecker]:
    """Task file `name` read and checked on its own (its findings added to `report`); None when it cannot be read."""
    path = folder / name
    checker = FileChecker(path, report)
    document = checker.load()
    task = None if document is FAILED else checker.validate(Task, document, "nhiệm vụ")
    if task is None:
        return None, checker
    return TaskRecord(task, path, tuple(check_task_alone(checker, task, key[-1] or None))), checker


def _task_entry(key: Key, record: TaskRecord | None, findings: list[Finding]) -> list[Any]:
    """What the cache keeps of a task file just checked: its task and head encoded (None when the
    file cannot be read), and what checking it alone found."""
    if record is None:
        return [key, None, finding_rows(findings), None]
    return [key, encode_task(record), finding_rows(findings), encode_head(record.head)]


def _check_share(folder: Path, share: list[tuple[str, Key]]) -> list[list[Any]]:
    """What a child process sends back for its share of the task files: the entries the cache keeps."""
    report = Report()
    entries = []
    for name, key in share:
        start = len(report.findings)
        record, _ = _check_task_file(folder, name, key, report)
        entries.append(_task_entry(key, record, report.findings[start:]))
    return entries


# The fewest files for which one more process is worth starting (a share takes ~60 ms to check;
# starting a child and taking back its entries, a few).
FILES_PER_PROCESS = 250


class _CheckedApart:
    """The task files that are not cached, shared with child processes when there are many
    (`ctr199.forked`): the parent checks the first share itself, then takes the children's entries."""

    def __init__(self, children: forked.Children | None, places: dict[str, tuple[int, int]]):
        self.children = children
        self.places = places  # file name -> (child, position in its share)

    @classmethod
    def start(cls, folder: Path, todo: list[tuple[str, Key]]) -> _CheckedApart:
        """Share the files of `todo` (name, key), not cached, when they are many."""
        count = min(forked.usable_cores(), len(todo) // FILES_PER_PROCESS)
        if count < 2:
            return cls(None, {})
        size = -(-len(todo) // count)
        shares = [todo[start : start + size] for start in range(size, len(todo), size)]
        places = {name: (child, place) for child, share in enumerate(shares) for place, (name, _) in enumerate(share)}
        return cls(forked.start(functools.partial(_check_share, folder), shares), places)

    def take(self, name: str) -> list[Any] | None:
        """The entry a child made for file `name`; None when the parent checks it (its share, or a child failed)."""
        place = self.places.get(name)
        if place is None or self.children is None:
            return None
        entries = self.children.result(place[0])
        return None if entries is None else typing.cast(list[Any], entries[place[1]])

    def close(self) -> None:
        if self.children is not None:
            self.children.close()


def _reader(year: int | None) -> Callable[[Path, str, bytes], tuple[Task, tuple[Milestone, ...]]]:
    """How a cached task of a programme of `year` is rebuilt when it is first used (one reader for all)."""

    def read(folder: Path, name: str, blob: bytes) -> tuple[Task, tuple[Milestone, ...]]:
        try:
            return decode_task(blob)
        except (*UNUSABLE_ENTRY, EOFError):
            pass  # never seen (the cache is checked by CRC and code digest): read the file instead
        path = folder / name
        try:
            task = Task.model_validate(load_fast(path))
        except (YamlError, ValueError) as exc:
            raise DataError(f"{display_path(path)} vừa đổi hoặc hỏng; chạy lại lệnh ({exc})") from None
        return task, tuple(milestones_of(task, year))

    return read


def _checked_file(
    store: CheckCache,
    path: Path,
    model: type[M],
    what: str,
    report: Report,
    check: Callable[[FileChecker, M], None] | None = None,
    *,
    key_extra: int = 0,
) -> M | None:
    """One of the programme's other files, validated (and checked by `check`), through the cache.

    `key_extra`: what else `check` depends on (the programme's year), kept in the cache key.
    """
    report.files_checked += 1
    try:
        key = [*file_key(path.stat()), key_extra]
    except OSError:
        report.add(Finding(path=display_path(path), code="file-shape", message=f"thiếu tệp {what}"))
        return None
    name = path.name
    entry = store.get(name, key)
    if entry is not None:
        try:
            value = entry.model(model)
            report.findings.extend(entry.findings(path))
            return value
        except UNUSABLE_ENTRY:
            store.forget(name)
    start = len(report.findings)
    checker = FileChecker(path, report)
    document = checker.load()
    value = None if document is FAILED else checker.validate(model, document, what)
    if value is not None and check is not None:
        check(checker, value)
    store.put(name, key, value, report.findings[start:])
    return value


# ---------------------------------------------------------------- policies for broken files


class QueryLoad(NamedTuple):
    """The programme as read for a query, and how many data errors may make the answer incomplete."""

    programme: Programme
    report: Report
    errors: int
    skipped: list[Finding]  # the first reason of each file left out

    def skipped_file(self, path: Path) -> Finding | None:
        return next((finding for finding in self.skipped if finding.path == display_path(path)), None)


# What was recorded after the as-of date: an error for `validate` (nothing is recorded ahead of time),
# but only later history for a query or a document, which answer from what was known on that day.
LATER = frozenset({"log-future", "extension-future"})


def for_query(root: Path, *, as_of: date, use_cache: bool | None = None) -> QueryLoad:
    """What a query answers from: every file that loads, as known on `as_of` (`programme.known_on`).
    The caller reports the rest and exits 1."""
    programme, report = load_programme(root, as_of=as_of, use_cache=use_cache)
    errors = [finding for finding in report.errors if finding.code not in LATER]
    skipped: dict[str, Finding] = {}
    for finding in errors:
        if finding.code in UNREADABLE:
            skipped.setdefault(finding.path, finding)
    return QueryLoad(known_on(programme, as_of), report, len(errors), list(skipped.values()))


def for_document(root: Path, *, as_of: date, what: str = "lập báo cáo") -> Programme:
    """The programme a document is made from, as known on `as_of` (what was recorded later is left
    out, so last week's brief can be made again); `DataError` while any file has errors."""
    programme, report = load_programme(root, as_of=as_of)
    errors = [finding for finding in report.errors if finding.code not in LATER]
    if errors:
        raise DataError(
            f"dữ liệu có {len(errors)} lỗi (đầu tiên: {errors[0]}); chạy ctr199 validate rồi sửa trước khi {what}"
        )
    unfilled = programme.identity.placeholders()
    if unfilled:
        raise DataError(
            f"programme.yaml còn chỗ [CẦN ĐIỀN: …] ở {', '.join(unfilled)}; ghi giá trị thật của cơ quan "
            f"(tiêu đề văn bản, người ký, nơi nhận) trước khi {what}"
        )
    return known_on(programme, as_of)


def edit_context(root: Path) -> Programme:
    """What the task rules need besides the task (identity, agency registry, groups) — no tasks.

    An edit is checked against these; one of them broken refuses the edit (`DataError`).
    """
    data = DataDir(root)
    report = Report()
    programme = Programme(root=root)
    store = CheckCache.open(root) if cache_enabled() else CheckCache.disabled()
    if data.programme.exists():
        programme.info = _checked_file(store, data.programme, ProgrammeFile, "chương trình (programme.yaml)", report)
    if data.agencies.exists():
        agencies = _checked_file(store, data.agencies, AgenciesFile, "danh mục cơ quan", report, check_registry)
        if agencies is not None:
            programme.registry = Registry(agencies.agencies)
    if data.groups.exists():
        groups = _checked_file(store, data.groups, GroupsFile, "nhóm nhiệm vụ", report)
        if groups is not None:
            programme.groups = groups.groups
    store.save()
    if report.errors:
        raise DataError(
            f"{report.errors[0]}; danh mục cơ quan, nhóm nhiệm vụ hoặc programme.yaml đang có lỗi: "
            "chạy ctr199 validate rồi sửa trước"
        )
    return programme


# ---------------------------------------------------------------- the indicators alone (indicators, indicator set)


class IndicatorDataError(DataError):
    """The indicators file cannot be used as it stands; `findings` say where and why (exit 1)."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        first = str(findings[0]) if findings else "tệp chỉ tiêu không đọc được"
        more = f" (và {len(findings) - 1} lỗi khác)" if len(findings) > 1 else ""
        super().__init__(f"{first}{more}; sửa rồi chạy lại (ctr199 validate để xem hết)")


def load_indicators(root: Path, *, text: str | None = None, year: int | None = None) -> list[Indicator]:
    """The indicators of a data directory, checked (with `year`: every figure in it); `IndicatorDataError` on errors."""
    report = Report()
    loaded = check_indicators_file(DataDir(root).indicators, report, text=text, year=year)
    if loaded is None or report.errors:
        raise IndicatorDataError(report.errors or report.findings)
    return loaded.indicators


def programme_year(root: Path) -> int | None:
    """The year of programme.yaml, which the targets are for; None without the file (a bare data folder).

    A programme.yaml that cannot be read raises `IndicatorDataError`: no figure is checked against a guess.
    """
    from pydantic import ValidationError

    from ctr199.models import ProgrammeFile
    from ctr199.store import DataDir, YamlError, load_fast

    path = DataDir(root).programme
    if not path.exists():
        return None
    try:
        return ProgrammeFile.model_validate(load_fast(path)).year
    except (YamlError, ValidationError):
        from ctr199.report import display_path

        problem = f"{display_path(path)} có lỗi nên không biết năm của chương trình; chạy ctr199 validate rồi sửa"
        raise IndicatorDataError([Finding(path=display_path(path), code="schema", message=problem)]) from None
