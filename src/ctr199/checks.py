"""Validation of a data directory: every problem in every file, located to line and column."""

from __future__ import annotations

import contextlib
import gc
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ctr199.agencies import AgencyLookupError, Registry
from ctr199.cache import CheckCache, Key, file_key, rebuild
from ctr199.cache import enabled as cache_enabled
from ctr199.models import AgenciesFile, GroupsFile, IndicatorsFile, Milestone, Status, Task, model_in
from ctr199.programme import Programme, TaskRecord, milestones_of
from ctr199.report import Finding, Report, Severity, display_path
from ctr199.store import TASKS_DIR, DataDir, YamlError, load_fast_located, locate_in_scalar, locate_node, read_text
from ctr199.text import fold

M = TypeVar("M", bound=BaseModel)
FAILED: Any = object()  # what FileChecker.load returns for a file it could not read
Loc = tuple[str | int, ...]

_FIELD_NAMES = {
    "title": "Nhiệm vụ (title)",
    "output": "Kết quả/Sản phẩm (output)",
    "deadline": "Thời hạn (deadline)",
    "lead": "Cơ quan chủ trì (lead)",
    "partners": "Cơ quan phối hợp (partners)",
    "authority": "Thẩm quyền (authority)",
}


class FileChecker:
    """Collects findings for one file; reads positions lazily, only when something is wrong."""

    def __init__(self, path: Path, report: Report, text: str | None = None):
        self.path = path
        self.report = report
        self.text = text
        self._nodes: Any = None
        self._nodes_loaded = False

    def position(self, loc: Loc, *, at_key: bool = False) -> tuple[int, int]:
        if not self._nodes_loaded:  # a file taken from the cache: parse it now, for its positions
            self._nodes_loaded = True
            try:
                _, self._nodes = load_fast_located(self.path, self.text)
            except YamlError:
                self._nodes = None
        return locate_node(self._nodes, loc, at_key=at_key) if self._nodes is not None else (1, 1)

    def position_in(self, loc: Loc, offset: int) -> tuple[int, int]:
        """Line and column of character `offset` inside the string value at `loc` (its start if not exact)."""
        self.position(loc)  # loads the nodes of a cached file
        if self._nodes is None or self.text is None:
            return self.position(loc)
        return locate_in_scalar(self._nodes, loc, offset, self.text)

    def add(
        self,
        loc: Loc,
        code: str,
        message: str,
        severity: Severity = Severity.ERROR,
        *,
        at_key: bool = False,
        offset: int | None = None,
    ) -> None:
        if offset is not None:
            line, col = self.position_in(loc, offset)
        else:
            line, col = self.position(loc, at_key=at_key)
        self.report.add(
            Finding(path=display_path(self.path), line=line, col=col, severity=severity, code=code, message=message)
        )

    def load(self) -> Any:
        """The parsed document, or FAILED after reporting why it could not be read."""
        try:
            if self.text is None:
                self.text = read_text(self.path)
            document, self._nodes = load_fast_located(self.path, self.text)
            self._nodes_loaded = True
            return document
        except YamlError as exc:
            self.report.add(
                Finding(path=display_path(self.path), line=exc.line, col=exc.col, code=exc.code, message=exc.message)
            )
            return FAILED

    def validate(self, model: type[M], data: Any, what: str) -> M | None:
        if not isinstance(data, dict):
            shape = {type(None): "rỗng", list: "một danh sách"}.get(type(data), "một giá trị đơn")
            self.add((), "file-shape", f"tệp {what} đang là {shape}; cần một bảng khóa: giá trị (xem ctr199 schema)")
            return None
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                loc = tuple(error["loc"])
                at_key = error["type"] == "extra_forbidden"
                self.add(loc, "schema", _schema_message(error, model), at_key=at_key)
            return None


