"""What changed in the data, read from git: per task, status transitions, new log entries, edited fields.

Each commit that touched a task file is compared with its parent (both versions parsed with the
fast safe loader), so every change carries its commit, author and date. Merge commits are
skipped: the commits they bring in are listed themselves.
"""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, ValidationError

from ctr199.models import TASK_KEY_ORDER, Extension, LogEntry, MilestoneDone, MilestoneOverride, Status, Task
from ctr199.store import TASKS_DIR, YamlError, load_fast
from ctr199.text import shorten


class HistoryError(Exception):
    """No history to read: not a git repository, git missing, or an unknown revision."""


class Commit(BaseModel):
    sha: str
    author: str
    date: datetime
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:7]


class ChangeKind(StrEnum):
    CREATED = "created"
    DELETED = "deleted"
    STATUS = "status"
    LOG_ADDED = "log_added"
    LOG_REMOVED = "log_removed"
    FIELD = "field"
    UNREADABLE = "unreadable"
    REPAIRED = "repaired"


class Change(BaseModel):
    """One change to one task in one commit."""

    kind: ChangeKind
    commit: Commit
    field: str | None = None
    before: Any = None
    after: Any = None
    entry: LogEntry | None = None
    completed_on: date | None = None  # with a status change to done: the completion date


class TaskChanges(BaseModel):
    task_id: int
    title: str
    path: str
    changes: list[Change]


class ChangeReport(BaseModel):
    """The changes of a window of history, per task (by number), each task's changes in commit order."""

    since: str
    until: str
    commits: list[Commit]
    tasks: list[TaskChanges]


Bound = date | str  # a calendar day, or a git revision


# ---------------------------------------------------------------- git


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    command = ["git", "-c", "core.quotepath=off", *args]
    try:
        done = subprocess.run(command, cwd=cwd, input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise HistoryError("không tìm thấy chương trình git; cài git để xem lịch sử thay đổi") from None
    if done.returncode != 0:
        raise _GitFailed(done.stderr.decode("utf-8", "replace").strip())
    return done.stdout


class _GitFailed(Exception):
    pass


def _repository(data_dir: Path) -> tuple[Path, str]:
    """The top of the git repository holding `data_dir`, and `data_dir` relative to it (POSIX)."""
    try:
        top = Path(_git(data_dir, "rev-parse", "--show-toplevel").decode("utf-8").strip())
    except _GitFailed:
        raise HistoryError(
            f"{data_dir} không nằm trong kho git nên không có lịch sử thay đổi; chạy lệnh trong kho dữ liệu"
        ) from None
    relative = data_dir.resolve().relative_to(top.resolve())
    return top, relative.as_posix() or "."


def _commit_of(top: Path, revision: str) -> str:
    try:
        return (
            _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}").decode().strip()
        )
    except _GitFailed:
        if revision == "HEAD":
            raise HistoryError("kho git chưa có commit nào") from None
        raise HistoryError(
            f'không có phiên bản git "{revision}" (dùng mã commit, tên nhánh/thẻ hoặc một ngày)'
        ) from None


_RECORD, _FIELD = "\x1e", "\x1f"


def _log(top: Path, revisions: str, pathspec: str) -> list[tuple[Commit, str, list[tuple[str, str]]]]:
    """Non-merge commits touching `pathspec`, oldest first: (commit, parent, [(status letter, path)])."""
    out = _git(
        top,
        "log",
        "--no-merges",
        "--no-color",
        "--no-show-signature",
        "--no-renames",
        "--name-status",
        f"--format={_RECORD}%H{_FIELD}%P{_FIELD}%an{_FIELD}%aI{_FIELD}%s",
        revisions,
        "--",
        pathspec,
    ).decode("utf-8", "replace")
    commits = []
    for record in out.split(_RECORD)[1:]:
        header, _, body = record.partition("\n")
        sha, parents, author, when, subject = header.split(_FIELD, 4)
        files = []
        for line in body.splitlines():
            letter, tab, path = line.partition("\t")
            if tab:
                files.append((letter[:1], path))
        commit = Commit(sha=sha, author=author, date=datetime.fromisoformat(when), subject=subject)
        commits.append((commit, parents.split(" ")[0], files))
    commits.reverse()
    return commits


