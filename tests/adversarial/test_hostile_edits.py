"""Edits against hostile files, hostile text and a hostile disk: nothing is lost and nothing gets in.

Every refused edit ends in one Vietnamese line, exit 1 (or 2 for a mistake in the request), and
leaves the whole data tree byte-identical — the digest covers hidden files, so a stray temporary
file would show too.
"""

from __future__ import annotations

import errno
import os
import tempfile
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ctr199.loading import load_programme
from ctr199.models import Task
from ctr199.store import load_fast, load_roundtrip

from ..conftest import APPENDIX_COLUMNS, SHIPPED, tree_digest
from .common import error_line, invoke, run_process, write

AS_OF = "2026-03-31"
TASK = Path("data/tasks/036.yaml")


def _update(*extra: str) -> Any:
    return invoke("update", "36", "-s", "in_progress", "--date", "2026-03-02", *extra, "-d", "data", "--as-of", AS_OF)


def _read_only(path: Path) -> None:
    path.chmod(path.stat().st_mode & ~0o222)


# ---------------------------------------------------------------- read-only files and folders


_APPENDIX = (
    "\t".join(APPENDIX_COLUMNS) + "\n"
    "1\tNhóm một\t\t\t\t\t\n"
    "(1)\tViệc một\tNghị quyết\tNăm 2026\tSở Xây dựng\t\tHĐND thành phố\n"
)


_DATED = ["-d", "data", "--as-of", AS_OF]


@pytest.mark.parametrize(
    ("args", "locked", "message"),
    [
        (
            ["update", "36", "-s", "in_progress", "--date", "2026-03-02", *_DATED],
            "data/tasks/036.yaml",
            "Lỗi: không ghi được data/tasks/036.yaml: tệp đang đặt chỉ đọc; tệp cũ giữ nguyên",
        ),
        (
            ["done", "36", "--date", "2026-03-02", *_DATED],
            "data/tasks",
            "Lỗi: không ghi được data/tasks/036.yaml: thư mục đang đặt chỉ đọc; tệp cũ giữ nguyên",
        ),
        (
            ["new", "--title", "Việc mới", "--group", "1", "--deadline", "Năm 2026", "--lead", "Sở Xây dựng", *_DATED],
            "data/tasks",
            "Lỗi: không ghi được data/tasks/076.yaml: thư mục đang đặt chỉ đọc; chưa tạo tệp",
        ),
        (
            ["indicator", "set", "7", "-p", "2026-01", "-v", "39,2", "--date", "2026-03-02", "-d", "data"],
            "data/indicators.yaml",
            "Lỗi: không ghi được data/indicators.yaml: tệp đang đặt chỉ đọc; tệp cũ giữ nguyên",
        ),
        (
            ["fmt", "data/tasks/036.yaml"],
            "data/tasks/036.yaml",
            "Lỗi: không ghi được data/tasks/036.yaml: tệp đang đặt chỉ đọc; tệp cũ giữ nguyên",
        ),
        (
            ["export", "-f", "csv", "-o", "data/tasks/ra.csv", *_DATED],
            "data/tasks",
            "Lỗi: không ghi được data/tasks/ra.csv: thư mục đang đặt chỉ đọc",
        ),
    ],
    ids=lambda value: value[0] if isinstance(value, list) else None,
)
def test_read_only_file_or_folder_is_a_clear_refusal(data: Path, args: list[str], locked: str, message: str) -> None:
    """Really read-only (chmod), and refused even for root, whom the system itself would let write."""
    if args[0] == "fmt":  # a file fmt would rewrite
        (data / "tasks" / "036.yaml").write_text(TASK.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    _read_only(data.parent / locked)
    before = tree_digest(data)
    result = invoke(*args)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert error_line(result) == message
    assert tree_digest(data) == before


def test_import_into_a_read_only_folder_writes_nothing(data: Path) -> None:
    source = data.parent / "phu-luc.tsv"
    source.write_text(_APPENDIX, encoding="utf-8")
    target = data.parent / "moi" / "tasks"
    target.mkdir(parents=True)
    _read_only(target)
    result = invoke("import-appendix", str(source), "--out", str(target))
    assert result.exit_code == 1
    assert error_line(result) == f"Lỗi: không ghi được vào {target}: thư mục đang đặt chỉ đọc"
    assert list(target.iterdir()) == [] and not (target.parent / "groups.yaml").exists()


_DENIED = "không đủ quyền (tệp hoặc thư mục chỉ đọc, hoặc của người dùng khác)"


def _mkstemp_denied(*_: object, **__: object) -> Any:
    raise PermissionError(errno.EACCES, "Permission denied")


def _replace_denied(*_: object) -> None:
    raise PermissionError(errno.EACCES, "Permission denied")


def _fsync_full(_: int) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


class _FullDisk:
    """A file handle on a full disk: the first write fails, as `write(2)` does with ENOSPC."""

    def __init__(self, handle: Any):
        self.handle = handle

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *_: object) -> None:
        self.handle.close()

    def write(self, _: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize(
    ("patch", "reason"),
    [
        pytest.param("mkstemp", _DENIED, id="folder-of-another-user"),
        pytest.param("replace", _DENIED, id="rename-denied"),
        pytest.param("write", "ổ đĩa hết chỗ trống", id="disk-full-on-write"),
        pytest.param("fsync", "ổ đĩa hết chỗ trống", id="disk-full-on-fsync"),
    ],
)
@pytest.mark.parametrize("command", ["update", "indicator"])
def test_failed_write_keeps_the_original_and_leaves_no_temporary_file(
    data: Path, monkeypatch: pytest.MonkeyPatch, patch: str, reason: str, command: str
) -> None:
    before = tree_digest(data)
    created: list[str] = []
    real_mkstemp, real_fdopen = tempfile.mkstemp, os.fdopen

    def spy_mkstemp(*args: Any, **kwargs: Any) -> Any:
        fd, name = real_mkstemp(*args, **kwargs)
        created.append(name)
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", _mkstemp_denied if patch == "mkstemp" else spy_mkstemp)
    if patch == "replace":
        monkeypatch.setattr(Path, "replace", _replace_denied)
    if patch == "write":
        monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: _FullDisk(real_fdopen(fd, *a, **k)))
    if patch == "fsync":
        monkeypatch.setattr(os, "fsync", _fsync_full)
    if command == "update":
        result, written = _update(), "data/tasks/036.yaml"
    else:
        result = invoke("indicator", "set", "7", "-p", "2026-01", "-v", "39,2", "--date", "2026-03-02", "-d", "data")
        written = "data/indicators.yaml"
    assert result.exit_code == 1
    assert error_line(result) == f"Lỗi: không ghi được {written}: {reason}; tệp cũ giữ nguyên"
    assert tree_digest(data) == before
    assert created or patch == "mkstemp", "the temporary file was really made, then removed"


