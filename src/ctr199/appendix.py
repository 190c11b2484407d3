"""Reading a programme's appendix table into tasks: from the tab-separated text of the source
or from the Word document (.docx), and writing it as the project's YAML files."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from ctr199.models import Group, Subgroup, Task
from ctr199.store import GROUPS_FILE, MAX_FILE_BYTES, atomic_write, render_groups, render_task
from ctr199.text import fold, nfc, without_controls

COLUMNS = 7  # STT, Nhiệm vụ, Kết quả/Sản phẩm, Thời hạn, Cơ quan chủ trì, phối hợp, Thẩm quyền
LEAD_COLUMN = 4
PARTNERS_COLUMN = 5
MAX_SOURCE_BYTES = 50_000_000
_TAG = re.compile(r"<[^>]+>")
# Numbers of at most four digits: a longer one is no task or group number (and int() of thousands fails).
_TASK_NO = re.compile(r"^\((\d{1,4})\)$")
_GROUP_NO = re.compile(r"^(\d{1,4})\.?$")
# A group heading typed into one cell spanning the whole row: "1. Tiếp tục …".
_GROUP_LINE = re.compile(r"^(\d{1,4})\.?\s+(\S.*)$")
_SUBGROUP = re.compile(r"^([a-zđ])\)\s*(.+)$")
_LIST_ITEM = re.compile(r"<li>(.*?)</li>", re.DOTALL)
# "- A; - B" or "- A - B": a cell written as a bulleted list.
_DASH_ITEMS = re.compile(r"(?:^|;?\s+)-\s+")
# A second lead agency starts after ";" or after "," followed by an agency-type word.
_LEAD_SPLIT = re.compile(r"\s*;\s*|,\s*(?=(?:Sở|Ban|Bộ|UBND|Ủy ban|Công an|Văn phòng)\s)")
# Bullets typed as text at the start of a paragraph in a Word cell.
_TYPED_BULLET = re.compile(r"^\s*[-–—•+*]\s*")
_HEADER_FIRST_CELLS = frozenset({"stt", "tt", "so tt"})


class AppendixError(Exception):
    """A source that cannot be read as an appendix at all (not a row-level problem)."""


@dataclass(frozen=True)
class Problem:
    """A row that could not be read, and where it is ("dòng 228", "bảng 1, hàng 12")."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class ParsedAppendix:
    groups: list[Group] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    header_found: bool = False


# Word's marks in pasted text: \x1e is a non-breaking hyphen, \x1f an optional one. Other control
# characters (\x07 ends a cell, \x0b breaks a line) are spacing or debris, never text to keep.
_WORD_HYPHENS = str.maketrans({"\x1e": "-", "\x1f": ""})


def clean_cell(cell: str) -> str:
    """Cell text without markup or control characters, NFC, with single spaces."""
    text = html.unescape(_TAG.sub(" ", cell)).translate(_WORD_HYPHENS)
    return nfc(without_controls(re.sub(r"\s+", " ", text)).strip())


def split_list_cell(cell: str) -> list[str]:
    """A partners cell as a list: bullet items where the source has a list, else the whole cell."""
    items = _LIST_ITEM.findall(cell)
    if items:
        return [_strip_bullet(clean_cell(item)) for item in items if clean_cell(item)]
    text = clean_cell(cell)
    if not text:
        return []
    if text.startswith("- "):
        return [_strip_bullet(part) for part in _DASH_ITEMS.split(text) if part.strip()]
    return [text]


def _strip_bullet(text: str) -> str:
    return text.removeprefix("- ").strip().rstrip(";").strip()


def split_leads(cell: str) -> list[str]:
    """Lead agencies of one cell: "Sở Xây dựng; Ban QLDA liên quan" gives two."""
    text = clean_cell(cell)
    return [part.strip() for part in _LEAD_SPLIT.split(text) if part.strip()]


# ---------------------------------------------------------------- rows to tasks


def parse_appendix_text(text: str) -> ParsedAppendix:
    """Parse the tab-separated appendix: group rows, sub-group rows, repeated headers, task rows."""
    # Rows end at a line break only: str.splitlines() would also split a cell at a vertical tab or
    # form feed (Word's manual line and page breaks) and import half a row as a task.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    rows = ((f"dòng {number}", raw.split("\t")) for number, raw in enumerate(lines, start=1) if "\t" in raw)
    return parse_rows(rows)


