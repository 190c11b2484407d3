"""Edits to task files: progress updates and new tasks.

An edit goes through ruamel's round trip, so every line it does not mean to change stays
byte-identical and `git diff` shows only the new or changed lines. The new state is checked
with the `Task` model and every task rule of `checks` before anything is written; a refused
edit leaves the file as it was. Writes are atomic, and refused when the file changed on disk
since it was read (two people editing the same task at once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ctr199.agencies import AgencyLookupError, Registry
from ctr199.checks import FAILED, FileChecker, check_task
from ctr199.deadline import DeadlineError, parse_deadline
from ctr199.errors import EXIT_FINDINGS, EXIT_USAGE, Ctr199Error, DataError
from ctr199.fmt import yaml_string
from ctr199.loading import edit_context
from ctr199.models import TASK_KEY_ORDER, Agency, Milestone, Status, Task
from ctr199.programme import Programme, milestones_of
from ctr199.report import Report, display_path
from ctr199.store import (
    ChangedMeanwhile,
    DataDir,
    YamlError,
    atomic_write,
    dump_roundtrip,
    load_roundtrip,
    read_text,
    render_task,
    unchanged_since_read,
)
from ctr199.text import forbidden_char


class EditRefused(Ctr199Error):
    """An edit that was not made; `usage` tells a mistake in the request (exit 2) from a rule of the data (exit 1)."""

    def __init__(self, message: str, *, usage: bool = False):
        super().__init__(message, EXIT_USAGE if usage else EXIT_FINDINGS)
        self.usage = usage


@dataclass(frozen=True)
class ProgressUpdate:
    """What staff report: a status (of the task, or of one milestone) on a date, with evidence."""

    task_id: int
    status: Status
    on: date
    milestone: int | None = None
    note: str = ""
    ref: str = ""
    source: str = ""  # where the report came from (an agency's form): kept on every log entry it adds


@dataclass(frozen=True)
class UpdateResult:
    task_id: int
    path: Path
    on: date
    status_before: Status
    status_after: Status
    milestone: int | None
    milestone_status: Status | None
    before: str
    after: str
    written: bool


# ---------------------------------------------------------------- reading what the checks need


def _programme(root: Path) -> Programme:
    """Groups and agency registry, the context of the task rules; a broken file refuses the edit."""
    try:
        return edit_context(root)
    except DataError as exc:
        raise EditRefused(exc.message) from None


def _problems(path: Path, text: str, programme: Programme, as_of: date) -> tuple[Task | None, Report]:
    """The task in `text` and the errors every task rule finds in it."""
    report = Report()
    checker = FileChecker(path, report, text)
    document = checker.load()
    task = None if document is FAILED else checker.validate(Task, document, "nhiệm vụ")
    if task is not None:
        check_task(checker, task, programme, as_of=as_of)
    return task, report


def _first_error(report: Report) -> str:
    finding = report.errors[0]
    more = f" (và {len(report.errors) - 1} lỗi khác)" if len(report.errors) > 1 else ""
    return f"{finding.path}:{finding.line}:{finding.col}: {finding.message}{more}"


def _unchanged_since_read(path: Path, text: str) -> None:
    try:
        unchanged_since_read(path, text)
    except ChangedMeanwhile as exc:
        raise EditRefused(str(exc)) from None


# ---------------------------------------------------------------- progress updates


def update_task(root: Path, update: ProgressUpdate, *, as_of: date, write: bool = True) -> UpdateResult:
    """Append a dated log entry and update status / milestone completion of one task file.

    Raises `EditRefused` (and writes nothing) when the request or the resulting file breaks a rule.
    """
    path, text, task, tree, programme = _open_task(root, update.task_id, as_of)
    new_task, plan, after = apply_update(path, tree, task, programme, update, as_of=as_of)
    if write:
        atomic_write(path, after, before_replace=lambda: _unchanged_since_read(path, text))
    return UpdateResult(
        task_id=task.id,
        path=path,
        on=update.on,
        status_before=task.status,
        status_after=new_task.status,
        milestone=plan.milestone,
        milestone_status=update.status if plan.milestone is not None else None,
        before=text,
        after=after,
        written=write,
    )


def _open_task(root: Path, task_id: int, as_of: date) -> tuple[Path, str, Task, CommentedMap, Programme]:
    """A task file ready for a round-trip edit: its text, model and tree, and the rules' context.

    Refused when the task does not exist (a usage error), or when the file already has errors or is
    not in the canonical layout (rewriting it would change other lines too).
    """
    path = DataDir(root).task_path(task_id)
    if not path.is_file():
        raise EditRefused(f"không có nhiệm vụ số {task_id} (không thấy {display_path(path)})", usage=True)
    programme = _programme(root)
    task, text, tree = checked_task_text(path, programme, as_of)
    return path, text, task, tree, programme


def edit_programme(root: Path) -> Programme:
    """What the task rules need besides the task file (identity, groups, registry); `EditRefused` if broken."""
    return _programme(root)


def checked_task_text(path: Path, programme: Programme, as_of: date) -> tuple[Task, str, CommentedMap]:
    """A task file's task, text and round-trip tree; refused when it has errors or is not canonical."""
    broken = "tệp đang có lỗi, sửa tay trước (ctr199 validate)"
    try:
        text = read_text(path)
    except YamlError as exc:
        raise EditRefused(f"{broken}: {display_path(path)}:{exc.line}:{exc.col}: {exc.message}") from None
    task, report = _problems(path, text, programme, as_of)
    if task is None or report.errors:
        raise EditRefused(f"{broken}: {_first_error(report)}")
    tree = load_roundtrip(path, text)
    if dump_roundtrip(tree) != text:
        raise EditRefused(
            f"{display_path(path)} chưa theo bố cục chuẩn nên ghi lại sẽ đổi cả những dòng khác; "
            f"chạy `ctr199 fmt {display_path(path)}`, commit, rồi cập nhật"
        )
    return task, text, tree


