"""Schemas of the data files: tasks, groups, agencies and key indicators.

Records (`ctr199.record`), not pydantic models: a cached run builds them without importing pydantic;
pydantic checks a file against them (`ctr199.record.pydantic_model`) only when a file must be read.
No `from __future__ import annotations` here: the fields' annotations are read as objects.
"""

import calendar
import re
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from ctr199.record import After, Before, Limits, Record, field
from ctr199.text import fold, forbidden_char, nfc

_VN_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:([Tt]|\s+)\S.*)?\s*$", re.DOTALL)
# The years a date in a data file may have; a year outside is a typing slip (0001, 9999, 2206).
MIN_YEAR = 2000
MAX_YEAR = 2100
DATE_FORMS = "YYYY-MM-DD (2026-03-15) hoặc dd/mm/yyyy (15/03/2026)"


class UnreadDate:
    """A plain YAML value shaped like a date that is none (`2026-02-30`), kept as written.

    The YAML readers give this instead of failing, so that the file's other values are still
    read and the checks can name the value, its place and the fix. Not a `str`: a text field
    would take it silently; every field refuses it, a date field with the reason.
    """

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UnreadDate) and other.text == self.text

    def __hash__(self) -> int:
        return hash(("UnreadDate", self.text))

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__


def plain_iso_day(spec: str) -> date | None:
    """Exactly "2026-07-01", as scripts and `--as-of` mostly give it, read without the deadline grammar
    (whose import a cached query otherwise never needs).

    None for anything else, valid or not: the grammar reads the other forms and explains mistakes.
    """
    if not (isinstance(spec, str) and len(spec) == 10 and spec[4] == spec[7] == "-"):
        return None
    digits = spec[:4] + spec[5:7] + spec[8:]
    if not (digits.isascii() and digits.isdigit()):
        return None
    year = int(spec[:4])
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return date(year, int(spec[5:7]), int(spec[8:]))
    except ValueError:
        return None


def date_problem(value: Any) -> str | None:
    """Why `value` is not a date a data file may hold (None when it is one): naming the value and the fix."""
    try:
        parse_day(value)
    except ValueError as exc:
        return str(exc)
    return None


def parse_day(value: Any) -> Any:
    """A date from what a data file holds: a YAML date, "2026-03-15" or "15/3/2026" as text.

    Raises `ValueError` (a Vietnamese sentence naming the value and the fix) for an impossible day
    (30/02), a year outside MIN_YEAR…MAX_YEAR, a time of day, a number or any other text. Values
    of other kinds (lists, mappings) are returned for the schema to refuse.
    """
    if isinstance(value, datetime):
        raise ValueError(f'"{value}" có kèm giờ; chỉ ghi ngày, ví dụ {value:%Y-%m-%d}')
    if isinstance(value, date):
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise ValueError(_year_problem(value.isoformat(), value.year))
        return value
    if isinstance(value, bool | int | float | Decimal):
        raise ValueError(f"{value} không phải một ngày; viết {DATE_FORMS}")
    if isinstance(value, UnreadDate | str):
        text = str(value)
        match = _ISO_DATE.match(text)
        if match:
            year, month, day = (int(part) for part in match.group(1, 2, 3))
            found = _checked_day(text.strip(), year, month, day)
            if match.group(4):
                raise ValueError(f'"{text.strip()}" có kèm giờ; chỉ ghi ngày, ví dụ {found:%Y-%m-%d}')
            return found
        match = _VN_DATE.match(text)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return _checked_day(text.strip(), year, month, day)
        raise ValueError(f'"{text.strip()}" không phải một ngày; viết {DATE_FORMS}')
    return value


def _checked_day(shown: str, year: int, month: int, day: int) -> date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(_year_problem(shown, year))
    if not 1 <= month <= 12:
        reason = f"không có tháng {month}; tháng từ 1 đến 12"
    else:
        days = calendar.monthrange(year, month)[1]
        if 1 <= day <= days:
            return date(year, month, day)
        reason = f"tháng {month}/{year} chỉ có {days} ngày" if day else "không có ngày 0"
    raise ValueError(f'ngày "{shown}" không có thật ({reason}); sửa thành ngày đúng, viết {DATE_FORMS}')


def _year_problem(shown: str, year: int) -> str:
    return f'ngày "{shown}" có năm {year}, ngoài khoảng {MIN_YEAR}–{MAX_YEAR}; sửa lại năm cho đúng'


def _day(value: Any) -> Any:
    """The model's reading of a date field: `parse_day`, its refusal as a `date` error."""
    try:
        return parse_day(value)
    except ValueError as exc:
        from pydantic_core import PydanticCustomError  # only while a file is checked

        raise PydanticCustomError("date", "{reason}", {"reason": str(exc)}) from None


def _stored_text(value: str) -> str:
    problem = forbidden_char(value)
    if problem:
        raise ValueError(problem)
    return nfc(value)


