"""Reading a programme's appendix table into tasks, and writing it as the project's YAML files.

Sources: Word (.docx), Excel (.xlsx), Markdown pipe tables, CSV, and tab-separated text (.tsv, or
text pasted from Word as the programme's source is). Columns are found by their heading, in any
order (`HEADINGS`); the run reports the mapping it used and every row it could not read.

Sections and groups. `groups.yaml` has two levels: groups (a number) and their sub-sections (a key).
Section rows are numbered "A." (letters), "I." (Roman), "1" / "1." (Arabic) or "a)" (small letters),
ranked in that order. The first section row of the table fixes the group level, the first deeper
one the sub-section level: "1" groups with "a)" sub-sections (the shipped programme), or "I." groups
with "1." sub-sections, or "I." groups with "a)" sub-sections. A group's id is its number (I → 1,
B → 2), a sub-section's key its label as written ("a", "1"). A third level, or a section above the
group level, has no place in `groups.yaml`: such a row is reported, its tasks stay in the enclosing
(sub-)section.

Tasks and sections. A task row is numbered "(1)", "1)", "1." or "1" and has at least one cell
besides its number and title; a numbered row with only a title is a section. When tasks are
numbered "1." or "1" themselves, an Arabic row with only a title could be either, so it is reported
rather than guessed. Every task of a table must be numbered in one style ("(1)" or "1)" or "1."/"1").
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from ctr199.models import Group, Subgroup, Task
from ctr199.store import GROUPS_FILE, MAX_FILE_BYTES, atomic_write, render_groups, render_task
from ctr199.text import fold, nfc, without_controls

MAX_SOURCE_BYTES = 50_000_000
MAX_PREAMBLE_LINES = 1_000
_TAG = re.compile(r"<[^>]+>")
_LIST_ITEM = re.compile(r"<li>(.*?)</li>", re.DOTALL)
# "- A; - B" or "- A - B": a cell written as a bulleted list.
_DASH_ITEMS = re.compile(r"(?:^|;?\s+)-\s+")
# Bullets typed as text at the start of a paragraph in a cell.
_TYPED_BULLET = re.compile(r"^\s*[-–—•+*]\s*")
# Markdown emphasis and footnote marks typed into a cell: "**Sở Tài chính**", "Luật Đất đai¹".
_BOLD = re.compile(r"\*\*|__")
_FOOTNOTE_MARKS = str.maketrans("", "", "¹²³⁴⁵⁶⁷⁸⁹⁰")

# ---------------------------------------------------------------- columns

Field = Literal["number", "title", "output", "deadline", "lead", "partners", "authority"]
FIELDS: tuple[Field, ...] = ("number", "title", "output", "deadline", "lead", "partners", "authority")
DATA_FIELDS: tuple[Field, ...] = ("output", "deadline", "lead", "partners", "authority")
FIELD_NAMES: dict[Field, str] = {
    "number": "STT",
    "title": "Nhiệm vụ",
    "output": "Kết quả/Sản phẩm",
    "deadline": "Thời hạn",
    "lead": "Cơ quan chủ trì",
    "partners": "Cơ quan phối hợp",
    "authority": "Thẩm quyền",
}
# Headings as folded text, with "/", "," and ";" written "/": "Cơ quan, đơn vị phối hợp" → "co quan/don vi phoi hop".
HEADINGS: dict[str, Field] = {
    **dict.fromkeys(("stt", "tt", "so tt", "so thu tu"), "number"),
    **dict.fromkeys(
        ("nhiem vu", "ten nhiem vu", "noi dung nhiem vu", "noi dung", "noi dung cong viec", "nhiem vu/giai phap"),
        "title",
    ),
    **dict.fromkeys(
        (
            "ket qua/san pham",
            "san pham/ket qua",
            "ket qua",
            "san pham",
            "ket qua dau ra",
            "san pham dau ra",
            "san pham du kien",
            "du kien san pham",
            "hinh thuc van ban",
            "san pham/hinh thuc van ban",
            "hinh thuc san pham",
        ),
        "output",
    ),
    **dict.fromkeys(
        (
            "thoi han",
            "thoi han hoan thanh",
            "thoi gian hoan thanh",
            "tien do",
            "tien do hoan thanh",
            "thoi gian thuc hien",
            "thoi gian",
            "thoi gian/tien do",
            "thoi han trinh",
            "thoi gian trinh",
        ),
        "deadline",
    ),
    **dict.fromkeys(
        (
            "co quan chu tri",
            "don vi chu tri",
            "co quan/don vi chu tri",
            "co quan chu tri thuc hien",
            "don vi chu tri thuc hien",
            "chu tri",
        ),
        "lead",
    ),
    **dict.fromkeys(
        (
            "co quan phoi hop",
            "don vi phoi hop",
            "co quan/don vi phoi hop",
            "co quan phoi hop thuc hien",
            "don vi phoi hop thuc hien",
            "phoi hop",
        ),
        "partners",
    ),
    **dict.fromkeys(
        (
            "tham quyen",
            "tham quyen ban hanh",
            "tham quyen phe duyet",
            "cap trinh",
            "cap ban hanh",
            "cap trinh/ban hanh",
            "cap co tham quyen",
            "cap phe duyet",
        ),
        "authority",
    ),
}
_HEADING_SEPARATORS = re.compile(r"\s*[/,;]\s*")
_HEADING_NUMBER = re.compile(r"\s*\(\d{1,2}\)$")  # "Nhiệm vụ (2)": a heading carrying its column number


def heading_field(text: str) -> Field | None:
    """The column a heading names, or None when it is not one of the known headings."""
    key = _HEADING_NUMBER.sub("", fold(text)).strip(" .:*")
    return HEADINGS.get(_HEADING_SEPARATORS.sub("/", key))


@dataclass(frozen=True)
class ColumnMap:
    """Which column of the source holds which field, as read from a header row."""

    where: str
    columns: dict[Field, int]
    headings: tuple[str, ...]
    unknown: tuple[int, ...]  # columns with a heading that names no field

    @property
    def width(self) -> int:
        return max((i for i, text in enumerate(self.headings) if text), default=-1) + 1

    def describe(self) -> str:
        """ "STT ← cột 1 "TT"; Nhiệm vụ ← cột 2 "Tên nhiệm vụ"; …; Thẩm quyền: không có"."""
        parts = []
        for name in FIELDS:
            column = self.columns.get(name)
            label = FIELD_NAMES[name]
            if column is None:
                parts.append(f"{label}: không có")
            else:
                parts.append(f'{label} ← cột {column + 1} "{self.headings[column]}"')
        parts.extend(f'cột {i + 1} "{self.headings[i]}": không nhận ra, không đọc' for i in self.unknown)
        return "; ".join(parts)


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
    columns: list[ColumnMap] = field(default_factory=list)  # each distinct mapping, in order of use
    preamble: list[str] = field(default_factory=list)  # the text above the table: the document's heading
    split_lead_cells: dict[str, list[str]] = field(default_factory=dict)  # lead cells naming several agencies


# Word's marks in pasted text: \x1e is a non-breaking hyphen, \x1f an optional one. Other control
# characters (\x07 ends a cell, \x0b breaks a line) are spacing or debris, never text to keep.
_WORD_HYPHENS = str.maketrans({"\x1e": "-", "\x1f": ""})


def clean_cell(cell: str) -> str:
    """Cell text without markup, bold or footnote marks, or control characters; NFC, with single spaces."""
    text = html.unescape(_TAG.sub(" ", _BOLD.sub("", cell))).translate(_WORD_HYPHENS).translate(_FOOTNOTE_MARKS)
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


# Words an agency's name starts with: a second agency in one cell starts with one of them.
AGENCY_HEADS = (
    "Bộ",
    "Sở",
    "Ban",
    "Ủy ban",
    "Uỷ ban",
    "UBND",
    "HĐND",
    "Hội đồng",
    "Văn phòng",
    "Công an",
    "Tòa án",
    "Toà án",
    "Viện",
    "Đài",
    "Thông tấn xã",
    "Ngân hàng",
    "Kiểm toán",
    "Kho bạc",
    "Bảo hiểm",
    "Thuế",
    "Cục",
    "Tổng cục",
    "Tập đoàn",
    "Tổng công ty",
    "Mặt trận",
    "Liên đoàn",
    "Hội",
    "Đảng ủy",
    "Đảng uỷ",
    "Thành ủy",
    "Thành uỷ",
    "Tỉnh ủy",
    "Tỉnh uỷ",
    "Các",
    "các",
)
_HEADS = "|".join(re.escape(head) for head in sorted(AGENCY_HEADS, key=len, reverse=True))
# One cell naming several agencies: split at ";", and at "," or " và " where an agency's name follows.
# "Sở Văn hóa, Thể thao và Du lịch" and "Bộ Khoa học và Công nghệ" stay whole: "Thể", "Du", "Công nghệ"
# start no agency.
_AGENCY_SPLIT = re.compile(rf"\s*;\s*|\s*,\s*(?=(?:{_HEADS})\s)|\s+và\s+(?=(?:{_HEADS})\s)")


def split_agencies(text: str) -> list[str]:
    """The agencies one cell (already cleaned) names: "Bộ Tài chính, Bộ Công Thương" gives two."""
    return [part.strip(" ,;.") for part in _AGENCY_SPLIT.split(text) if part.strip(" ,;.")]


def split_leads(cell: str) -> list[str]:
    """Lead agencies of one cell: "Sở Xây dựng; Ban QLDA liên quan" gives two."""
    return split_agencies(clean_cell(cell))


# ---------------------------------------------------------------- numbers and sections

Rank = int
LETTER, ROMAN, ARABIC, SMALL = 0, 1, 2, 3  # ranks of section labels, highest first
_RANK_NAMES = {LETTER: '"A."', ROMAN: '"I."', ARABIC: '"1."', SMALL: '"a)"'}
_PAREN = re.compile(r"^\((\d{1,4})\)$")
_CLOSE = re.compile(r"^(\d{1,4})\)$")
_PLAIN = re.compile(r"^(\d{1,4})\.?$")
_ROMAN_LABEL = re.compile(r"^([IVXLC]{1,7})[.)]?$")
_LETTER_LABEL = re.compile(r"^([A-ZĐ])[.)]?$")
_SMALL_LABEL = re.compile(r"^([a-zđ])\)$")
# A section typed into one cell spanning the row: "1. Tiếp tục …", "II. CẢI CÁCH …", "a) Tăng cường …".
_SECTION_LINE = re.compile(r"^(?:(\d{1,4}\.?)\s+|([IVXLC]{1,7}[.)]|[A-ZĐ][.)]|[a-zđ]\))\s*)(\S.*)$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
TaskStyle = Literal["(1)", "1)", "1."]


def roman_value(text: str) -> int | None:
    """The value of a well-formed Roman numeral (I … CCCXCIX), else None."""
    total, previous = 0, 0
    for char in reversed(text):
        value = _ROMAN_VALUES[char]
        total += -value if value < previous else value
        previous = max(previous, value)
    return total if 0 < total < 400 and _to_roman(total) == text else None


def _to_roman(number: int) -> str:
    out = []
    for value, letters in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV")):
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out) + "I" * number


def task_number(text: str) -> tuple[int, TaskStyle] | None:
    """A task's number and its style: "(12)", "12)", "12." or "12"."""
    for pattern, style in ((_PAREN, "(1)"), (_CLOSE, "1)"), (_PLAIN, "1.")):
        match = pattern.match(text)
        if match:
            return int(match.group(1)), style  # type: ignore[return-value]
    return None