def _schema_message(error: Any, model: type[BaseModel]) -> str:
    loc = ".".join(str(part) for part in error["loc"]) or "(gốc)"
    kind = error["type"]
    given = error.get("input")
    if kind == "missing":
        return f"thiếu trường bắt buộc '{loc}'"
    if kind == "extra_forbidden":
        known = ", ".join(_known_fields(model, error["loc"]))
        return f"trường lạ '{loc}'; các trường hợp lệ: {known}"
    expected = {
        "int_type": "một số nguyên",
        "int_parsing": "một số nguyên",
        "int_from_float": "một số nguyên",
        "string_type": "một chuỗi",
        "list_type": "một danh sách",
        "bool_type": "true hoặc false",
        "bool_parsing": "true hoặc false",
        "decimal_parsing": "một số",
        "decimal_type": "một số",
        "date_type": "một ngày (YYYY-MM-DD hoặc dd/mm/yyyy)",
        "date_parsing": "một ngày (YYYY-MM-DD hoặc dd/mm/yyyy)",
        "date_from_datetime_parsing": "một ngày (YYYY-MM-DD hoặc dd/mm/yyyy)",
        "date_from_datetime_inexact": "một ngày, không kèm giờ",
        "dict_type": "một bảng khóa: giá trị",
        "model_type": "một bảng khóa: giá trị",
        "model_attributes_type": "một bảng khóa: giá trị",
    }.get(kind)
    if expected:
        return f"'{loc}' cần {expected}, đang là {given!r}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return f"'{loc}' ngoài khoảng cho phép ({error['msg']}), đang là {given!r}"
    if kind == "literal_error":
        return f"'{loc}' không hợp lệ ({given!r}); {error['msg'].replace('Input should be', 'cần là')}"
    if kind == "string_pattern_mismatch":
        return f"'{loc}' sai định dạng ({given!r}); mẫu: {error['ctx']['pattern']}"
    if kind == "too_short":
        return f"'{loc}' không được để trống"
    if kind == "value_error":
        return f"'{loc}': {error['ctx']['error']}"
    return f"'{loc}' không hợp lệ: {error['msg']}"


def _known_fields(model: type[BaseModel], loc: Iterable[Any]) -> list[str]:
    current: Any = model
    for part in list(loc)[:-1]:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(part)
        annotation = field.annotation if field else None
        current = model_in(annotation)
    return list(current.model_fields) if current is not None else []


# ---------------------------------------------------------------- the whole directory


def check_programme(root: Path, *, as_of: date, use_cache: bool | None = None) -> tuple[Programme, Report]:
    """Load every file of the data directory and collect every finding.

    What a file says on its own is taken from the cache while the file is unchanged (see `cache`);
    `use_cache=None` follows `--no-cache` / `CTR199_NO_CACHE`. Checks against other files and
    against `as_of` run every time, so the result is the same with or without the cache.
    """
    with _collector_paused():
        return _check_programme(root, as_of=as_of, use_cache=use_cache)


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


def _check_programme(root: Path, *, as_of: date, use_cache: bool | None) -> tuple[Programme, Report]:
    data = DataDir(root)
    report = Report.model_construct(findings=[])
    programme = Programme(root=root)
    wanted = cache_enabled() if use_cache is None else use_cache
    store = CheckCache.open(root) if wanted else CheckCache.disabled()

    agencies = _checked_file(store, data.agencies, AgenciesFile, "danh mục cơ quan", report, _check_registry)
    if agencies is not None:
        programme.registry = Registry(agencies.agencies)
    groups = _checked_file(store, data.groups, GroupsFile, "nhóm nhiệm vụ", report)
    if groups is not None:
        programme.groups = groups.groups
    if data.indicators.exists():
        indicators = _checked_file(
            store, data.indicators, IndicatorsFile, "chỉ tiêu", report, lambda c, m: _check_indicators(c, m, None)
        )
        if indicators is not None:
            programme.indicators = indicators.indicators
            report.indicators = len(indicators.indicators)
            _check_indicator_dates(FileChecker(data.indicators, report), indicators, as_of)

    seen: dict[int, Path] = {}
    files = data.task_files_stat()
    report.files_checked += len(files)
    for path, info in files:
        checker, task, milestones = _task_file(store, path, file_key(info), report)
        if task is None:
            continue
        _check_task_context(checker, task, programme, as_of=as_of)
        if task.id in seen:
            checker.add(
                ("id",),
                "duplicate-id",
                f"số thứ tự {task.id} đã dùng ở {display_path(seen[task.id])}; mỗi nhiệm vụ một số",
            )
            continue
        seen[task.id] = path
        programme.tasks.append(TaskRecord(task, path, milestones))
    programme.tasks.sort(key=lambda record: record.id)
    report.tasks = len(programme.tasks)
    store.save()
    return programme, report