def apply_update(
    path: Path,
    tree: CommentedMap,
    task: Task,
    programme: Programme,
    update: ProgressUpdate,
    *,
    as_of: date,
    check: bool = True,
) -> tuple[Task, _Plan, str]:
    """`update` recorded in the round-trip `tree` of `path` (nothing is written): the new task, the plan, the text.

    `tree` must hold the checked, canonical `task` (from `checked_task_text`, or a previous call).
    A refused update leaves it unchanged unless the result failed the task rules (then it is spoilt).
    With `check=False` several updates can be made in a row without writing out and checking the
    text after each (the text returned is then empty): the caller must `check_tree` at the end.
    """
    for option, value in (("--note", update.note), ("--ref", update.ref), ("nguồn", update.source)):
        problem = forbidden_char(_unix_line_ends(value))
        if problem:
            raise EditRefused(f"{option}: {problem}", usage=True)
    _check_date(task, update.on, as_of)
    plan = _plan(task, update, milestones_of(task, programme.year))
    _apply(tree, task, plan)
    if not check:
        try:
            return Task.model_validate(tree), plan, ""
        except ValidationError as exc:
            raise EditRefused(f"cập nhật này làm dữ liệu sai: {exc.errors()[0]['msg']}") from None
    new_task, after = check_tree(path, tree, programme, as_of=as_of, what="cập nhật này")
    return new_task, plan, after


def check_tree(path: Path, tree: CommentedMap, programme: Programme, *, as_of: date, what: str) -> tuple[Task, str]:
    """The text of an edited round-trip tree, checked with every task rule; `EditRefused` if it breaks one."""
    after = dump_roundtrip(tree)
    new_task, report = _problems(path, after, programme, as_of)
    if new_task is None or report.errors:
        raise EditRefused(f"{what} làm dữ liệu sai: {_first_error(report)}")
    return new_task, after


def add_request(tree: CommentedMap, request: dict[str, Any]) -> Task:
    """One more pending extension request (`requests`) in the round-trip `tree`; `check_tree` it after."""
    _block_list(tree, "requests").append(_mapping({k: v for k, v in request.items() if v not in (None, "")}))
    try:
        return Task.model_validate(tree)
    except ValidationError as exc:
        raise EditRefused(f"đề nghị gia hạn này làm dữ liệu sai: {exc.errors()[0]['msg']}") from None


def _check_date(task: Task, on: date, as_of: date) -> None:
    if on > as_of:
        raise EditRefused(
            f"ngày {on:%d/%m/%Y} sau ngày đối chiếu {as_of:%d/%m/%Y} (--as-of); không ghi tiến độ cho ngày chưa đến"
        )
    if task.log:
        latest = max(entry.date for entry in task.log)
        if on < latest:
            raise EditRefused(
                f"ngày {on:%d/%m/%Y} trước mục nhật ký gần nhất ({latest:%d/%m/%Y}); nhật ký ghi theo thứ tự ngày"
            )