def section_label(text: str, previous_letter: str | None = None) -> tuple[Rank, int, str] | None:
    """A section label's rank, number and key: "II." → (ROMAN, 2, "II"), "b)" → (SMALL, 2, "b").

    "I", "V", "X" are Roman unless they continue a run of letter sections ("H." then "I.").
    """
    plain = _PLAIN.match(text)
    if plain:
        return ARABIC, int(plain.group(1)), plain.group(1)
    small = _SMALL_LABEL.match(text)
    if small:
        key = small.group(1)
        return SMALL, "abcdđefghijklmnopqrstuvwxyz".index(key) + 1, key
    letter = _LETTER_LABEL.match(text)
    roman = _ROMAN_LABEL.match(text)
    continues = letter is not None and previous_letter is not None and _next_letter(previous_letter) == letter.group(1)
    if roman and not continues:
        value = roman_value(roman.group(1))
        if value is not None:
            return ROMAN, value, roman.group(1)
    if letter:
        key = letter.group(1)
        return LETTER, "ABCDĐEFGHIJKLMNOPQRSTUVWXYZ".index(key) + 1, key
    return None


def _next_letter(letter: str) -> str:
    alphabet = "ABCDĐEFGHIJKLMNOPQRSTUVWXYZ"
    index = alphabet.find(letter)
    return alphabet[index + 1] if 0 <= index < len(alphabet) - 1 else ""


