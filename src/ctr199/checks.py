"""Validation of a data directory: every problem in every file, located to line and column."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from ctr199.agencies import AgencyLookupError, Registry
from ctr199.models import (
    DATE_FORMS,
    PLACEHOLDER,
    AgenciesFile,
    IndicatorsFile,
    Milestone,
    ProgrammeFile,
    Status,
    Task,
    UnreadDate,
    date_problem,
    model_in,
)
from ctr199.programme import Programme, TaskHead, milestones_of, recorded_dates
from ctr199.record import Record, read_plain
from ctr199.report import Finding, Report, Severity, display_path
from ctr199.store import YamlError, load_fast_located, locate_in_scalar, locate_node, read_text, scalar_at
from ctr199.text import fold

M = TypeVar("M", bound=Record)
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

    def _written(self, loc: Loc) -> str | None:
        """The value at `loc` as the file writes it (`12:30`, which YAML reads as the number 750)."""
        self.position(loc)  # loads the positions if need be
        return scalar_at(self._nodes, loc) if self._nodes is not None else None

    def validate(self, model: type[M], data: Any, what: str) -> M | None:
        if not isinstance(data, dict):
            shape = {type(None): "rỗng", list: "một danh sách"}.get(type(data), "một giá trị đơn")
            self.add((), "file-shape", f"tệp {what} đang là {shape}; cần một bảng khóa: giá trị (xem ctr199 schema)")
            return None
        made = read_plain(model, data)
        if made is not None:  # plainly valid, as files mostly are: read without importing pydantic
            return made
        from pydantic import ValidationError  # only for what pydantic must convert or refuse

        try:
            return model.validate_with_pydantic(data)
        except ValidationError as exc:
            dated: set[Loc] = set()
            for error in exc.errors():
                loc = tuple(error["loc"])
                problem = _date_message(error, self._written(loc))
                if problem is not None:
                    if loc not in dated:  # one value, one finding (a union reports each of its types)
                        dated.add(loc)
                        self.add(loc, "date", problem)
                    continue
                at_key = error["type"] == "extra_forbidden"
                self.add(loc, "schema", schema_message(error, model), at_key=at_key)
            return None


def _date_message(error: Any, written: str | None) -> str | None:
    """The message of a `date` finding: a date field's refusal, or a value that looks like a date but is none.

    A number or a boolean is named as written (`12:30`, `yes`), not as YAML read it.
    """
    loc = ".".join(str(part) for part in error["loc"]) or "(gốc)"
    if error["type"] == "date":
        given = error.get("input")
        if isinstance(given, bool | int | float) and written is not None:
            return f"'{loc}': \"{written}\" không phải một ngày; viết {DATE_FORMS}"
        return f"'{loc}': {error['ctx']['reason']}"
    given = error.get("input")
    if isinstance(given, UnreadDate):
        problem = date_problem(given)
        return f"'{loc}': {problem}; nếu đây là chữ chứ không phải ngày, đặt trong dấu nháy: '{given}'"
    return None


def schema_message(error: Any, model: type[Record]) -> str:
    """One pydantic error in Vietnamese, naming the field ('log.0.date'); never pydantic's English."""
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
    shown = _shown(given)
    if expected:
        return f"'{loc}' cần {expected}, đang là {shown}"
    if kind in _BOUNDS:
        limit = error.get("ctx", {}).get(_BOUND_KEY[kind])
        return f"'{loc}' phải {_BOUNDS[kind]} {limit}, đang là {shown}"
    if kind in ("literal_error", "enum"):
        choices = str(error.get("ctx", {}).get("expected", "")).replace(" or ", ", ")
        return f"'{loc}' không hợp lệ ({shown}); cần là một trong: {choices}"
    if kind == "string_pattern_mismatch":
        return f"'{loc}' sai định dạng ({shown}); mẫu: {error['ctx']['pattern']}"
    if kind == "too_short":
        return f"'{loc}' không được để trống"
    if kind == "value_error":
        return f"'{loc}': {vietnamese_error(str(error['ctx']['error']))}"
    return f"'{loc}' không hợp lệ, đang là {shown}"