# ---------------------------------------------------------------- one task, one file


def test_update_touches_only_its_own_file(data: Path) -> None:
    before = tree_digest(data)
    assert _update("--note", "đã trình").exit_code == 0
    assert invoke("done", "36", "--date", "2026-03-12", "-d", "data", "--as-of", AS_OF).exit_code == 0
    after = tree_digest(data)
    assert after.keys() == before.keys(), "no new file, none removed (no temporary file left)"
    assert {name for name in after if after[name] != before[name]} == {"tasks/036.yaml"}


_GOOD = (SHIPPED / "tasks" / "036.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        pytest.param(
            _GOOD.replace("title: ", "title: [", 1),
            "data/tasks/036.yaml:3:8: YAML sai cú pháp: dấu [ mở ở đây nhưng không đóng (hoặc thiếu dấu phẩy)",
            id="syntax",
        ),
        pytest.param(
            _GOOD + "x: &a [1]\ny: *a\n",
            "data/tasks/036.yaml:15:4: không dùng neo/bí danh YAML (&, *) trong tệp dữ liệu; viết giá trị trực tiếp",
            id="alias",
        ),
        pytest.param(
            _GOOD.replace("output: ", "output: !!python/object/apply:os.system ['touch pwned'] #", 1),
            "data/tasks/036.yaml:4:9: thẻ YAML tag:yaml.org,2002:python/object/apply:os.system không được phép "
            "(chỉ dùng YAML thuần: chuỗi, số, ngày, danh sách, bảng)",
            id="python-tag",
        ),
        pytest.param(
            _GOOD.encode("cp1258", errors="replace"),
            "data/tasks/036.yaml:3:11: byte 0xe1 không phải UTF-8; lưu lại tệp với mã hóa UTF-8 "
            "(không dùng Windows-1258/Latin-1)",
            id="cp1258",
        ),
        pytest.param(
            "- 36\n",
            "data/tasks/036.yaml:1:1: tệp nhiệm vụ đang là một danh sách; cần một bảng khóa: giá trị "
            "(xem ctr199 schema)",
            id="list",
        ),
        pytest.param(
            _GOOD + "# " + "x" * 1_000_000 + "\n",
            "data/tasks/036.yaml:1:1: tệp quá lớn (1,000,493 byte; tối đa 1,000,000)",
            id="too-big",
        ),
        pytest.param(
            _GOOD.replace("title: ", 'title: "\\e[2J', 1).replace("\noutput:", '"\noutput:', 1),
            "data/tasks/036.yaml:3:8: 'title': có ký tự điều khiển U+001B (không in được, thường do dán từ "
            "Word/Excel); xóa ký tự này",
            id="escape-sequence",
        ),
    ],
)
def test_update_of_a_broken_file_is_refused_untouched(data: Path, content: str | bytes, reason: str) -> None:
    path = data / "tasks" / "036.yaml"
    write(path, content)
    before = tree_digest(data)
    result = _update()
    assert result.exit_code == 1
    assert result.stdout == ""
    assert error_line(result) == f"Lỗi: tệp đang có lỗi, sửa tay trước (ctr199 validate): {reason}"
    assert tree_digest(data) == before
    assert not (data.parent / "pwned").exists()