# ---------------------------------------------------------------- rows to tasks


@dataclass
class _Row:
    where: str
    raw: list[str]
    texts: list[str]
    columns: ColumnMap

    def raw_of(self, name: Field) -> str:
        index = self.columns.columns.get(name)
        return self.raw[index] if index is not None and index < len(self.raw) else ""

    def text_of(self, name: Field) -> str:
        index = self.columns.columns.get(name)
        return self.texts[index] if index is not None and index < len(self.texts) else ""

    def has_data(self) -> bool:
        return any(self.text_of(name) for name in DATA_FIELDS)


def parse_appendix_text(text: str) -> ParsedAppendix:
    """Parse tab-separated text: rows end at a line break, cells at a TAB (cells quoted as Excel does allowed)."""
    return parse_rows(_tab_rows(text))


def _tab_rows(text: str) -> Iterator[tuple[str, list[str]]]:
    # Rows end at a line break only: str.splitlines() would also split a cell at a vertical tab or
    # form feed (Word's manual line and page breaks) and import half a row as a task.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    header_seen = False
    number = 0
    while number < len(lines):
        start = number
        cells, number = _tab_cells(lines, number)
        if len(cells) > 1:
            header_seen = header_seen or _is_header(cells)
            yield f"dòng {start + 1}", cells
        elif not header_seen and cells[0].strip():  # text above the table: the document's heading
            yield f"dòng {start + 1}", cells