_BOUNDS = {
    "greater_than_equal": "lớn hơn hoặc bằng",
    "greater_than": "lớn hơn",
    "less_than_equal": "nhỏ hơn hoặc bằng",
    "less_than": "nhỏ hơn",
}
_BOUND_KEY = {"greater_than_equal": "ge", "greater_than": "gt", "less_than_equal": "le", "less_than": "lt"}
# What Python's own checks say (a date that does not exist, a bad number), in Vietnamese.
_PYTHON_ERRORS = (
    (re.compile(r"day is out of range for month"), "ngày không có trong tháng đó"),
    (re.compile(r"month must be in 1\.\.12"), "tháng phải từ 1 đến 12"),
    (re.compile(r"year -?\d+ is out of range"), "năm ngoài khoảng cho phép"),
)


def error_reason(error: Any, model: type[Record]) -> str:
    """One pydantic error in Vietnamese without the field's name when it is our own check's message."""
    if error["type"] == "value_error":
        return vietnamese_error(str(error["ctx"]["error"]))
    return schema_message(error, model)


def vietnamese_error(message: str) -> str:
    """A validator's message for people: ours are Vietnamese; Python's (English) are translated or summarised."""
    message = message.removeprefix("Value error, ")
    for pattern, text in _PYTHON_ERRORS:
        if pattern.search(message):
            return text
    return message if not message.isascii() else "giá trị không hợp lệ"


def _shown(given: Any) -> str:
    """A value as written in the file: dates ISO, text quoted."""
    if isinstance(given, date | datetime):
        return given.isoformat(sep=" ") if isinstance(given, datetime) else given.isoformat()
    return repr(given)


def _known_fields(model: type[Record], loc: Iterable[Any]) -> list[str]:
    current: Any = model
    for part in list(loc)[:-1]:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(part)
        annotation = field.annotation if field else None
        current = model_in(annotation)
    return list(current.model_fields) if current is not None else []


_NUMBERED_NAME = re.compile(r"^0*(\d+)(?:[-_.].*)?$")


def check_task(checker: FileChecker, task: Task, programme: Programme, *, as_of: date) -> None:
    """Every rule a single task must satisfy (beyond its schema)."""
    check_task_alone(checker, task, programme.year)
    check_task_context(checker, task, programme, as_of=as_of)


def check_task_alone(checker: FileChecker, task: Task, year: int | None = None) -> list[Milestone]:
    """The rules that depend on nothing but the file and the programme's `year` (so their findings can be
    cached); the milestones."""
    name = _NUMBERED_NAME.match(checker.path.stem)
    if name is None or int(name.group(1)) != task.id:
        checker.add(
            ("id",),
            "filename",
            f"tệp {checker.path.name} chứa nhiệm vụ số {task.id}; đổi tên tệp thành {task.id:03d}.yaml",
        )
    _check_empty_cells(checker, task)
    milestones = _milestones(checker, task, year)
    _check_tracking(checker, task, len(milestones))
    _check_milestone_list(checker, task)
    _check_progress(checker, task, len(milestones))
    _check_milestone_log(checker, task, len(milestones))
    _check_moved(checker, task, milestones)
    if task.extensions:
        _check_extensions(checker, task, milestones)
    return milestones


def check_task_context(checker: FileChecker, task: Task, programme: Programme, *, as_of: date) -> None:
    """The rules that depend on other files (groups, agencies) or on the date: run on every load."""
    for loc, code, message in task_link_problems(TaskHead.of(task), programme):
        checker.add(loc, code, message)
    check_task_dates(checker, task, as_of=as_of)


# A finding before it is located: where in the file, its code, its message.
Problem = tuple[Loc, str, str]


def task_link_problems(head: TaskHead, programme: Programme) -> list[Problem]:
    """What a task names that the other files do not know: its group, subgroup, lead agencies and authority.

    Reads only the task's head, so that a cached task is checked without being rebuilt; the same head
    (group, agencies) always gives the same problems, which lets a load check each combination once.
    """
    problems: list[Problem] = []
    if programme.groups:
        group = programme.group(head.group)
        if group is None:
            known = ", ".join(str(g.id) for g in programme.groups)
            problems.append(
                (("group",), "unknown-group", f"nhóm {head.group} không có trong groups.yaml (có: {known})")
            )
        elif head.subgroup is not None and head.subgroup not in {s.key for s in group.subgroups}:
            keys = ", ".join(s.key for s in group.subgroups) or "không có tiểu mục"
            message = f"tiểu mục '{head.subgroup}' không có trong nhóm {group.id} ({keys})"
            problems.append((("subgroup",), "unknown-group", message))
    registry = programme.registry
    if registry.agencies:
        for index, lead in enumerate(head.lead):
            if registry.find_spelled(lead) is None:
                problems.append((("lead", index), "unknown-agency", _unknown_agency(lead, registry)))
        if head.authority:
            try:
                registry.resolve_authority(head.authority, strict=True)
            except AgencyLookupError as exc:
                problems.append((("authority",), "unknown-agency", _unknown_agency(exc.query, registry)))
    return problems