@dataclass
class _Plan:
    """The changes to make, decided on the model before the file is touched."""

    milestone: int | None
    entries: list[dict[str, Any]]
    status: Status
    completed_on: date | None
    completed: dict[int, dict[str, Any]] = field(default_factory=dict)  # milestone → new record
    reopened: set[int] = field(default_factory=set)


def _entry(
    on: date, status: Status, milestone: int | None = None, note: str = "", ref: str = "", source: str = ""
) -> dict[str, Any]:
    entry: dict[str, Any] = {"date": on, "status": status.value}
    if milestone is not None:
        entry["milestone"] = milestone
    for key, value in (("note", note), ("ref", ref), ("source", source)):
        if value.strip():
            entry[key] = _unix_line_ends(value.strip())
    return entry


def _unix_line_ends(text: str) -> str:
    """Text pasted from Windows has CR LF line ends; a data file keeps LF alone (YAML would drop the CR)."""
    return text.replace("\r\n", "\n")


def _done_record(number: int, milestone: Milestone, on: date, ref: str) -> dict[str, Any]:
    """A completion, with the label and due date that identify its milestone (see `checks._check_moved`)."""
    record: dict[str, Any] = {"milestone": number, "label": milestone.label}
    if milestone.due is not None:  # none for an ongoing milestone
        record["due"] = milestone.due
    record["date"] = on
    if ref.strip():
        record["ref"] = ref.strip()
    return record


def _plan(task: Task, update: ProgressUpdate, milestones: list[Milestone]) -> _Plan:
    count = len(milestones)
    done_on = {item.milestone: item.date for item in task.completed_milestones}
    number = update.milestone
    if number is not None and not 1 <= number <= count:
        have = f"chỉ có mốc 1…{count}" if count > 1 else ("chỉ có một mốc" if count == 1 else "không có mốc nào")
        raise EditRefused(f"nhiệm vụ ({task.id}) không có mốc {number}; nhiệm vụ {have}", usage=True)
    if number is not None and count == 1:
        number = None  # the one milestone is the task itself: record it as such
    if number is None:
        return _plan_task(task, update, milestones, done_on)

    status = update.status
    plan = _Plan(
        number,
        [_entry(update.on, status, number, update.note, update.ref, update.source)],
        task.status,
        task.completed_on,
    )
    if status is Status.DONE:
        if number in done_on:
            raise EditRefused(
                f"mốc {number} của nhiệm vụ ({task.id}) đã ghi hoàn thành ngày {done_on[number]:%d/%m/%Y}"
            )
        plan.completed[number] = _done_record(number, milestones[number - 1], update.on, update.ref)
        done_on[number] = update.on
    elif number in done_on:
        plan.reopened.add(number)
        del done_on[number]
    if len(done_on) == count:
        plan.status, plan.completed_on = Status.DONE, max(done_on.values())
    elif task.status is Status.DONE:
        plan.status, plan.completed_on = Status.IN_PROGRESS, None
    elif task.status is Status.NOT_STARTED and (status is not Status.NOT_STARTED or done_on):
        plan.status = Status.IN_PROGRESS
    if plan.status is not task.status:
        # Every change of the task's own status has its own log line, so the log explains the status.
        plan.entries.append(_entry(update.on, plan.status, source=update.source))
    return plan


def _plan_task(task: Task, update: ProgressUpdate, milestones: list[Milestone], done_on: dict[int, date]) -> _Plan:
    count = len(milestones)
    status = update.status
    plan = _Plan(None, [_entry(update.on, status, None, update.note, update.ref, update.source)], status, None)
    if status is Status.DONE:
        if task.status is Status.DONE:
            when = f" ngày {task.completed_on:%d/%m/%Y}" if task.completed_on else ""
            raise EditRefused(f"nhiệm vụ ({task.id}) đã hoàn thành{when}; không ghi hoàn thành lần nữa")
        if count > 1:
            for number in range(1, count + 1):
                if number not in done_on:
                    plan.completed[number] = _done_record(number, milestones[number - 1], update.on, update.ref)
        plan.completed_on = max([update.on, *done_on.values()])
    elif count > 1 and len(done_on) == count:
        raise EditRefused(f"mọi mốc của nhiệm vụ ({task.id}) đã ghi hoàn thành; dùng --milestone K để mở lại một mốc")
    return plan