def _tab_cells(lines: list[str], number: int) -> tuple[list[str], int]:
    """The cells of the row starting at `lines[number]`, and the number of the line after it.

    A last cell opening a quote that closes on a later line is one cell holding line breaks, as
    Excel writes them ("…\n…", quotes inside doubled); anything else ends at the line break.
    """
    raw = lines[number]
    if "\t" in raw and _opens(raw.rsplit("\t", 1)[-1]):
        opening = raw.count("\t")
        joined = raw
        for following in range(number + 1, min(number + 100, len(lines))):
            joined = f"{joined}\n{lines[following]}"
            cells = joined.split("\t")
            if _quoted(cells[opening]):
                return [_unquote(cell) for cell in cells], following + 1
            if not _opens(cells[opening]):
                break
    return [_unquote(cell) for cell in raw.split("\t")], number + 1


def _opens(cell: str) -> bool:
    """A cell starting a quoted value that has not ended yet."""
    return cell.startswith('"') and '"' not in cell[1:].replace('""', "")


def _quoted(cell: str) -> bool:
    """A cell quoted as Excel and csv write it: "…", with each quote inside doubled."""
    return len(cell) >= 2 and cell[0] == cell[-1] == '"' and '"' not in cell[1:-1].replace('""', "")


def _unquote(cell: str) -> str:
    return cell[1:-1].replace('""', '"') if _quoted(cell) else cell


def parse_rows(rows: Iterable[tuple[str, Sequence[str]]]) -> ParsedAppendix:
    """Read appendix rows (where, cells) whatever their source; cells may carry HTML markup, and a
    line break inside a cell separates its paragraphs.

    Rows before the first header row are the document's preamble; header rows repeated on later
    pages, and the row numbering the columns (1)…(7), are skipped.
    """
    result = ParsedAppendix()
    body: list[_Row] = []
    columns: ColumnMap | None = None
    rejected: list[tuple[str, str]] = []
    after_header = False
    for where, raw_cells in rows:
        raw = list(raw_cells)
        texts = [clean_cell(cell) for cell in raw]
        if after_header and columns is not None:
            after_header = False
            below = _subheader(columns, texts)
            if below is not None:  # a header of two rows: "Cơ quan thực hiện" over "Chủ trì" | "Phối hợp"
                if result.columns and result.columns[-1] is columns:
                    result.columns[-1] = below
                columns = below
                continue
        header = _header(where, texts)
        if header is not None:
            if isinstance(header, str):
                rejected.append((where, header))
                if columns is not None:
                    result.problems.append(Problem(where, f"hàng tiêu đề không dùng được: {header}"))
                continue
            if columns is None or header.columns != columns.columns:
                result.columns.append(header)
                columns = header
                after_header = True
            result.header_found = True
            continue
        if columns is None:
            line = " ".join(text for text in texts if text)
            if line and len(result.preamble) < MAX_PREAMBLE_LINES:
                result.preamble.append(line)
            continue
        if any(texts) and not _numbers_columns(texts, columns.width):
            body.append(_Row(where, raw, texts, columns))
    if columns is None:
        if rejected:
            raise AppendixError(f"hàng tiêu đề ở {rejected[0][0]}: {rejected[0][1]}")
        return result
    _Sections(result).read(body)
    return result


def _header(where: str, texts: list[str]) -> ColumnMap | str | None:
    """The column map of a header row; a message when the row is a header that cannot be used; None for other rows."""
    fields = [heading_field(text) if text else None for text in texts]
    found = [name for name in fields if name is not None]
    if "number" not in found or len(found) < 2:
        return None
    duplicates = [name for name, count in Counter(found).items() if count > 1]
    if duplicates:
        name = duplicates[0]
        both = " và ".join(f'cột {i + 1} "{texts[i]}"' for i, f in enumerate(fields) if f == name)
        return f"{both} cùng là cột {FIELD_NAMES[name]}; đổi tên một tiêu đề hoặc xóa cột thừa"
    if "title" not in found:
        names = ", ".join(f'"{text}"' for text, f in zip(texts, fields, strict=True) if text and f is None)
        return f"không thấy cột Nhiệm vụ (tên nhiệm vụ){f'; không nhận ra: {names}' if names else ''}"
    unknown = tuple(i for i, (text, f) in enumerate(zip(texts, fields, strict=True)) if text and f is None)
    mapping = {name: i for i, name in enumerate(fields) if name is not None}
    return ColumnMap(where, mapping, tuple(texts), unknown)