def _task_file(
    store: CheckCache, path: Path, key: Key, report: Report
) -> tuple[FileChecker, Task | None, tuple[Milestone, ...]]:
    """The task of one file and its milestones, from the cache or checked now (on its own)."""
    checker = FileChecker(path, report)
    name = f"{TASKS_DIR}/{path.name}"
    entry = store.get(name, key)
    if entry is not None:
        try:
            task = entry.model(Task)
            milestones = tuple([rebuild(Milestone, item) for item in entry.extra])
            report.findings.extend(entry.findings(path))
            return checker, task, milestones
        except (TypeError, ValueError, KeyError, AttributeError):
            store.forget(name)  # an entry this code cannot use: check the file again
    start = len(report.findings)
    document = checker.load()
    task = None if document is FAILED else checker.validate(Task, document, "nhiệm vụ")
    found: tuple[Milestone, ...] = ()
    if task is not None:
        found = tuple(_check_task_alone(checker, task))
    extra = [milestone.model_dump(mode="json") for milestone in found]
    store.put(name, key, task, report.findings[start:], extra)
    return checker, task, found


def _checked_file(
    store: CheckCache,
    path: Path,
    model: type[M],
    what: str,
    report: Report,
    check: Callable[[FileChecker, M], None] | None = None,
) -> M | None:
    """One of the programme's other files, validated (and checked by `check`), through the cache."""
    report.files_checked += 1
    try:
        key = file_key(path.stat())
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
        except (TypeError, ValueError, KeyError, AttributeError):
            store.forget(name)
    start = len(report.findings)
    checker = FileChecker(path, report)
    document = checker.load()
    value = None if document is FAILED else checker.validate(model, document, what)
    if value is not None and check is not None:
        check(checker, value)
    store.put(name, key, value, report.findings[start:])
    return value


_NUMBERED_NAME = re.compile(r"^0*(\d+)(?:[-_.].*)?$")


def check_task(checker: FileChecker, task: Task, programme: Programme, *, as_of: date) -> None:
    """Every rule a single task must satisfy (beyond its schema)."""
    _check_task_alone(checker, task)
    _check_task_context(checker, task, programme, as_of=as_of)


def _check_task_alone(checker: FileChecker, task: Task) -> list[Milestone]:
    """The rules that depend on nothing but the file (so their findings can be cached); the milestones."""
    name = _NUMBERED_NAME.match(checker.path.stem)
    if name is None or int(name.group(1)) != task.id:
        checker.add(
            ("id",),
            "filename",
            f"tệp {checker.path.name} chứa nhiệm vụ số {task.id}; đổi tên tệp thành {task.id:03d}.yaml",
        )
    _check_empty_cells(checker, task)
    milestones = _milestones(checker, task)
    _check_tracking(checker, task, len(milestones))
    return milestones


def _check_task_context(checker: FileChecker, task: Task, programme: Programme, *, as_of: date) -> None:
    """The rules that depend on other files (groups, agencies) or on the date: run on every load."""
    _check_group(checker, task, programme)
    _check_agencies(checker, task, programme.registry)
    _check_dates(checker, task, as_of=as_of)


def _check_group(checker: FileChecker, task: Task, programme: Programme) -> None:
    if not programme.groups:
        return
    group = programme.group(task.group)
    if group is None:
        known = ", ".join(str(g.id) for g in programme.groups)
        checker.add(("group",), "unknown-group", f"nhóm {task.group} không có trong groups.yaml (có: {known})")
    elif task.subgroup is not None and task.subgroup not in {s.key for s in group.subgroups}:
        keys = ", ".join(s.key for s in group.subgroups) or "không có tiểu mục"
        checker.add(
            ("subgroup",), "unknown-group", f"tiểu mục '{task.subgroup}' không có trong nhóm {group.id} ({keys})"
        )


def _check_empty_cells(checker: FileChecker, task: Task) -> None:
    for key in ("output", "deadline", "lead", "partners", "authority"):
        if key == "deadline" and task.milestones is not None:
            continue
        if not getattr(task, key):
            checker.add((key,), "empty-field", f"ô {_FIELD_NAMES[key]} để trống (như văn bản gốc)", Severity.WARNING)