def _blobs(top: Path, names: list[str]) -> dict[str, str | None]:
    """The text of each `REV:path` (None where the file does not exist), in one `git cat-file --batch`."""
    if not names:
        return {}
    out = _git(top, "cat-file", "--batch", stdin="".join(f"{name}\n" for name in names).encode("utf-8"))
    texts: dict[str, str | None] = {}
    position = 0
    for name in names:
        end = out.index(b"\n", position)
        header = out[position:end].split(b" ")
        position = end + 1
        if len(header) != 3 or header[1] != b"blob":
            texts[name] = None
            continue
        size = int(header[2])
        texts[name] = out[position : position + size].decode("utf-8-sig", "replace")
        position += size + 1
    return texts


# ---------------------------------------------------------------- the report


def collect_changes(data_dir: Path, *, since: Bound, until: Bound | None = None) -> ChangeReport:
    """Per task, what the commits in the window changed in `data_dir/tasks/`.

    `since`/`until` are days (inclusive, by author date) or revisions (`since` excluded, as in
    `git log since..until`). Raises `HistoryError` when there is no usable history.
    """
    top, relative = _repository(data_dir)
    tip = _commit_of(top, until if isinstance(until, str) else "HEAD")
    revisions = f"{_commit_of(top, since)}..{tip}" if isinstance(since, str) else tip
    tasks_prefix = f"{relative}/{TASKS_DIR}/" if relative != "." else f"{TASKS_DIR}/"
    history = []
    for commit, parent, files in _log(top, revisions, relative):
        day = commit.date.date()
        if isinstance(since, date) and day < since:
            continue
        if isinstance(until, date) and day > until:
            continue
        touched = [(s, p) for s, p in files if p.startswith(tasks_prefix) and p.endswith((".yaml", ".yml"))]
        if touched:
            history.append((commit, parent, touched))
    names = sorted(
        {f"{commit.sha}:{path}" for commit, _, files in history for _, path in files}
        | {f"{parent}:{path}" for _, parent, files in history for _, path in files if parent}
    )
    texts = _blobs(top, names)
    by_task: dict[int, TaskChanges] = {}
    for commit, parent, files in history:
        for _, path in files:
            before = texts.get(f"{parent}:{path}") if parent else None
            after = texts.get(f"{commit.sha}:{path}")
            old, new = _snapshot(path, before), _snapshot(path, after)
            changes = _diff(commit, old, new)
            if not changes:
                continue
            number = _task_number(path, old, new)
            entry = by_task.setdefault(number, TaskChanges(task_id=number, title="", path=path, changes=[]))
            entry.changes.extend(changes)
            entry.title = _title(new) or _title(old) or entry.title
    return ChangeReport(
        since=_describe(since),
        until=_describe(until) if until is not None else "HEAD",
        commits=[commit for commit, _, _ in history],
        tasks=[by_task[number] for number in sorted(by_task)],
    )


def parse_bound(text: str) -> Bound:
    """A day when `text` reads as one (2026-11-20, 20/11/2026), else a git revision."""
    from ctr199.deadline import DeadlineError, parse_date

    try:
        return parse_date(text)
    except DeadlineError:
        return text.strip()


def _describe(bound: Bound) -> str:
    return bound.isoformat() if isinstance(bound, date) else bound


# ---------------------------------------------------------------- comparing two versions of a task

Snapshot = Task | dict[str, Any] | YamlError | None  # model, raw mapping (invalid task), unreadable, absent


def _snapshot(path: str, text: str | None) -> Snapshot:
    if text is None:
        return None
    try:
        data = load_fast(Path(path), text)
    except YamlError as exc:
        return exc
    if not isinstance(data, dict):
        return YamlError(Path(path), "tệp không phải một bảng khóa: giá trị", code="file-shape")
    try:
        return Task.model_validate(data)
    except ValidationError:
        return data