def _check_empty_cells(checker: FileChecker, task: Task) -> None:
    for key in ("output", "deadline", "lead", "partners", "authority"):
        if key == "deadline" and task.milestones is not None:
            continue
        if not getattr(task, key):
            checker.add((key,), "empty-field", f"ô {_FIELD_NAMES[key]} để trống (như văn bản gốc)", Severity.WARNING)


def _unknown_agency(name: str, registry: Registry) -> str:
    close = registry.suggest(name)
    hint = f'có phải "{close[0].name}"? ' if close else ""
    return (
        f'cơ quan "{name}" không có trong agencies.yaml; {hint}sửa tên hoặc thêm tên này vào aliases của cơ quan đúng'
    )


def _milestones(checker: FileChecker, task: Task, year: int | None) -> list[Milestone]:
    if task.milestones is not None:
        return milestones_of(task, year)
    from ctr199.deadline import DeadlineError, parse_deadline

    try:
        return parse_deadline(task.deadline, year=year)
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
    for index, request in enumerate(task.requests):
        if request.milestone is not None and request.milestone > milestones:
            checker.add(("requests", index, "milestone"), "milestone", _no_milestone(request.milestone, milestones))


def _check_milestone_list(checker: FileChecker, task: Task) -> None:
    """`milestones: []` would make any task "Không thời hạn", never overdue, without a word."""
    if task.milestones is not None and not task.milestones:
        checker.add(
            ("milestones",),
            "milestones-empty",
            "'milestones: []' không ghi mốc nào nên nhiệm vụ sẽ thành \"Không thời hạn\"; "
            "xóa dòng milestones (để dùng thời hạn) hoặc ghi ít nhất một mốc (label, due)",
            at_key=True,
        )


def _completions(task: Task, count: int) -> dict[int, tuple[int, date]]:
    """Each recorded milestone that exists: number → (index in completed_milestones, date); the first record wins."""
    found: dict[int, tuple[int, date]] = {}
    for index, item in enumerate(task.completed_milestones):
        if item.milestone <= count:
            found.setdefault(item.milestone, (index, item.date))
    return found


def _check_progress(checker: FileChecker, task: Task, count: int) -> None:
    """`status` and `completed_on` against `completed_milestones` (code `progress-status`, `completion-date`).

    A done task need not list every milestone: those it does not list were met on `completed_on` (as
    a hand-written `status: done` says); `ctr199 done` lists them all.
    """
    done = _completions(task, count)
    status = task.status.value
    if count and len(done) == count and task.status is not Status.DONE:
        last = max(day for _, day in done.values())
        what = "mốc duy nhất của nhiệm vụ" if count == 1 else f"cả {count} mốc"
        checker.add(
            ("status",),
            "progress-status",
            f"completed_milestones ghi {what} đã hoàn thành nhưng status là '{status}'; đặt status: done và "
            f"completed_on: {last:%Y-%m-%d}, hoặc xóa mốc chưa xong khỏi completed_milestones",
        )
    elif done and task.status is Status.NOT_STARTED:
        first = min(done)
        checker.add(
            ("status",),
            "progress-status",
            f"completed_milestones ghi mốc {first} đã hoàn thành nhưng status là 'not_started'; "
            "đặt status: in_progress (hoặc xóa mốc khỏi completed_milestones)",
        )
    finished = task.completed_on
    if finished is None:
        return
    if done:
        day, number = max((day, number) for number, (_, day) in done.items())  # the last milestone met
        if day > finished or (count == 1 and day != finished):
            checker.add(
                ("completed_on",),
                "completion-date",
                f"ngày hoàn thành nhiệm vụ {finished:%d/%m/%Y} {'trước' if day > finished else 'khác'} ngày hoàn "
                f"thành mốc {number} ({day:%d/%m/%Y}); nhiệm vụ hoàn thành khi mốc cuối cùng hoàn thành — "
                "sửa completed_on hoặc ngày của mốc cho khớp",
            )
    closing = next((entry for entry in reversed(task.log) if entry.milestone is None), None)
    if closing is not None and closing.status is Status.DONE and closing.date != finished:
        checker.add(
            ("completed_on",),
            "completion-date",
            f"ngày hoàn thành {finished:%d/%m/%Y} khác ngày nhật ký ghi hoàn thành ({closing.date:%d/%m/%Y}); "
            "sửa completed_on hoặc nhật ký cho khớp",
        )