NFCStr = Annotated[str, After(_stored_text)]
Day = Annotated[date, Before(_day)]
Number = Annotated[int, Limits(ge=1)]  # task, group, milestone and indicator numbers start at 1
Required = Limits(min_length=1)  # a text or list that may not be empty


class Status(StrEnum):
    """What staff report about a task (the on-time/late categories are derived, never stored)."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> "Status":
        """Read a status from its key or its Vietnamese name, ignoring case and accents."""
        if text in cls._value2member_map_:  # the stored form, so nearly every load takes this path
            return cls(text)
        wanted = fold(text).replace("-", "_").replace(" ", "_")
        for status in cls:
            if wanted in (status.value, fold(status.label).replace(" ", "_")):
                return status
        if wanted in _STATUS_ALIASES:
            return _STATUS_ALIASES[wanted]
        known = ", ".join(f"{s.value} ({s.label})" for s in cls)
        raise ValueError(f'trạng thái "{text}" không hợp lệ; dùng một trong: {known}')


STATUS_LABELS = {
    Status.NOT_STARTED: "Chưa thực hiện",
    Status.IN_PROGRESS: "Đang thực hiện",
    Status.DONE: "Hoàn thành",
}
_STATUS_ALIASES = {
    "chua_bat_dau": Status.NOT_STARTED,
    "todo": Status.NOT_STARTED,
    "dang_trien_khai": Status.IN_PROGRESS,
    "doing": Status.IN_PROGRESS,
    "da_hoan_thanh": Status.DONE,
    "xong": Status.DONE,
    "completed": Status.DONE,
}


def _status(value: Any) -> Any:
    return Status.parse(value) if isinstance(value, str) else value


StatusField = Annotated[Status, Before(_status)]


class _Checked(Record, checked=True):
    """A record of a data file: made by code, it is checked as if read from the file."""


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("tên nhiệm vụ (title) không được để trống")
    return value


class MilestoneOverride(_Checked):
    """A milestone written by hand when the deadline text alone does not say it."""

    label: NFCStr
    due: Day | None = None
    ongoing: bool = False


class LogEntry(_Checked):
    """One dated line of the progress log."""

    date: Day
    status: StatusField
    milestone: Number | None = None
    note: NFCStr = ""
    ref: NFCStr = ""
    source: NFCStr = ""  # where the entry came from, e.g. an agency's progress form (`ctr199 collect`)


class ExtensionRequest(_Checked):
    """An agency's request for more time, as its progress form asked it: pending until approved.

    Not an extension: the deadline is judged as before until an extension is recorded.
    """

    milestone: Number | None = None
    requested_to: Annotated[NFCStr, Required]  # as the agency typed it ("Quý I/2027", "31/03/2027")
    reason: NFCStr = ""
    received_on: Day
    source: NFCStr = ""


class MilestoneDone(_Checked):
    """Completion of one milestone of a multi-milestone task.

    `label` and `due` say which milestone was met, as the deadline gave it then (the edit commands
    write them): if the deadline is edited so that number `milestone` means another milestone, the
    completion would silently move, and `validate` reports it instead (`milestone-moved`).
    """

    milestone: Number
    label: NFCStr | None = None
    due: Day | None = None
    date: Day
    ref: NFCStr = ""


class Extension(_Checked):
    """An approved extension (gia hạn) of one milestone's deadline, in force from its date.

    `to` is the new deadline as the approving document words it ("Quý I/2027"); the deadline
    grammar turns it into the new due date. The original deadline stays in `deadline`.
    """

    milestone: Number
    to: Annotated[NFCStr, Required]
    date: Day
    ref: Annotated[NFCStr, Required]
    note: NFCStr = ""


class Task(_Checked):
    """One row of the programme's appendix plus what staff have reported on it."""

    id: Number
    group: Number
    subgroup: NFCStr | None = None
    title: Annotated[NFCStr, After(_not_blank)]
    output: NFCStr = ""
    deadline: NFCStr = ""
    milestones: list[MilestoneOverride] | None = None
    lead: list[NFCStr] = field(default_factory=list)
    partners: list[NFCStr] = field(default_factory=list)
    authority: NFCStr = ""
    status: StatusField = Status.NOT_STARTED
    completed_on: Day | None = None
    completed_milestones: list[MilestoneDone] = field(default_factory=list)
    log: list[LogEntry] = field(default_factory=list)
    extensions: list[Extension] = field(default_factory=list)
    requests: list[ExtensionRequest] = field(default_factory=list)


class Milestone(Record):
    """One dated (or ongoing) step of a task's deadline (what `deadline.parse_deadline` makes)."""

    label: str
    due: date | None
    ongoing: bool = False


# Order of keys in a canonical task file: the appendix columns first, tracking last.
TASK_KEY_ORDER: tuple[str, ...] = tuple(Task.model_fields)


class Subgroup(_Checked):
    key: NFCStr
    title: NFCStr


class Group(_Checked):
    id: Number
    title: NFCStr
    subgroups: list[Subgroup] = field(default_factory=list)


class GroupsFile(_Checked):
    groups: list[Group]