def _subheader(columns: ColumnMap, texts: list[str]) -> ColumnMap | None:
    """The header completed by the row under it, when that row only names the fields of columns the
    header left without one (a heading merged over several columns)."""
    # A cell merged down from the header row (Word repeats it) says the same again.
    filled = [i for i, text in enumerate(texts) if text and (i >= len(columns.headings) or text != columns.headings[i])]
    if not filled:
        return None
    named: dict[Field, int] = {}
    for index in filled:
        name = heading_field(texts[index])
        if name is None or name in columns.columns or name in named or index in columns.columns.values():
            return None
        named[name] = index
    headings = list(columns.headings) + [""] * max(0, len(texts) - len(columns.headings))
    for index in filled:
        headings[index] = f"{headings[index]} / {texts[index]}" if headings[index] else texts[index]
    unknown = tuple(i for i in columns.unknown if i not in named.values())
    return ColumnMap(columns.where, {**columns.columns, **named}, tuple(headings), unknown)


def _numbers_columns(texts: list[str], width: int) -> bool:
    """The row under the header that numbers the columns: (1) (2) … (7)."""
    return len(texts) >= width > 0 and all(
        re.fullmatch(rf"\(?{index + 1}\)?", text) for index, text in enumerate(texts[:width])
    )


class _Sections:
    """Turns the table's rows into groups, sub-sections and tasks (the rules are in the module's docstring)."""

    def __init__(self, result: ParsedAppendix):
        self.result = result
        self.group: Group | None = None
        self.subgroup: str | None = None
        self.group_rank: Rank | None = None
        self.sub_rank: Rank | None = None
        self.last_letter: str | None = None
        self.seen_ids: dict[int, str] = {}
        self.seen_groups: set[int] = set()
        self.style: TaskStyle | None = None

    def problem(self, where: str, message: str) -> None:
        self.result.problems.append(Problem(where, message))

    def read(self, rows: list[_Row]) -> None:
        # The style of the first numbered row with cells besides its title is the table's task style.
        for row in rows:
            number = task_number(row.text_of("number"))
            if number is not None and row.has_data():
                self.style = number[1]
                break
        lost: Counter[tuple[str, int]] = Counter()
        for row in rows:
            width = row.columns.width
            if any(row.texts[width:]):
                extra = "; ".join(text for text in row.texts[width:] if text)
                self.problem(row.where, f"hàng có hơn {width} cột; phần thừa không được đọc: {extra[:80]}")
            read = set(row.columns.columns.values())
            for index, text in enumerate(row.texts[:width]):
                if text and index not in read:
                    lost[(row.columns.where, index)] += 1
            self.row(row)
        if self.group is not None:
            self.result.groups.append(self.group)
        for (where, index), count in lost.items():
            heading = next(c for c in self.result.columns if c.where == where).headings[index]
            named = (
                f'cột {index + 1} "{heading}" không phải cột nào của nhiệm vụ'
                if heading
                else (f"cột {index + 1} không có tiêu đề")
            )
            self.problem(
                where,
                f"{named}; {count} ô có nội dung không được nhập "
                "(đổi tiêu đề cột nếu đó là một cột của Phụ lục, hoặc xóa cột)",
            )

    def row(self, row: _Row) -> None:
        number_text = row.text_of("number")
        number = task_number(number_text)
        filled = [i for i, text in enumerate(row.texts) if text]
        if number is not None and (number[1] != "1." or row.has_data()):
            self.task(row, number_text, *number)
            return
        section = self.section_of(row, filled)
        if section is None:
            shown = " | ".join(row.texts[i] for i in filled)[:80]
            why = ""
            if row.has_data():
                # "1.1", "I.1", "-" or nothing in the STT cell of a row that has a task's cells
                written = f'"{number_text[:20]}{"…" if len(number_text) > 20 else ""}"' if number_text else "trống"
                why = f" — ô STT {written} không phải số thứ tự nhiệm vụ; đánh số nhiệm vụ 1, 2, … hoặc (1), (2), …"
            self.problem(row.where, f"không đọc được hàng: {shown}{why}")
            return
        rank, value, key, title = section
        if rank == ARABIC and self.style == "1.":
            self.problem(
                row.where,
                f'hàng "{key}. {title[:60]}" chỉ có tên, không có ô nào khác: là mục hay nhiệm vụ thiếu ô? '
                "Bảng đánh số nhiệm vụ kiểu 1., 2., … nên không đoán; điền các ô của nhiệm vụ, "
                'hoặc đánh số mục kiểu "I." / "a)"',
            )
            return
        if rank == LETTER:
            self.last_letter = key
        self.section(row.where, rank, value, key, title)

    def section_of(self, row: _Row, filled: list[int]) -> tuple[Rank, int, str, str] | None:
        """A section row: its label in the number cell and its title in one other cell, or both in one merged cell."""
        number_column = row.columns.columns["number"]
        label: str | None = None
        title = ""
        if len(filled) == 2 and number_column in filled:
            label = row.texts[number_column]
            title = row.texts[filled[1] if filled[0] == number_column else filled[0]]
        elif len(filled) == 1:
            line = _SECTION_LINE.match(row.texts[filled[0]])
            if line:
                label, title = line.group(1) or line.group(2), line.group(3)
        if label is None:
            return None
        found = section_label(label, self.last_letter)
        return None if found is None else (*found, title)

    def section(self, where: str, rank: Rank, value: int, key: str, title: str) -> None:
        if self.group_rank is None:
            self.group_rank = rank
        if rank == self.group_rank:
            if value in self.seen_groups:
                self.problem(where, f"mục {key} lặp lại; các nhiệm vụ dưới đây vẫn thuộc mục {key} đã có")
                self.subgroup = None
                return
            if self.group is not None:
                self.result.groups.append(self.group)
            self.seen_groups.add(value)
            self.group = Group(id=value, title=title)
            self.subgroup = None
            return
        if rank < self.group_rank:
            self.problem(
                where,
                f"mục {key} ở cấp cao hơn các nhóm (đánh số kiểu {_RANK_NAMES[self.group_rank]}); "
                "groups.yaml chỉ có nhóm và tiểu mục nên mục này không được lưu",
            )
            return
        if self.sub_rank is None:
            self.sub_rank = rank
        if rank != self.sub_rank:
            self.problem(
                where,
                f"mục {key} là cấp thứ ba (sau nhóm {_RANK_NAMES[self.group_rank]} và tiểu mục "
                f"{_RANK_NAMES[self.sub_rank]}); groups.yaml chỉ có hai cấp nên mục này không được lưu, "
                "các nhiệm vụ dưới nó thuộc tiểu mục đang có",
            )
            return
        if self.group is None:
            self.problem(where, f"tiểu mục {key} nằm trước nhóm đầu tiên")
            return
        if any(s.key == key for s in self.group.subgroups):
            self.problem(where, f"tiểu mục {key} lặp lại trong nhóm {self.group.id}")
            return
        self.subgroup = key
        self.group = self.group.model_copy(
            update={"subgroups": [*self.group.subgroups, Subgroup(key=key, title=title)]}
        )

    def task(self, row: _Row, first: str, task_id: int, style: TaskStyle) -> None:
        where = row.where
        if self.style is not None and style != self.style:
            self.problem(where, f'nhiệm vụ {first} đánh số khác kiểu "{self.style}" của các nhiệm vụ trong bảng')
        elif self.group is None:
            self.problem(where, f"nhiệm vụ {first} nằm trước nhóm đầu tiên")
        elif task_id in self.seen_ids:
            self.problem(where, f"nhiệm vụ {first} lặp lại (đã có ở {self.seen_ids[task_id]})")
        else:
            try:
                task = _task_from_row(task_id, self.group.id, self.subgroup, row)
            except ValidationError as exc:
                from ctr199.checks import error_reason

                reasons = "; ".join(error_reason(error, Task) for error in exc.errors())
                self.problem(where, f"nhiệm vụ {first}: {reasons}")
                return
            size = _file_size(task, row.raw)
            if size > MAX_FILE_BYTES:
                self.problem(where, f"nhiệm vụ {first} quá dài ({size:,} byte; tệp nhiệm vụ tối đa {MAX_FILE_BYTES:,})")
                return
            self.result.tasks.append(task)
            self.seen_ids[task_id] = where
            if len(task.lead) > 1:
                self.result.split_lead_cells.setdefault(clean_cell(_lead_cell(row.raw_of("lead"))), task.lead)