def _check_milestone_log(checker: FileChecker, task: Task, count: int) -> None:
    """What the log last says of each milestone against `completed_milestones` (code `log-milestone`)."""
    latest: dict[int, int] = {}
    for index, entry in enumerate(task.log):
        if entry.milestone is not None and entry.milestone <= count:
            latest[entry.milestone] = index
    done = _completions(task, count)
    for number, index in sorted(latest.items()):
        entry = task.log[index]
        said = f"nhật ký ngày {entry.date:%d/%m/%Y} ghi mốc {number}"
        if count == 1:  # the one milestone is the task itself
            if entry.status is Status.DONE and task.status is not Status.DONE:
                checker.add(
                    ("log", index, "milestone"),
                    "log-milestone",
                    f"{said} (mốc duy nhất) hoàn thành nhưng status là '{task.status.value}'; đặt status: done và "
                    f"completed_on: {entry.date:%Y-%m-%d}, hoặc sửa nhật ký",
                )
            continue
        recorded = done.get(number)
        if entry.status is Status.DONE and recorded is None:
            checker.add(
                ("log", index, "milestone"),
                "log-milestone",
                f"{said} hoàn thành nhưng completed_milestones không có mốc {number}; thêm "
                f"'- milestone: {number}' với date: {entry.date:%Y-%m-%d} vào completed_milestones, hoặc sửa nhật ký",
            )
        elif entry.status is not Status.DONE and recorded is not None:
            checker.add(
                ("completed_milestones", recorded[0], "milestone"),
                "log-milestone",
                f"completed_milestones ghi mốc {number} hoàn thành nhưng {said} '{entry.status.value}'; "
                f"xóa mốc {number} khỏi completed_milestones hoặc sửa nhật ký",
            )
        elif recorded is not None and recorded[1] != entry.date:
            checker.add(
                ("completed_milestones", recorded[0], "date"),
                "log-milestone",
                f"ngày hoàn thành mốc {number} ({recorded[1]:%d/%m/%Y}) khác ngày nhật ký ghi mốc {number} hoàn thành "
                f"({entry.date:%d/%m/%Y}); sửa cho khớp",
            )


def _same_milestone(label: str, due: date | None, milestone: Milestone) -> bool:
    return due == milestone.due and " ".join(fold(label).split()) == " ".join(fold(milestone.label).split())


def _check_moved(checker: FileChecker, task: Task, milestones: list[Milestone]) -> None:
    """A completion stays with the milestone it was recorded for (code `milestone-moved`).

    A record carries the label and due date of its milestone (the edit commands write them); when
    the deadline now gives its number to another milestone, the completion would silently move.
    """
    for index, item in enumerate(task.completed_milestones):
        if item.label is None or not 1 <= item.milestone <= len(milestones):
            continue
        now = milestones[item.milestone - 1]
        if _same_milestone(item.label, item.due, now):
            continue
        was = f'"{item.label}"' + (f" (hạn {item.due:%d/%m/%Y})" if item.due else "")
        current = f'"{now.label}"' + (f" (hạn {now.due:%d/%m/%Y})" if now.due else "")
        other = next((n for n, m in enumerate(milestones, start=1) if _same_milestone(item.label, item.due, m)), None)
        if other is not None:
            fix = f"đổi milestone: {item.milestone} thành {other} (cả trong nhật ký) hoặc sửa lại thời hạn"
        else:
            fix = "thời hạn hiện nay không còn mốc đó; sửa lại thời hạn hoặc ghi lại mốc đã hoàn thành"
        checker.add(
            ("completed_milestones", index, "milestone"),
            "milestone-moved",
            f"mốc {item.milestone} ghi hoàn thành là {was} nhưng theo thời hạn hiện nay mốc {item.milestone} "
            f"là {current}; {fix}",
        )


