"""Findings: every problem found in the data, collected rather than raised one at a time."""

from __future__ import annotations

import functools
import os
from enum import StrEnum
from pathlib import Path

from ctr199.record import Record, field
from ctr199.text import visible


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# Every code a finding can carry, with what it means; the README's table is checked against it.
CODES: dict[str, str] = {
    "yaml-syntax": "tệp YAML sai cú pháp",
    "yaml-encoding": "tệp không phải UTF-8",
    "yaml-unsafe": "thẻ YAML không chuẩn, neo/bí danh hoặc khóa trùng",
    "merge-conflict": "còn dấu xung đột git (<<<<<<<, =======, >>>>>>>) chưa giải quyết",
    "file-shape": "tệp không có cấu trúc mong đợi (rỗng, danh sách, giá trị đơn…)",
    "schema": "trường thiếu, thừa hoặc sai kiểu",
    "date": "ngày không có thật (30/02), sai dạng, kèm giờ hoặc năm ngoài 2000–2100",
    "duplicate-id": "hai tệp cùng số thứ tự nhiệm vụ",
    "filename": "tên tệp không khớp số thứ tự nhiệm vụ",
    "unknown-group": "nhóm nhiệm vụ không có trong groups.yaml",
    "unknown-agency": "tên cơ quan không có trong danh mục agencies.yaml",
    "deadline": "không hiểu được thời hạn",
    "milestone": "mốc thời hạn không tồn tại hoặc trùng",
    "log-order": "nhật ký tiến độ không theo thứ tự ngày",
    "log-future": "ngày trong nhật ký sau ngày đối chiếu",
    "status": "trạng thái mâu thuẫn với nhật ký hoặc ngày hoàn thành",
    "progress-status": "trạng thái mâu thuẫn với các mốc đã hoàn thành (completed_milestones)",
    "completion-date": "ngày hoàn thành (completed_on) trước ngày hoàn thành một mốc hoặc khác ngày trong nhật ký",
    "log-milestone": "nhật ký về một mốc mâu thuẫn với completed_milestones",
    "milestones-empty": "milestones: [] — danh sách mốc rỗng",
    "milestone-moved": "mốc đã ghi hoàn thành nay mang số của mốc khác (thời hạn đã sửa)",
    "extension-milestone": "gia hạn cho mốc không tồn tại hoặc không có ngày hạn",
    "extension-period": "thời hạn gia hạn không đọc được thành đúng một ngày hạn",
    "extension-not-later": "gia hạn không lùi thời hạn về sau (sớm hơn hoặc bằng hạn nó thay thế)",
    "extension-future": "ngày gia hạn sau ngày đối chiếu",
    "empty-field": "ô để trống trong văn bản gốc",
    "indicator": "chỉ tiêu sai cấu trúc",
    "registry": "danh mục cơ quan sai cấu trúc",
}


class Finding(Record):
    """One problem, located as precisely as the file allows."""

    path: str
    line: int = 1
    col: int = 1
    severity: Severity = Severity.ERROR
    code: str
    message: str

    def __str__(self) -> str:
        # visible(): a file name or a quoted value may carry terminal control characters.
        line = f"{self.path}:{self.line}:{self.col}: {self.severity.value}[{self.code}]: {self.message}"
        return visible(line, one_line=True)


class Report(Record, frozen=False):
    """All findings of one run over a data directory (the counts are set as the run goes on)."""

    files_checked: int = 0
    tasks: int = 0
    indicators: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def failed(self, *, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))


def display_path(path: Path, base: Path | None = None) -> str:
    """A path as the user typed it: relative to the working directory where possible."""
    here = str(Path.cwd())
    base_text = str(base) if base is not None else here
    folder = _display_folder(str(path.parent), base_text, here)
    if folder is None or path.name in ("", ".", "..") or path.is_symlink():
        return _display(path, Path(base_text))
    return f"{folder}{os.sep}{path.name}" if folder != "." else path.name


def _display(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


@functools.lru_cache(maxsize=256)
def _display_folder(folder: str, base: str, here: str) -> str | None:
    """How `display_path` shows the files of `folder` (relative to `here`), worked out once: a report
    may name thousands of files."""
    try:
        return str(Path(here, folder).resolve().relative_to(Path(here, base).resolve()))
    except ValueError:
        return None