def _apply(tree: CommentedMap, task: Task, plan: _Plan) -> None:
    if plan.completed or plan.reopened:
        records = _block_list(tree, "completed_milestones")
        numbers = [item.milestone for item in task.completed_milestones]  # as validated: ints, file order
        for index in reversed(range(len(numbers))):
            if numbers[index] in plan.reopened:
                del records[index], numbers[index]
        for number, record in sorted(plan.completed.items()):
            position = sum(1 for other in numbers if other < number)
            records.insert(position, _mapping(record))
            numbers.insert(position, number)
    # Only what changes is written: an unchanged value keeps its spelling (say, "Hoàn thành" or 20/05/2026).
    if plan.status is not task.status:
        _set(tree, "status", plan.status.value)
    if plan.completed_on != task.completed_on:
        _set(tree, "completed_on", plan.completed_on)
    log = _block_list(tree, "log")
    for entry in plan.entries:
        log.append(_mapping(entry))


def _mapping(values: dict[str, Any]) -> CommentedMap:
    mapping = CommentedMap()
    for key, value in values.items():
        mapping[key] = yaml_string(value) if isinstance(value, str) else value
    return mapping


def _set(tree: CommentedMap, key: str, value: Any) -> None:
    """Set a top-level key, inserting it at its canonical place when the file lacks it."""
    if key in tree:
        tree[key] = value
        return
    rank = TASK_KEY_ORDER.index(key)
    later = [i for i, k in enumerate(tree) if k in TASK_KEY_ORDER and TASK_KEY_ORDER.index(k) > rank]
    tree.insert(later[0] if later else len(tree), key, value)


def _block_list(tree: CommentedMap, key: str) -> CommentedSeq:
    """The list under `key`, created if missing; an empty `[]` becomes a block list as it gains items."""
    current = tree.get(key)
    if not isinstance(current, CommentedSeq):
        current = CommentedSeq()
        _set(tree, key, current)
    if not current:
        current.fa.set_block_style()
    return current


# ---------------------------------------------------------------- extensions (gia hạn)


@dataclass(frozen=True)
class ExtensionRequest:
    """An approved extension: milestone `milestone` (None: the task's only one) is due by `to` from `on`."""

    task_id: int
    to: str
    on: date
    ref: str
    milestone: int | None = None
    note: str = ""


@dataclass(frozen=True)
class ExtendResult:
    task_id: int
    path: Path
    milestone: int
    several: bool  # whether the task has several milestones (then messages name this one)
    original: str  # the original deadline as written (the label, for one milestone of several)
    original_due: date
    due_before: date  # the due date in force the day before the extension
    due_after: date
    to: str
    on: date
    before: str
    after: str
    written: bool


def extend_task(root: Path, request: ExtensionRequest, *, as_of: date, write: bool = True) -> ExtendResult:
    """Append an approved extension to one task file, after checking it moves the deadline later.

    Raises `EditRefused` (and writes nothing) when the request or the resulting file breaks a rule:
    no document (`ref`), a date after `as_of`, a new deadline not later than the one in force, a
    milestone that is done, has no due date or does not exist.
    """
    from ctr199.extension import PeriodError, in_force, new_due
    from ctr199.programme import TaskRecord
    from ctr199.query import milestone_done_on

    for option, value in (("--to", request.to), ("--ref", request.ref), ("--note", request.note)):
        problem = forbidden_char(_unix_line_ends(value))
        if problem:
            raise EditRefused(f"{option}: {problem}", usage=True)
    to = " ".join(request.to.split())
    if not to:
        raise EditRefused('--to: cần thời hạn mới, ví dụ "Quý I/2027"', usage=True)
    try:
        due = new_due(to)
    except PeriodError as exc:
        raise EditRefused(f"--to: {exc}", usage=True) from None
    if not request.ref.strip():
        raise EditRefused(
            '--ref: gia hạn cần văn bản cho phép (số, ký hiệu), ví dụ --ref "Văn bản số 123/UBND-XD"; không ghi'
        )
    path, text, task, tree, programme = _open_task(root, request.task_id, as_of)
    if request.on > as_of:
        raise EditRefused(
            f"ngày gia hạn {request.on:%d/%m/%Y} sau ngày đối chiếu {as_of:%d/%m/%Y} (--as-of); "
            "không ghi trước gia hạn chưa được duyệt"
        )
    record = TaskRecord.of(task, path, programme.year)
    number = _extended_milestone(task, request.milestone, len(record.milestones))
    milestone = record.milestones[number - 1]
    several = len(record.milestones) > 1
    which = f"mốc {number} của nhiệm vụ ({task.id})" if several else f"nhiệm vụ ({task.id})"
    if milestone.due is None or milestone.ongoing:
        raise EditRefused(f"{which} không có ngày hạn ({milestone.label}); không có gì để gia hạn")
    done_on = milestone_done_on(record, number, request.on)
    if done_on is not None:
        raise EditRefused(f"{which} đã hoàn thành ngày {done_on:%d/%m/%Y}; không gia hạn việc đã xong")
    later = [e.date for e in task.extensions if e.milestone == number and e.date > request.on]
    if later:
        raise EditRefused(
            f"{which} đã có gia hạn ngày {max(later):%d/%m/%Y}, sau ngày {request.on:%d/%m/%Y}; "
            "gia hạn ghi theo thứ tự ngày"
        )
    current, _ = in_force(task, number, milestone.due, request.on)
    assert current is not None  # a dated milestone keeps a due date
    if due <= current:
        raise EditRefused(
            f'gia hạn đến "{to}" ({due:%d/%m/%Y}) không muộn hơn thời hạn hiện tại của {which} '
            f"({current:%d/%m/%Y}); gia hạn phải lùi thời hạn về sau"
        )
    entry: dict[str, Any] = {"milestone": number, "to": to, "date": request.on, "ref": request.ref.strip()}
    if request.note.strip():
        entry["note"] = _unix_line_ends(request.note.strip())
    _block_list(tree, "extensions").append(_mapping(entry))
    after = dump_roundtrip(tree)
    new_task, report = _problems(path, after, programme, as_of)
    if new_task is None or report.errors:
        raise EditRefused(f"gia hạn này làm dữ liệu sai: {_first_error(report)}")
    if write:
        atomic_write(path, after, before_replace=lambda: _unchanged_since_read(path, text))
    from ctr199.query import original_deadline_text

    return ExtendResult(
        task_id=task.id,
        path=path,
        milestone=number,
        several=several,
        original=original_deadline_text(record, milestone.label),
        original_due=milestone.due,
        due_before=current,
        due_after=due,
        to=to,
        on=request.on,
        before=text,
        after=after,
        written=write,
    )