def _diff(commit: Commit, old: Snapshot, new: Snapshot) -> list[Change]:
    if isinstance(new, YamlError):
        return [Change(kind=ChangeKind.UNREADABLE, commit=commit, after=new.message)]
    if new is None:
        return [Change(kind=ChangeKind.DELETED, commit=commit)] if old is not None else []
    if old is None or isinstance(old, YamlError):
        if old is not None:  # what the broken version said is unknown, so no finer diff
            return [Change(kind=ChangeKind.REPAIRED, commit=commit)]
        added = _log_changes(commit, [], new.log) if isinstance(new, Task) else []
        return [Change(kind=ChangeKind.CREATED, commit=commit), *added]
    if isinstance(old, Task) and isinstance(new, Task):
        changes = []
        # A new status carries its completion date; the date is then not listed as an edit of its own.
        own_lines = {"status", "log"}
        if old.status is not new.status:
            done_on = new.completed_on if new.status is Status.DONE else None
            changes.append(
                Change(kind=ChangeKind.STATUS, commit=commit, before=old.status, after=new.status, completed_on=done_on)
            )
            own_lines.add("completed_on")
        changes.extend(_log_changes(commit, old.log, new.log))
        for key in TASK_KEY_ORDER:
            before, after = getattr(old, key), getattr(new, key)
            if key not in own_lines and before != after:
                changes.append(Change(kind=ChangeKind.FIELD, commit=commit, field=key, before=before, after=after))
        return changes
    # One side does not pass the schema: compare what is written, key by key.
    old_raw = old.model_dump() if isinstance(old, Task) else old
    new_raw = new.model_dump() if isinstance(new, Task) else new
    return [
        Change(kind=ChangeKind.FIELD, commit=commit, field=str(key), before=old_raw.get(key), after=new_raw.get(key))
        for key in [*old_raw, *(k for k in new_raw if k not in old_raw)]
        if old_raw.get(key) != new_raw.get(key)
    ]


def _log_changes(commit: Commit, old: list[LogEntry], new: list[LogEntry]) -> list[Change]:
    """Entries added and removed, as multisets: a reordered log is no change, a duplicated entry is."""
    kept = Counter(old)
    changes = []
    for entry in new:
        if kept[entry]:
            kept[entry] -= 1
        else:
            changes.append(Change(kind=ChangeKind.LOG_ADDED, commit=commit, entry=entry))
    remaining = Counter(new)
    for entry in old:
        if remaining[entry]:
            remaining[entry] -= 1
        else:
            changes.append(Change(kind=ChangeKind.LOG_REMOVED, commit=commit, entry=entry))
    return changes


_NUMBERED = re.compile(r"^0*(\d+)")


def _task_number(path: str, old: Snapshot, new: Snapshot) -> int:
    match = _NUMBERED.match(PurePosixPath(path).stem)
    if match:
        return int(match.group(1))
    for side in (new, old):
        if isinstance(side, Task):
            return side.id
    return 0


def _title(side: Snapshot) -> str:
    if isinstance(side, Task):
        return side.title
    if isinstance(side, dict) and isinstance(side.get("title"), str):
        return str(side["title"])
    return ""


# ---------------------------------------------------------------- text for people

FIELD_LABELS = {
    "id": "Số thứ tự",
    "group": "Nhóm",
    "subgroup": "Tiểu mục",
    "title": "Nhiệm vụ",
    "output": "Kết quả/Sản phẩm",
    "deadline": "Thời hạn",
    "milestones": "Các mốc",
    "lead": "Cơ quan chủ trì",
    "partners": "Cơ quan phối hợp",
    "authority": "Thẩm quyền",
    "status": "Trạng thái",
    "completed_on": "Ngày hoàn thành",
    "completed_milestones": "Mốc đã hoàn thành",
    "log": "Nhật ký",
    "extensions": "Gia hạn",
}


def show_value(value: Any) -> str:
    """A field value as staff read it: dates dd/mm/yyyy, statuses in Vietnamese, lists joined."""
    if value is None or value in ("", []):
        return "(trống)"
    if isinstance(value, Status):
        return value.label
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, MilestoneDone):
        return f"mốc {value.milestone} ({value.date:%d/%m/%Y})"
    if isinstance(value, Extension):
        return f"mốc {value.milestone} gia hạn đến {value.to} ({value.date:%d/%m/%Y}, {value.ref})"
    if isinstance(value, MilestoneOverride):
        return f"{value.label} ({value.due:%d/%m/%Y})" if value.due else value.label
    if isinstance(value, list):
        return "; ".join(show_value(item) for item in value)
    return str(value)