def _check_agencies(checker: FileChecker, task: Task, registry: Registry) -> None:
    if not registry.agencies:
        return
    for index, lead in enumerate(task.lead):
        if registry.find_spelled(lead) is None:
            checker.add(("lead", index), "unknown-agency", _unknown_agency(lead, registry))
    if task.authority:
        try:
            registry.resolve_authority(task.authority, strict=True)
        except AgencyLookupError as exc:
            checker.add(("authority",), "unknown-agency", _unknown_agency(exc.query, registry))


def _unknown_agency(name: str, registry: Registry) -> str:
    close = registry.suggest(name)
    hint = f'có phải "{close[0].name}"? ' if close else ""
    return (
        f'cơ quan "{name}" không có trong agencies.yaml; {hint}sửa tên hoặc thêm tên này vào aliases của cơ quan đúng'
    )


def _milestones(checker: FileChecker, task: Task) -> list[Milestone]:
    if task.milestones is not None:
        return milestones_of(task)
    from ctr199.deadline import DeadlineError, parse_deadline

    try:
        return parse_deadline(task.deadline)
    except DeadlineError as exc:
        checker.add(
            ("deadline",),
            "deadline",
            f"{exc}; hoặc ghi rõ các mốc trong trường 'milestones' (label, due)",
            offset=exc.offset,
        )
        return []


def _check_tracking(checker: FileChecker, task: Task, milestones: int) -> None:
    previous: date | None = None
    last_task_status: Status | None = None
    for index, entry in enumerate(task.log):
        if previous is not None and entry.date < previous:
            checker.add(
                ("log", index, "date"),
                "log-order",
                f"ngày {entry.date:%d/%m/%Y} trước mục nhật ký liền trước ({previous:%d/%m/%Y}); "
                "xếp nhật ký theo thứ tự ngày",
            )
        if entry.milestone is not None and entry.milestone > milestones:
            checker.add(("log", index, "milestone"), "milestone", _no_milestone(entry.milestone, milestones))
        if entry.milestone is None:
            last_task_status = entry.status
        previous = max(previous, entry.date) if previous else entry.date
    if last_task_status is not None and last_task_status is not task.status:
        checker.add(
            ("status",),
            "status",
            f"status là '{task.status.value}' nhưng mục nhật ký mới nhất ghi '{last_task_status.value}'; "
            "cập nhật cho khớp",
        )
    if task.status is Status.DONE and task.completed_on is None:
        checker.add(("status",), "status", "nhiệm vụ đã hoàn thành cần ngày hoàn thành 'completed_on'")
    if task.completed_on is not None and task.status is not Status.DONE:
        checker.add(
            ("completed_on",),
            "status",
            f"có completed_on nhưng status là '{task.status.value}'; đặt status: done hoặc xóa completed_on",
        )
    done: set[int] = set()
    for index, item in enumerate(task.completed_milestones):
        if item.milestone > milestones:
            checker.add(
                ("completed_milestones", index, "milestone"), "milestone", _no_milestone(item.milestone, milestones)
            )
        if item.milestone in done:
            checker.add(
                ("completed_milestones", index, "milestone"),
                "milestone",
                f"mốc {item.milestone} ghi hoàn thành hai lần",
            )
        done.add(item.milestone)


def _check_dates(checker: FileChecker, task: Task, *, as_of: date) -> None:
    """Nothing is reported as happening after the as-of date."""
    for index, entry in enumerate(task.log):
        if entry.date > as_of:
            checker.add(
                ("log", index, "date"),
                "log-future",
                f"ngày {entry.date:%d/%m/%Y} sau ngày đối chiếu {as_of:%d/%m/%Y}; không ghi trước tiến độ tương lai",
            )
    if task.completed_on is not None and task.completed_on > as_of:
        checker.add(
            ("completed_on",),
            "log-future",
            f"ngày hoàn thành {task.completed_on:%d/%m/%Y} sau ngày đối chiếu {as_of:%d/%m/%Y}",
        )
    for index, item in enumerate(task.completed_milestones):
        if item.date > as_of:
            checker.add(
                ("completed_milestones", index, "date"),
                "log-future",
                f"ngày {item.date:%d/%m/%Y} sau ngày đối chiếu {as_of:%d/%m/%Y}",
            )


def _no_milestone(number: int, count: int) -> str:
    return f"mốc {number} không tồn tại (nhiệm vụ có {count} mốc theo thời hạn)"