def parse_rows(rows: Iterable[tuple[str, Sequence[str]]]) -> ParsedAppendix:
    """Read appendix rows (where, cells) whatever their source; cells may carry HTML markup.

    Rows before the first "STT" header row are not part of the table; header rows repeated
    on later pages, and the row numbering the columns (1)…(7), are skipped.
    """
    result = ParsedAppendix()
    group: Group | None = None
    subgroup: str | None = None
    seen_ids: dict[int, str] = {}
    for where, raw_cells in rows:
        cells = [*raw_cells, *[""] * (COLUMNS - len(raw_cells))]
        texts = [clean_cell(cell) for cell in cells]
        first = texts[0]
        filled = [i for i, text in enumerate(texts) if text]
        if fold(first) in _HEADER_FIRST_CELLS:
            result.header_found = True
            continue
        if not result.header_found or not filled or _numbers_columns(texts):
            continue
        if any(texts[COLUMNS:]):
            extra = "; ".join(text for text in texts[COLUMNS:] if text)
            result.problems.append(Problem(where, f"hàng có hơn {COLUMNS} cột; phần thừa không được đọc: {extra[:80]}"))
        task_no = _TASK_NO.match(first)
        if task_no:
            task_id = int(task_no.group(1))
            if group is None:
                result.problems.append(Problem(where, f"nhiệm vụ {first} nằm trước nhóm đầu tiên"))
            elif task_id in seen_ids:
                result.problems.append(Problem(where, f"nhiệm vụ {first} lặp lại (đã có ở {seen_ids[task_id]})"))
            else:
                try:
                    task = _task_from_cells(task_id, group.id, subgroup, cells)
                except ValidationError as exc:
                    from ctr199.checks import error_reason

                    reasons = "; ".join(error_reason(error, Task) for error in exc.errors())
                    result.problems.append(Problem(where, f"nhiệm vụ {first}: {reasons}"))
                    continue
                size = _file_size(task, cells)
                if size > MAX_FILE_BYTES:
                    result.problems.append(
                        Problem(
                            where, f"nhiệm vụ {first} quá dài ({size:,} byte; tệp nhiệm vụ tối đa {MAX_FILE_BYTES:,})"
                        )
                    )
                    continue
                result.tasks.append(task)
                seen_ids[task_id] = where
            continue
        heading = _group_heading(texts, filled)
        if heading is not None:
            if group is not None:
                result.groups.append(group)
            group = Group(id=heading[0], title=heading[1])
            subgroup = None
            continue
        sub = _SUBGROUP.match(" ".join(texts[i] for i in filled)) if len(filled) == 1 else None
        if sub and group is not None:
            subgroup = sub.group(1)
            group = group.model_copy(
                update={"subgroups": [*group.subgroups, Subgroup(key=subgroup, title=sub.group(2))]}
            )
            continue
        result.problems.append(Problem(where, f"không đọc được hàng: {' | '.join(texts[i] for i in filled)[:80]}"))
    if group is not None:
        result.groups.append(group)
    return result


def _numbers_columns(texts: list[str]) -> bool:
    """The row under the header that numbers the columns: (1) (2) … (7)."""
    return all(re.fullmatch(rf"\(?{index + 1}\)?", text) for index, text in enumerate(texts[:COLUMNS]))


def _group_heading(texts: list[str], filled: list[int]) -> tuple[int, str] | None:
    """A group row: the number in the STT cell and the title beside it, or both in one merged cell."""
    number = _GROUP_NO.match(texts[0])
    if number and filled == [0, 1]:
        return int(number.group(1)), texts[1]
    line = _GROUP_LINE.match(texts[filled[0]]) if len(filled) == 1 else None
    if line:
        return int(line.group(1)), line.group(2)
    return None


def _file_size(task: Task, cells: Sequence[str]) -> int:
    """Bytes of the task's file; a row already longer than any file can be is not rendered to find out."""
    raw = sum(len(cell.encode("utf-8")) for cell in cells)
    return raw if raw > MAX_FILE_BYTES else len(render_task(task).encode("utf-8"))


def _task_from_cells(task_id: int, group: int, subgroup: str | None, cells: list[str]) -> Task:
    return Task(
        id=task_id,
        group=group,
        subgroup=subgroup,
        title=clean_cell(cells[1]),
        output=clean_cell(cells[2]),
        deadline=clean_cell(cells[3]),
        lead=split_leads(cells[LEAD_COLUMN]),
        partners=split_list_cell(cells[PARTNERS_COLUMN]),
        authority=clean_cell(cells[6]),
    )


# ---------------------------------------------------------------- Word documents


def parse_appendix_docx(path: Path) -> ParsedAppendix:
    """Parse the appendix table(s) of a Word document.

    Cells merged across columns (a group heading) count once; a cell merged down several rows
    (one lead for several tasks) counts for each row; paragraphs of a partners cell are its list.
    """
    return parse_rows(_docx_rows(path))


def _docx_rows(path: Path) -> Iterable[tuple[str, list[str]]]:
    import zipfile

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    # lxml's XMLSyntaxError (a damaged part inside the zip) is a SyntaxError.
    try:
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as exc:
        raise AppendixError(f"không mở được {path.name} như tệp Word .docx ({exc})") from None
    for table_number, table in enumerate(document.tables, start=1):
        for row_number, row in enumerate(table.rows, start=1):
            yield f"bảng {table_number}, hàng {row_number}", _docx_row_cells(row)