def show_entry(entry: LogEntry) -> str:
    """A log entry in one line: date, status (and milestone), note, (reference)."""
    text = f"{entry.date:%d/%m/%Y} {entry.status.label}"
    if entry.milestone is not None:
        text += f", mốc {entry.milestone}"
    if entry.note:
        text += f" — {' '.join(entry.note.split())}"
    if entry.ref:
        text += f" ({' '.join(entry.ref.split())})"
    return text


def describe(change: Change) -> str:
    """One change in one line of Vietnamese."""
    if change.kind is ChangeKind.CREATED:
        return "Thêm nhiệm vụ mới"
    if change.kind is ChangeKind.DELETED:
        return "Xóa tệp nhiệm vụ"
    if change.kind is ChangeKind.REPAIRED:
        return "Sửa tệp trước đó không đọc được"
    if change.kind is ChangeKind.UNREADABLE:
        return f"Tệp không đọc được: {change.after}"
    if change.kind is ChangeKind.STATUS:
        when = f" ({change.completed_on:%d/%m/%Y})" if change.completed_on else ""
        return f"Trạng thái: {show_value(change.before)} → {show_value(change.after)}{when}"
    if change.kind is ChangeKind.LOG_ADDED and change.entry is not None:
        return f"Nhật ký mới: {show_entry(change.entry)}"
    if change.kind is ChangeKind.LOG_REMOVED and change.entry is not None:
        return f"Xóa mục nhật ký: {show_entry(change.entry)}"
    label = FIELD_LABELS.get(change.field or "", change.field or "")
    return f"Sửa {label}: {show_value(change.before)} → {show_value(change.after)}"


def _window(report: ChangeReport) -> str:
    """ "từ 20/11/2026 đến nay", "sau phiên bản v1 đến 27/11/2026"."""
    return f"{_show_bound(report.since, 'từ', 'sau phiên bản')} {_show_bound(report.until, 'đến', 'đến phiên bản')}"


def _show_bound(text: str, day_word: str, revision_word: str) -> str:
    if text == "HEAD" and day_word == "đến":
        return "đến nay"
    try:
        return f"{day_word} {date.fromisoformat(text):%d/%m/%Y}"
    except ValueError:
        return f"{revision_word} {text}"


def render_table(report: ChangeReport, *, title_width: int = 70) -> str:
    """Plain aligned text for the terminal, grouped by task."""
    lines = [_headline(report)]
    for task in report.tasks:
        lines.append("")
        lines.append(f"Nhiệm vụ ({task.task_id}) {shorten(task.title, title_width)}")
        authors = max(len(change.commit.author) for change in task.changes)
        for change in task.changes:
            commit = change.commit
            lines.append(
                f"  {commit.date:%d/%m/%Y}  {commit.short}  {commit.author.ljust(authors)}  {describe(change)}"
            )
    return "\n".join(lines)


def render_markdown(report: ChangeReport, *, heading: str = "###") -> str:
    """Markdown for the weekly briefing's "changes this week" section."""
    lines = [f"{heading} Thay đổi {_window(report)}", ""]
    if not report.tasks:
        lines.append("Không có thay đổi nào trong dữ liệu nhiệm vụ.")
        return "\n".join(lines)
    lines.append(f"{len(report.tasks)} nhiệm vụ thay đổi qua {len(report.commits)} commit.")
    for task in report.tasks:
        lines.extend(["", f"**Nhiệm vụ ({task.task_id})** — {_md(shorten(task.title, 120))}", ""])
        for change in task.changes:
            commit = change.commit
            lines.append(
                f"- {_md(describe(change))} _({commit.date:%d/%m/%Y}, {_md(commit.author)}, `{commit.short}`)_"
            )
    return "\n".join(lines)


def _md(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text)


def _headline(report: ChangeReport) -> str:
    if not report.tasks:
        return f"Không có thay đổi nào trong dữ liệu nhiệm vụ {_window(report)}."
    return f"Thay đổi {_window(report)}: {len(report.tasks)} nhiệm vụ, {len(report.commits)} commit."