def _file_size(task: Task, cells: Sequence[str]) -> int:
    """Bytes of the task's file; a row already longer than any file can be is not rendered to find out."""
    raw = sum(len(cell.encode("utf-8")) for cell in cells)
    return raw if raw > MAX_FILE_BYTES else len(render_task(task).encode("utf-8"))


def _task_from_row(task_id: int, group: int, subgroup: str | None, row: _Row) -> Task:
    return Task(
        id=task_id,
        group=group,
        subgroup=subgroup,
        title=clean_cell(row.raw_of("title")),
        output=clean_cell(row.raw_of("output")),
        deadline=clean_cell(row.raw_of("deadline")),
        lead=split_leads(_lead_cell(row.raw_of("lead"))),
        partners=split_list_cell(_partners_cell(row.raw_of("partners"))),
        authority=clean_cell(row.raw_of("authority")),
    )


def _paragraphs(cell: str) -> list[str]:
    return [line for line in (re.sub(r"\s+", " ", p).strip() for p in cell.split("\n")) if line]


def _partners_cell(cell: str) -> str:
    """A partners cell of several paragraphs as a list: one item a paragraph (or a typed bullet)."""
    lines = _paragraphs(cell)
    if len(lines) > 1 and "<li>" not in cell:
        return "".join(f"<li>{item}</li>" for item in _list_items(lines))
    return cell