def _check_registry(checker: FileChecker, agencies: AgenciesFile) -> None:
    owners: dict[str, str] = {}
    for index, agency in enumerate(agencies.agencies):
        for key in (agency.code, agency.name, *agency.aliases):
            folded = fold(key)
            owner = owners.setdefault(folded, agency.code)
            if owner != agency.code:
                checker.add(
                    ("agencies", index),
                    "registry",
                    f'tên/mã "{key}" của {agency.code} trùng với {owner}; mỗi tên chỉ thuộc một cơ quan',
                )


def check_indicators_file(
    path: Path, report: Report, *, as_of: date | None = None, text: str | None = None
) -> IndicatorsFile | None:
    """Load and check the indicators file (or `text` meant for it); None when it cannot be read.

    Without `as_of`, figures recorded after some date are not questioned (a report as of an
    earlier date simply leaves them out).
    """
    report.files_checked += 1
    if not path.exists() and text is None:
        report.add(Finding(path=display_path(path), code="file-shape", message="thiếu tệp chỉ tiêu"))
        return None
    checker = FileChecker(path, report, text)
    document = checker.load()
    indicators = None if document is FAILED else checker.validate(IndicatorsFile, document, "chỉ tiêu")
    if indicators is not None:
        _check_indicators(checker, indicators, as_of)
        report.indicators = len(indicators.indicators)
    return indicators


def _check_indicators(checker: FileChecker, indicators: IndicatorsFile, as_of: date | None) -> None:
    from ctr199.indicators import actual_problems, ref_of

    seen: set[int] = set()
    for index, indicator in enumerate(indicators.indicators):
        if indicator.id in seen:
            checker.add(("indicators", index, "id"), "indicator", f"chỉ tiêu số {indicator.id} bị lặp")
        seen.add(indicator.id)
        keys: set[str] = set()
        for t_index, target in enumerate(indicator.targets):
            where: Loc = ("indicators", index, "targets", t_index)
            if target.key in keys:
                checker.add((*where, "key"), "indicator", f"khóa '{target.key}' bị lặp trong chỉ tiêu {indicator.id}")
            keys.add(target.key)
            ref = ref_of(indicator, target)
            if target.target is None:
                checker.add(
                    (*where, "target"), "indicator", f"chỉ tiêu {indicator.id}.{target.key} thiếu giá trị mục tiêu"
                )
            if target.comparator == "range" and (
                target.target_max is None or (target.target is not None and target.target_max < target.target)
            ):
                checker.add((*where, "target_max"), "indicator", "khoảng mục tiêu cần target_max ≥ target")
            if target.comparator != "range" and target.target_max is not None:
                checker.add((*where, "target_max"), "indicator", "target_max chỉ dùng với comparator: range")
            if target.kind == "rank" and target.comparator != "top":
                checker.add((*where, "comparator"), "indicator", "chỉ tiêu thứ hạng dùng comparator: top")
            periods: set[str] = set()
            for a_index, actual in enumerate(target.actuals):
                at: Loc = (*where, "actuals", a_index)
                key = f"{actual.period}{'~' if actual.estimate else ''}"
                if key in periods:
                    kind = "ước tính" if actual.estimate else "chính thức"
                    checker.add((*at, "period"), "indicator", f"số {kind} kỳ {actual.period} ghi hai lần")
                periods.add(key)
                for field, problem in actual_problems(target, actual):
                    checker.add((*at, field), "indicator", f"chỉ tiêu {ref}, kỳ {actual.period}: {problem}")
    if as_of is not None:
        _check_indicator_dates(checker, indicators, as_of)


def _check_indicator_dates(checker: FileChecker, indicators: IndicatorsFile, as_of: date) -> None:
    """Figures recorded after the as-of date: the one indicator check that depends on that date."""
    for index, indicator in enumerate(indicators.indicators):
        for t_index, target in enumerate(indicator.targets):
            for a_index, actual in enumerate(target.actuals):
                if actual.recorded_on is not None and actual.recorded_on > as_of:
                    checker.add(
                        ("indicators", index, "targets", t_index, "actuals", a_index, "recorded_on"),
                        "log-future",
                        f"ngày ghi {actual.recorded_on:%d/%m/%Y} sau ngày đối chiếu {as_of:%d/%m/%Y}",
                    )