def _docx_row_cells(row: Any) -> list[str]:
    cells: list[str] = [""] * row.grid_cols_before
    previous = None
    for cell in row.cells:
        # A cell spanning several grid columns is returned once per column: keep its text once.
        column = len(cells)
        cells.append("" if cell is previous else _docx_cell_text([p.text for p in cell.paragraphs], column))
        previous = cell
    return cells


def _docx_cell_text(paragraphs: list[str], column: int) -> str:
    """A Word cell in the markup the row reader takes: items as <li> in a partners list."""
    lines = [line for line in (re.sub(r"\s+", " ", p).strip() for p in paragraphs) if line]
    if column == PARTNERS_COLUMN and len(lines) > 1:
        return "".join(f"<li>{html.escape(item, quote=False)}</li>" for item in _list_items(lines))
    if column == LEAD_COLUMN and len(lines) > 1:
        return html.escape("; ".join(_TYPED_BULLET.sub("", line).rstrip(" ,;.") for line in lines), quote=False)
    return html.escape(" ".join(lines), quote=False)


def _list_items(lines: list[str]) -> list[str]:
    """One item per paragraph; where bullets are typed ("- …"), a line without one continues the item."""
    if not any(_TYPED_BULLET.match(line) for line in lines):
        return lines
    items: list[str] = []
    for line in lines:
        if _TYPED_BULLET.match(line) or not items:
            items.append(_TYPED_BULLET.sub("", line))
        else:
            items[-1] = f"{items[-1]} {line}"
    return items


# ---------------------------------------------------------------- any source


def read_appendix(path: Path) -> ParsedAppendix:
    """Parse a .docx or a UTF-8 tab-separated text file, told apart by content, not by name."""
    try:
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise AppendixError(f"{path.name} quá lớn (tối đa {MAX_SOURCE_BYTES:,} byte)")
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise AppendixError(f"không đọc được {path}: {exc.strerror or exc}") from None
    if head.startswith(b"PK\x03\x04"):
        parsed = parse_appendix_docx(path)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise AppendixError(f"{path.name} là tệp Word cũ (.doc); mở bằng Word và lưu lại dạng .docx")
    else:
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise AppendixError(
                f"{path.name} không phải văn bản UTF-8 cũng không phải .docx; lưu lại với mã hóa UTF-8"
            ) from None
        parsed = parse_appendix_text(text)
    if not parsed.header_found:
        raise AppendixError(f'không thấy bảng phụ lục trong {path.name} (cần hàng tiêu đề bắt đầu bằng "STT")')
    return parsed


# ---------------------------------------------------------------- writing YAML files

Action = Literal["new", "same", "replace", "refused"]


@dataclass(frozen=True)
class PlannedFile:
    path: Path
    text: str
    action: Action


@dataclass
class ImportResult:
    """What an import read, what it wrote (or would have), and what it refused."""

    parsed: ParsedAppendix
    tasks: list[PlannedFile]
    groups: PlannedFile | None
    others: list[Path]  # task files already in the folder that the appendix does not have
    written: bool

    @property
    def files(self) -> list[PlannedFile]:
        return [*self.tasks, *([self.groups] if self.groups else [])]

    @property
    def refused(self) -> list[Path]:
        return [f.path for f in self.files if f.action == "refused"]

    def count(self, action: Action) -> int:
        return sum(1 for f in self.tasks if f.action == action)


def import_appendix(source: Path, tasks_dir: Path, *, force: bool = False) -> ImportResult:
    """Write one task file per appendix row into `tasks_dir`, and the groups beside it.

    The groups file is `groups.yaml` in the folder holding `tasks_dir` (the data layout).
    A file that exists with other content is replaced only with `force`; if any would be
    refused, nothing at all is written. A file with identical content is left alone.
    """
    parsed = read_appendix(source)
    tasks = [_plan(tasks_dir / f"{task.id:03d}.yaml", render_task(task), force) for task in parsed.tasks]
    groups = _plan(tasks_dir.parent / GROUPS_FILE, render_groups(parsed.groups), force) if parsed.groups else None
    names = {planned.path.name for planned in tasks}
    others = (
        sorted(p for p in tasks_dir.iterdir() if p.suffix in (".yaml", ".yml") and p.name not in names)
        if tasks_dir.is_dir()
        else []
    )
    result = ImportResult(parsed, tasks, groups, others, written=False)
    if result.refused:
        return result
    tasks_dir.mkdir(parents=True, exist_ok=True)
    for planned in result.files:
        if planned.action in ("new", "replace"):
            atomic_write(planned.path, planned.text)
    result.written = True
    return result


def _plan(path: Path, text: str, force: bool) -> PlannedFile:
    return PlannedFile(path, text, _action(path, text, force))


def _action(path: Path, text: str, force: bool) -> Action:
    if not path.exists():
        return "new"
    try:
        if path.read_bytes() == text.encode("utf-8"):
            return "same"
    except OSError:
        pass
    return "replace" if force else "refused"