def _extended_milestone(task: Task, wanted: int | None, count: int) -> int:
    if count == 0:
        raise EditRefused(f"nhiệm vụ ({task.id}) chưa xác định được mốc nào từ thời hạn; không có gì để gia hạn")
    if wanted is None:
        if count > 1:
            raise EditRefused(
                f"nhiệm vụ ({task.id}) có {count} mốc; chọn mốc cần gia hạn: --milestone 1…{count}", usage=True
            )
        return 1
    if not 1 <= wanted <= count:
        have = f"chỉ có mốc 1…{count}" if count > 1 else "chỉ có một mốc"
        raise EditRefused(f"nhiệm vụ ({task.id}) không có mốc {wanted}; nhiệm vụ {have}", usage=True)
    return wanted


# ---------------------------------------------------------------- new tasks


@dataclass(frozen=True)
class NewTask:
    """The appendix columns of a task added mid-year."""

    title: str
    group: int
    deadline: str
    lead: list[str]
    output: str = ""
    partners: list[str] = field(default_factory=list)
    authority: str = ""
    subgroup: str | None = None


@dataclass(frozen=True)
class CreateResult:
    task: Task
    path: Path
    text: str
    written: bool


_NUMBERED = re.compile(r"^0*(\d+)")


def next_task_id(root: Path) -> int:
    """One more than the highest task number in use (file names are the numbers)."""
    numbers = [int(m.group(1)) for p in DataDir(root).task_files() if (m := _NUMBERED.match(p.stem))]
    return max(numbers, default=0) + 1


