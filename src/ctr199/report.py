"""Findings: every problem found in the data, collected rather than raised one at a time."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from ctr199.text import visible


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


# Every code a finding can carry, with what it means; the README's table is checked against it.
CODES: dict[str, str] = {
    "yaml-syntax": "tệp YAML sai cú pháp",
    "yaml-encoding": "tệp không phải UTF-8",
    "yaml-unsafe": "thẻ YAML không chuẩn, neo/bí danh hoặc khóa trùng",
    "file-shape": "tệp không có cấu trúc mong đợi (rỗng, danh sách, giá trị đơn…)",
    "schema": "trường thiếu, thừa hoặc sai kiểu",
    "duplicate-id": "hai tệp cùng số thứ tự nhiệm vụ",
    "filename": "tên tệp không khớp số thứ tự nhiệm vụ",
    "unknown-group": "nhóm nhiệm vụ không có trong groups.yaml",
    "unknown-agency": "tên cơ quan không có trong danh mục agencies.yaml",
    "deadline": "không hiểu được thời hạn",
    "milestone": "mốc thời hạn không tồn tại hoặc trùng",
    "log-order": "nhật ký tiến độ không theo thứ tự ngày",
    "log-future": "ngày trong nhật ký sau ngày đối chiếu",
    "status": "trạng thái mâu thuẫn với nhật ký hoặc ngày hoàn thành",
    "empty-field": "ô để trống trong văn bản gốc",
    "indicator": "chỉ tiêu sai cấu trúc",
    "registry": "danh mục cơ quan sai cấu trúc",
}


class Finding(BaseModel):
    """One problem, located as precisely as the file allows."""

    model_config = ConfigDict(frozen=True)

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


class Report(BaseModel):
    """All findings of one run over a data directory."""

    files_checked: int = 0
    tasks: int = 0
    indicators: int = 0
    findings: list[Finding] = []

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
    base = base or Path.cwd()
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)