def _lead_cell(cell: str) -> str:
    """A lead cell of several paragraphs: one agency a paragraph."""
    lines = _paragraphs(cell)
    if len(lines) > 1:
        items = (_TYPED_BULLET.sub("", html.unescape(line)).rstrip(" ,;.") for line in lines)
        return html.escape("; ".join(items), quote=False)
    return cell


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


# ---------------------------------------------------------------- Markdown and CSV

_MD_SEPARATOR = re.compile(r"^:?-{3,}:?$")
_MD_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _markdown_rows(text: str) -> Iterator[tuple[str, list[str]]]:
    """Rows of Markdown pipe tables ("| a | b |"); other lines are preamble text, without their marks."""
    header_seen = False
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        stripped = line.strip()
        if not stripped.startswith("|"):
            heading = re.sub(r"^#+\s*|^>\s*", "", stripped)
            if heading and not header_seen:  # text above the table: the document's heading
                yield f"dòng {number}", [heading]
            continue
        body = stripped[1:-1] if stripped.endswith("|") and len(stripped) > 1 else stripped[1:]
        cells = [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", body)]
        if all(_MD_SEPARATOR.match(cell) for cell in cells):
            continue
        header_seen = header_seen or _is_header(cells)
        yield f"dòng {number}", [_MD_BREAK.sub("\n", cell) for cell in cells]


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[str, list[str]]]:
    import csv
    import io

    limit = csv.field_size_limit()
    csv.field_size_limit(MAX_SOURCE_BYTES)
    try:
        # strict: a quote left open would otherwise swallow every row after it into one cell.
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        start = 1
        for row in reader:
            yield f"dòng {start}", [html.escape(cell, quote=False) for cell in row]
            start = reader.line_num + 1
    except csv.Error as exc:
        reason = (
            'dấu ngoặc kép (") mở ô mà không đóng'
            if "end of data" in str(exc)
            else 'sau dấu ngoặc kép (") đóng ô phải là dấu phân cách'
            if "expected after" in str(exc)
            else str(exc)
        )
        raise AppendixError(f"dòng {start}: không đọc được tệp CSV: {reason}") from None
    finally:
        csv.field_size_limit(limit)


def _text_dialect(text: str) -> Literal["tab", "markdown", ",", ";"] | None:
    """How a text file writes its table: the first line that reads as a header row decides."""
    for line in text.splitlines()[:5_000]:
        stripped = line.strip()
        if "\t" in line and _is_header(line.split("\t")):
            return "tab"
        if stripped.startswith("|") and _is_header(stripped.strip("|").split("|")):
            return "markdown"
        if "," in line and _is_header(_csv_line(line, ",")):
            return ","
        if ";" in line and _is_header(_csv_line(line, ";")):
            return ";"
    return None


def _csv_line(line: str, delimiter: str) -> list[str]:
    import csv

    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def _is_header(cells: Sequence[str]) -> bool:
    return _header("", [clean_cell(cell) for cell in cells]) is not None


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
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    # lxml's XMLSyntaxError (a damaged part inside the zip) is a SyntaxError.
    try:
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as exc:
        raise AppendixError(f"không mở được {path.name} như tệp Word .docx ({exc})") from None
    table_number = 0
    header_seen = False
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            # Paragraphs above the appendix's table (a letterhead may be a table of its own) are its heading.
            if not header_seen and block.text.strip():
                yield "đoạn văn", [html.escape(block.text, quote=False)]
            continue
        if isinstance(block, Table):
            table_number += 1
            for row_number, row in enumerate(block.rows, start=1):
                cells = _docx_row_cells(row)
                header_seen = header_seen or _is_header(cells)
                yield f"bảng {table_number}, hàng {row_number}", cells