def create_task(root: Path, draft: NewTask, *, as_of: date, write: bool = True) -> CreateResult:
    """Write `tasks/NNN.yaml` for a new task with the next free number, after checking every field."""
    programme = _programme(root)
    if not draft.title.strip():
        raise EditRefused("--title: tên nhiệm vụ không được để trống", usage=True)
    group = programme.group(draft.group)
    if programme.groups and group is None:
        known = ", ".join(str(g.id) for g in programme.groups)
        raise EditRefused(f"--group: nhóm {draft.group} không có trong groups.yaml (có: {known})", usage=True)
    if draft.subgroup is not None and (group is None or draft.subgroup not in {s.key for s in group.subgroups}):
        keys = ", ".join(s.key for s in group.subgroups) if group and group.subgroups else "không có tiểu mục"
        raise EditRefused(
            f"--subgroup: tiểu mục '{draft.subgroup}' không có trong nhóm {draft.group} ({keys})", usage=True
        )
    try:
        parse_deadline(draft.deadline, year=programme.year)
    except DeadlineError as exc:
        raise EditRefused(f"--deadline: {exc}", usage=True) from None
    if not [name for name in draft.lead if name.strip()]:
        raise EditRefused("--lead: cần ít nhất một cơ quan chủ trì", usage=True)
    leads = [_agency_name(programme.registry, name, "--lead") for name in draft.lead if name.strip()]
    partners = [_partner_name(programme.registry, p) for p in draft.partners if p.strip()]
    authority = _authority(programme.registry, draft.authority) if draft.authority.strip() else ""
    number = next_task_id(root)
    try:
        task = Task(
            id=number,
            group=draft.group,
            subgroup=draft.subgroup,
            title=draft.title.strip(),
            output=draft.output.strip(),
            deadline=draft.deadline.strip(),
            lead=leads,
            partners=partners,
            authority=authority,
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        field = error["loc"][0] if error["loc"] else "title"
        option = "--partner" if field == "partners" else f"--{field}"
        from ctr199.checks import error_reason

        raise EditRefused(f"{option}: {error_reason(error, Task)}", usage=True) from None
    path = DataDir(root).task_path(number)
    text = render_task(task)
    checked, report = _problems(path, text, programme, as_of)
    if checked is None or report.errors:
        raise EditRefused(f"nhiệm vụ mới chưa hợp lệ: {_first_error(report)}")
    if write:
        if path.exists():
            raise EditRefused(f"đã có tệp {display_path(path)}; không ghi đè")
        atomic_write(path, text, before_replace=lambda: _still_absent(path))
    return CreateResult(task, path, text, write)


def _still_absent(path: Path) -> None:
    if path.exists():
        raise EditRefused(f"{display_path(path)} vừa được tạo bởi người hoặc chương trình khác; không ghi đè")


def _agency_name(registry: Registry, text: str, option: str) -> str:
    """The name to store: as typed when spelled right, else the registry's name for the same words.

    Only a name equal after folding (case, accents, tone placement) is taken; a prefix or a word
    of several names is refused with the candidates, never completed by a guess.
    """
    text = text.strip()
    known = _known_name(registry, text)
    if known is not None:
        return known
    try:
        meant = registry.resolve(text)
    except AgencyLookupError as exc:
        raise EditRefused(f"{option}: {_lookup_message(exc)}", usage=True) from None
    raise EditRefused(
        f'{option}: "{text}" chưa đủ tên cơ quan; ghi đầy đủ "{meant.name}" hoặc mã {meant.code}', usage=True
    )


def _known_name(registry: Registry, text: str) -> str | None:
    """The name to store for `text` when no guess is involved: a code's agency, a name spelled right (kept as
    typed), or the registry's name for the same words after folding; None otherwise (or with no registry: as typed)."""
    coded = _by_code(registry, text)
    if coded is not None:
        return coded.name
    if not registry.agencies or registry.find_spelled(text) is not None:
        return text
    exact = registry.find(text)
    return exact.name if exact is not None else None


def _by_code(registry: Registry, text: str) -> Agency | None:
    """The agency whose code `text` is, in any case ("SXD", "sxd"): a code is stored as the agency's name."""
    wanted = text.casefold()
    return next((agency for agency in registry.agencies if agency.code.casefold() == wanted), None)


def _partner_name(registry: Registry, text: str) -> str:
    """A partner cell: a registry name as the registry spells it, free text as typed, never a completed prefix."""
    text = text.strip()
    known = _known_name(registry, text)
    if known is not None:
        return known
    started = registry.starting_with(text)
    if started:
        names = "; ".join(f'"{a.name}"' for a in started)
        raise EditRefused(f'--partner: "{text}" chưa đủ tên cơ quan; ghi đầy đủ tên: {names}', usage=True)
    return text


def _authority(registry: Registry, text: str) -> str:
    text = text.strip()
    if not registry.agencies:
        return text
    try:
        registry.resolve_authority(text, strict=True)
        return text
    except AgencyLookupError:
        return _agency_name(registry, text, "--authority")


def _lookup_message(exc: AgencyLookupError) -> str:
    names = "; ".join(f'"{a.name}"' for a in exc.candidates)
    if exc.ambiguous:
        return f'"{exc.query}" khớp nhiều cơ quan: {names}; ghi rõ hơn'
    hint = f"; có phải {names}?" if names else ""
    return f'không tìm thấy cơ quan "{exc.query}" trong agencies.yaml{hint}'