# ---------------------------------------------------------------- text that YAML or a terminal would misread


NOTES = {
    "colon": "Sở Xây dựng: đã trình hồ sơ",
    "colon-end": "kết luận:",
    "hash": "xong # còn phụ lục",
    "single-quote": "Sở's",
    "double-quote": 'gọi là "đề án"',
    "dash-item": "- mục một",
    "flow-map": "{a: 1, b: [2]}",
    "yes": "yes",
    "null": "null",
    "tilde": "~",
    "iso-date": "2026-03-01",
    "hex": "0x1F",
    "sexagesimal": "12:30",
    "alias": "*neo",
    "anchor": "&neo giá trị",
    "tag": "!!python/object/apply:os.system",
    "directive": "%YAML 1.1",
    "literal": "| khối",
    "folded": "> gấp",
    "backquote": "`lệnh`",
    "at": "@ai đó",
    "percent": "100% khối lượng",
    "newlines": "dòng 1\ndòng 2\n\ndòng 4",
    "crlf": "dòng 1\r\ndòng 2",
    "document-start": "---",
    "document-in-text": "a\n---\nb",
    "document-end": "...",
    "emoji": "xong 🎉👍🏽",
    "nfd": unicodedata.normalize("NFD", "Hoàn thành đúng hạn, đã ký"),
    "rtl-override": "abc\u202edcba",
    "zero-width": "a\u200bb\u200cc\u200dd\u2060e\ufeff",
    "line-separator": "a\u2028b",
    "tab": "cột\tcột",
    "backslash": "C:\\du-lieu\\ban.docx",
    "leading-space": "   thụt lề",
    "long": "Nhật ký dài " + "x" * 100_000,
}


def _expected(note: str) -> str:
    return unicodedata.normalize("NFC", note.strip().replace("\r\n", "\n"))


@pytest.mark.parametrize("note", NOTES.values(), ids=NOTES.keys())
def test_any_note_round_trips_exactly_and_keeps_the_file_valid(data: Path, note: str) -> None:
    path = data / "tasks" / "036.yaml"
    result = _update("--note", note, "--ref", note)
    assert result.exit_code == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    task = Task.model_validate(load_fast(path, text))
    assert (task.log[-1].note, task.log[-1].ref) == (_expected(note), _expected(note))
    roundtrip = load_roundtrip(path, text)
    assert (roundtrip["log"][-1]["note"], roundtrip["log"][-1]["ref"]) == (_expected(note), _expected(note))
    _, report = load_programme(data, as_of=date(2026, 3, 31))
    assert report.errors == []
    assert invoke("fmt", "--check", str(path)).exit_code == 0, "the file stays in canonical layout"