def _docx_row_cells(row: Any) -> list[str]:
    cells: list[str] = [""] * row.grid_cols_before
    previous = None
    for cell in row.cells:
        # A cell spanning several grid columns is returned once per column: keep its text once.
        if cell is previous:
            cells.append("")
        else:
            cells.append("\n".join(html.escape(p.text, quote=False) for p in cell.paragraphs))
        previous = cell
    return cells


# ---------------------------------------------------------------- Excel workbooks


def _xlsx_rows(path: Path) -> Iterator[tuple[str, list[str]]]:
    """Rows of every sheet, values only (a formula gives its last computed value); a cell merged
    down several rows counts for each row, one merged across columns once."""
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(str(path), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError, TypeError) as exc:
        raise AppendixError(f"không mở được {path.name} như tệp Excel .xlsx ({exc})") from None
    try:
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()  # some writers store a wrong size; read what is there
            down = _merged_down(path, getattr(sheet, "_worksheet_path", ""))
            above: dict[int, str] = {}
            for row_number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [html.escape(_xlsx_text(value), quote=False) for value in values]
                for column, first, last in down:
                    if first < row_number <= last and (column >= len(cells) or not cells[column]):
                        # a row's empty cells at its end are not stored: the merged cell may lie beyond
                        cells.extend([""] * (column + 1 - len(cells)))
                        cells[column] = above.get(column, "")
                for column, first, _ in down:
                    if first == row_number and column < len(cells):
                        above[column] = cells[column]
                yield f"trang {sheet.title}, hàng {row_number}", cells
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError, TypeError) as exc:
        # A sheet is read as its rows are asked for: a damaged one shows only now.
        raise AppendixError(f"không đọc được {path.name} như tệp Excel .xlsx ({exc})") from None
    finally:
        workbook.close()


def _merged_down(path: Path, sheet_path: str) -> list[tuple[int, int, int]]:
    """Cells merged down several rows: (column, first row, last row), 0-based column, 1-based rows;
    a column may have several (its header, then a deadline shared by two tasks).

    Read-only openpyxl does not give merged ranges; they are at the end of the sheet's XML.
    """
    import zipfile
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import range_boundaries

    found: list[tuple[int, int, int]] = []
    if not sheet_path:
        return found
    try:
        with zipfile.ZipFile(path) as archive, archive.open(sheet_path.lstrip("/")) as part:
            for _, element in iterparse(part):
                if element.tag.endswith("}mergeCell"):
                    min_col, min_row, _, max_row = range_boundaries(element.get("ref", ""))
                    if max_row > min_row:
                        found.append((min_col - 1, min_row, max_row))
                element.clear()
    except (KeyError, zipfile.BadZipFile, SyntaxError, ValueError, TypeError):
        return []
    return found


def _xlsx_text(value: Any) -> str:
    from datetime import date, datetime

    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------- any source


def read_appendix(path: Path) -> ParsedAppendix:
    """Parse an appendix: .docx and .xlsx told apart by content, text by the first line that is a header row."""
    try:
        if path.stat().st_size > MAX_SOURCE_BYTES:
            raise AppendixError(f"{path.name} quá lớn (tối đa {MAX_SOURCE_BYTES:,} byte)")
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise AppendixError(f"không đọc được {path}: {exc.strerror or exc}") from None
    if head.startswith(b"PK\x03\x04"):
        parsed = parse_rows(_xlsx_rows(path)) if _is_workbook(path) else parse_appendix_docx(path)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise AppendixError(
            f"{path.name} là tệp Word/Excel cũ (.doc, .xls); mở bằng Word/Excel và lưu lại dạng .docx/.xlsx"
        )
    else:
        # Excel's "Unicode Text" is tab-separated UTF-16 with a byte-order mark.
        encoding = "utf-16" if head.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
        try:
            text = path.read_bytes().decode(encoding)
        except UnicodeDecodeError:
            raise AppendixError(
                f"{path.name} không phải văn bản UTF-8 cũng không phải .docx/.xlsx; lưu lại với mã hóa UTF-8"
            ) from None
        dialect = _text_dialect(text)
        if dialect == "markdown":
            parsed = parse_rows(_markdown_rows(text))
        elif dialect in (",", ";"):
            parsed = parse_rows(_csv_rows(text, dialect))
        else:
            parsed = parse_appendix_text(text)
    if not parsed.header_found:
        raise AppendixError(
            f'không thấy bảng phụ lục trong {path.name} (cần hàng tiêu đề có cột "STT" và cột "Nhiệm vụ")'
        )
    return parsed


def _is_workbook(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


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