def _check_extensions(checker: FileChecker, task: Task, milestones: list[Milestone]) -> None:
    """Each extension names a dated milestone, reads as one dated deadline, and moves it later."""
    from ctr199.extension import PeriodError, new_due

    previous: dict[int, date] = {}  # milestone → due date in force, following the extensions in date order
    for index, extension in sorted(enumerate(task.extensions), key=lambda item: (item[1].date, item[0])):
        number = extension.milestone
        if number > len(milestones):
            checker.add(
                ("extensions", index, "milestone"), "extension-milestone", _no_milestone(number, len(milestones))
            )
            continue
        milestone = milestones[number - 1]
        if milestone.due is None or milestone.ongoing:
            checker.add(
                ("extensions", index, "milestone"),
                "extension-milestone",
                f"mốc {number} ({milestone.label}) không có ngày hạn nên không gia hạn được",
            )
            continue
        try:
            due = new_due(extension.to)
        except PeriodError as exc:
            checker.add(("extensions", index, "to"), "extension-period", str(exc))
            continue
        replaced = previous.get(number, milestone.due)
        if due <= replaced:
            checker.add(
                ("extensions", index, "to"),
                "extension-not-later",
                f'gia hạn mốc {number} đến "{extension.to}" ({due:%d/%m/%Y}) không muộn hơn hạn đang có '
                f"({replaced:%d/%m/%Y}); gia hạn phải lùi thời hạn về sau",
            )
            continue
        previous[number] = due


# A date recorded after the as-of date, by where it is: the finding's code, what the date is, and the fix.
_LATER = {
    "log": ("log-future", "ngày", "; không ghi tiến độ cho ngày chưa đến"),
    "completed_on": ("log-future", "ngày hoàn thành", ""),
    "completed_milestones": ("log-future", "ngày", ""),
    "extensions": ("extension-future", "ngày gia hạn", "; không ghi trước gia hạn chưa được duyệt"),
    "requests": ("log-future", "ngày nhận đề nghị", ""),
}


def check_task_dates(checker: FileChecker, task: Task, *, as_of: date) -> None:
    """Nothing is reported as happening after the as-of date."""
    for place, day in recorded_dates(task):
        if day > as_of:
            code, what, fix = _LATER[str(place[0])]
            checker.add(place, code, f"{what} {day:%d/%m/%Y} sau ngày đối chiếu {as_of:%d/%m/%Y}{fix}")


def _no_milestone(number: int, count: int) -> str:
    return f"mốc {number} không tồn tại (nhiệm vụ có {count} mốc theo thời hạn)"


def check_programme_file(checker: FileChecker, programme: ProgrammeFile) -> None:
    """What `ctr199 init` left for the office to fill in: a warning per key (documents refuse until filled)."""
    for key in programme.placeholders():
        checker.add(
            tuple(key.split(".")),
            "programme-placeholder",
            f"'{key}' còn chỗ [{PLACEHOLDER}: …]; ghi giá trị thật của cơ quan trước khi lập văn bản",
            Severity.WARNING,
        )


def check_registry(checker: FileChecker, agencies: AgenciesFile) -> None:
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
    path: Path, report: Report, *, as_of: date | None = None, text: str | None = None, year: int | None = None
) -> IndicatorsFile | None:
    """Load and check the indicators file (or `text` meant for it); None when it cannot be read.

    Without `as_of`, figures recorded after some date are not questioned (a report as of an
    earlier date simply leaves them out); without `year` (programme.yaml's), neither are their years.
    """
    report.files_checked += 1
    if not path.exists() and text is None:
        report.add(Finding(path=display_path(path), code="file-shape", message="thiếu tệp chỉ tiêu"))
        return None
    checker = FileChecker(path, report, text)
    document = checker.load()
    indicators = None if document is FAILED else checker.validate(IndicatorsFile, document, "chỉ tiêu")
    if indicators is not None:
        check_indicators(checker, indicators, as_of)
        if year is not None:
            check_indicator_year(checker, indicators, year)
        report.indicators = len(indicators.indicators)
    return indicators


def check_indicators(checker: FileChecker, indicators: IndicatorsFile, as_of: date | None) -> None:
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
        check_indicator_dates(checker, indicators, as_of)


def check_indicator_year(checker: FileChecker, indicators: IndicatorsFile, year: int) -> None:
    """Figures of a period outside the programme's year (programme.yaml): never judged against its targets."""
    from ctr199.indicators import period_of, period_year_problem, ref_of

    for index, indicator in enumerate(indicators.indicators):
        for t_index, target in enumerate(indicator.targets):
            for a_index, actual in enumerate(target.actuals):
                period = period_of(actual.period)
                if period.year != year:
                    problem = period_year_problem(period, year)
                    checker.add(
                        ("indicators", index, "targets", t_index, "actuals", a_index, "period"),
                        "indicator",
                        f"chỉ tiêu {ref_of(indicator, target)}, kỳ {actual.period}: {problem}",
                    )


def check_indicator_dates(checker: FileChecker, indicators: IndicatorsFile, as_of: date) -> None:
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