@pytest.mark.parametrize(
    ("option", "text", "code"),
    [
        ("--note", "đỏ\x1b[31m", "001B"),
        ("--note", "a\x00b", "0000"),
        ("--ref", "chuông\x07", "0007"),
        ("--note", "xóa dòng\r", "000D"),
        ("--ref", "C1\x9b31m", "009B"),
    ],
)
def test_control_characters_in_a_note_are_refused(data: Path, option: str, text: str, code: str) -> None:
    before = tree_digest(data)
    result = _update(option, text)
    assert result.exit_code == 2
    assert error_line(result) == (
        f"Lỗi: {option}: có ký tự điều khiển U+{code} (không in được, thường do dán từ Word/Excel); xóa ký tự này"
    )
    assert tree_digest(data) == before


@pytest.mark.parametrize(
    ("option", "value", "shown"),
    [
        ("--title", "Việc\x1b[31m mới", "--title"),
        ("--output", "a\x00", "--output"),
        ("--partner", "b\x07", "--partner"),
    ],
)
def test_new_task_with_control_characters_is_refused(data: Path, option: str, value: str, shown: str) -> None:
    fields = {"--title": "Việc mới", "--output": "", "--partner": "Các sở"}
    fields[option] = value
    before = tree_digest(data)
    result = invoke(
        "new", "--group", "1", "--deadline", "Năm 2026", "--lead", "Sở Xây dựng",
        *(part for name, text in fields.items() for part in (name, text)), "-d", "data", "--as-of", AS_OF,
    )  # fmt: skip
    assert result.exit_code == 2
    assert error_line(result).startswith(f"Lỗi: {shown}: có ký tự điều khiển U+")
    assert tree_digest(data) == before


def test_real_process_refused_edit_prints_one_line(data: Path) -> None:
    _read_only(data / "tasks" / "036.yaml")
    before = tree_digest(data)
    done = run_process("done", "36", "-d", "data", "--as-of", AS_OF, cwd=data.parent)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == "Lỗi: không ghi được data/tasks/036.yaml: tệp đang đặt chỉ đọc; tệp cũ giữ nguyên\n"
    assert tree_digest(data) == before


# ---------------------------------------------------------------- someone else saves meanwhile


@pytest.mark.parametrize(
    ("args", "target", "message"),
    [
        (
            ["update", "36", "-s", "in_progress", "--date", "2026-03-02", "-d", "data", "--as-of", AS_OF],
            "data/tasks/036.yaml",
            "Lỗi: data/tasks/036.yaml vừa bị thay đổi trong lúc ghi (người hoặc chương trình khác); "
            "không ghi gì — chạy lại lệnh",
        ),
        (
            ["indicator", "set", "7", "-p", "2026-01", "-v", "39,2", "--date", "2026-03-02", "-d", "data"],
            "data/indicators.yaml",
            "Lỗi: data/indicators.yaml vừa bị thay đổi trong lúc ghi (người hoặc chương trình khác); "
            "không ghi gì — chạy lại lệnh",
        ),
        (
            ["fmt", "data/tasks/036.yaml"],
            "data/tasks/036.yaml",
            "data/tasks/036.yaml:1:1: lỗi: data/tasks/036.yaml vừa bị thay đổi trong lúc ghi "
            "(người hoặc chương trình khác); không ghi gì — chạy lại lệnh",
        ),
    ],
    ids=lambda value: value[0] if isinstance(value, list) else None,
)
def test_every_writer_refuses_when_the_file_changed_meanwhile(
    data: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], target: str, message: str
) -> None:
    path = data.parent / target
    if args[0] == "fmt":
        path.write_text(path.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    theirs = path.read_text(encoding="utf-8") + "# lưu bởi người khác\n"
    real_fsync = os.fsync

    def someone_saves_meanwhile(fd: int) -> None:
        real_fsync(fd)
        path.write_text(theirs, encoding="utf-8")

    monkeypatch.setattr(os, "fsync", someone_saves_meanwhile)
    result = invoke(*args)
    assert result.exit_code == 1
    assert result.stderr == message + "\n"
    assert path.read_text(encoding="utf-8") == theirs, "their save is kept"
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