class Agency(_Checked):
    """An agency, or a generic phrase ("các sở, ngành liên quan") that names none."""

    code: Annotated[str, Limits(pattern=r"^[A-Z0-9][A-Z0-9-]*$")]
    name: NFCStr
    aliases: list[NFCStr] = field(default_factory=list)
    generic: bool = False


class AgenciesFile(_Checked):
    agencies: list[Agency]


IndicatorKind = Literal["growth", "level", "share", "rank", "count", "index"]
Comparator = Literal["approx", "at_least", "above", "range", "top"]
# A reporting period, canonical spelling (parsed and labelled by `indicators.parse_period`):
# "2026" year · "2026-09" month · "2026-Q3" quarter · "2026-H1" first 6 months ·
# "2026-9M" first n months (n = 2…11 except 6, which is H1) — "n tháng" year-to-date.
PERIOD_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-H1|-([2-57-9]|1[01])M)?$"


def _year_as_text(value: Any) -> Any:
    """`period: 2026` written by hand is read as a number; it means the year."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Period = Annotated[str, Limits(pattern=PERIOD_PATTERN), Before(_year_as_text)]


class Actual(_Checked):
    """A reported figure for one period (filled as the year goes on).

    For a cumulative target the value is the year-to-date total at the end of the period.
    """

    period: Period
    value: Decimal
    estimate: bool = False
    source: NFCStr = ""
    recorded_on: Day | None = None


class Target(_Checked):
    """A measurable target: a number, a range, a threshold or a rank."""

    key: Annotated[str, Limits(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    name: NFCStr
    kind: IndicatorKind
    unit: NFCStr
    comparator: Comparator = "at_least"
    target: Decimal | None = None
    target_max: Decimal | None = None
    stretch: Decimal | None = None
    cumulative: bool = False
    note: NFCStr = ""
    actuals: list[Actual] = field(default_factory=list)


class Indicator(_Checked):
    """One of the programme's key indicators (section II.3)."""

    id: Number
    name: NFCStr
    text: NFCStr
    targets: Annotated[list[Target], Required]


class IndicatorsFile(_Checked):
    indicators: list[Indicator]


class LetterheadSpec(_Checked):
    """One letterhead of the office's documents (Decree 30/2020/NĐ-CP): who issues, number lines, signer."""

    layout: Literal["state", "party"] = "state"  # which built-in Word layout draws it
    parent_body: Annotated[NFCStr, Required]
    issuer: Annotated[NFCStr, Required]
    motto: Annotated[list[NFCStr], Required]
    brief_number: NFCStr = ""
    letter_number: NFCStr = ""
    signer_title: Annotated[NFCStr, Required]
    signer_name: NFCStr = ""
    brief_recipients: list[NFCStr] = field(default_factory=list)
    letter_recipients: list[NFCStr] = field(default_factory=list)


PLACEHOLDER = "CẦN ĐIỀN"  # marks, in programme.yaml, what the office must write ("[CẦN ĐIỀN: địa danh]")


class ProgrammeFile(_Checked):
    """`programme.yaml`: the programme's identity, which every document and export takes from the data."""

    code: Annotated[str, Limits(pattern=r"^[a-z0-9][a-z0-9-]{0,59}$")]
    title: Annotated[NFCStr, Required]
    short_title: Annotated[NFCStr, Required]
    issued_by: Annotated[NFCStr, Required]
    year: Annotated[int, Limits(ge=1945, le=2100)]
    place: Annotated[NFCStr, Required]
    leadership: NFCStr = "lãnh đạo"
    soon_days: Annotated[int, Limits(ge=1, le=366)] = 14
    reply_days: Annotated[int, Limits(ge=1, le=366)] = 7
    default_letterhead: str
    letterheads: Annotated[dict[Annotated[str, Limits(pattern=r"^[a-z0-9][a-z0-9-]*$")], LetterheadSpec], Required]

    def placeholders(self) -> list[str]:
        """The keys still holding a placeholder `ctr199 init` wrote ("letterheads.state.issuer")."""
        found: list[str] = []

        def walk(value: object, path: str) -> None:
            if isinstance(value, dict):
                for key, item in value.items():
                    walk(item, f"{path}.{key}" if path else str(key))
            elif isinstance(value, list):
                if any(PLACEHOLDER in str(item) for item in value):
                    found.append(path)
            elif isinstance(value, str) and PLACEHOLDER in value:
                found.append(path)

        walk(self.model_dump(), "")
        return found

    @staticmethod
    def _known_letterhead(programme: "ProgrammeFile") -> None:
        chosen = programme.default_letterhead
        if chosen not in programme.letterheads:
            known = ", ".join(programme.letterheads)
            raise ValueError(f'default_letterhead "{chosen}" không có trong letterheads ({known})')

    whole_checks = (_known_letterhead,)


def model_in(annotation: Any) -> type[Record] | None:
    """The record a field holds, directly or as list items (`list[LogEntry] | None` → LogEntry)."""
    if isinstance(annotation, type) and issubclass(annotation, Record):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = model_in(arg)
        if found is not None:
            return found
    return None
