"""Schemas of the data files: tasks, groups, agencies and key indicators.

No `from __future__ import annotations` here: pydantic would compile every annotation back from
text on each start-up (~2 ms).
"""

import calendar
import re
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

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
        raise PydanticCustomError("date", "{reason}", {"reason": str(exc)}) from None


def _stored_text(value: str) -> str:
    problem = forbidden_char(value)
    if problem:
        raise ValueError(problem)
    return nfc(value)


NFCStr = Annotated[str, AfterValidator(_stored_text)]
Day = Annotated[date, BeforeValidator(_day)]


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


StatusField = Annotated[Status, BeforeValidator(_status)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class MilestoneOverride(_Record):
    """A milestone written by hand when the deadline text alone does not say it."""

    label: NFCStr
    due: Day | None = None
    ongoing: bool = False


class LogEntry(_Record):
    """One dated line of the progress log."""

    date: Day
    status: StatusField
    milestone: int | None = Field(default=None, ge=1)
    note: NFCStr = ""
    ref: NFCStr = ""
    source: NFCStr = ""  # where the entry came from, e.g. an agency's progress form (`ctr199 collect`)


class ExtensionRequest(_Record):
    """An agency's request for more time, as its progress form asked it: pending until approved.

    Not an extension: the deadline is judged as before until an extension is recorded.
    """

    milestone: int | None = Field(default=None, ge=1)
    requested_to: NFCStr = Field(min_length=1)  # as the agency typed it ("Quý I/2027", "31/03/2027")
    reason: NFCStr = ""
    received_on: Day
    source: NFCStr = ""


class MilestoneDone(_Record):
    """Completion of one milestone of a multi-milestone task.

    `label` and `due` say which milestone was met, as the deadline gave it then (the edit commands
    write them): if the deadline is edited so that number `milestone` means another milestone, the
    completion would silently move, and `validate` reports it instead (`milestone-moved`).
    """

    milestone: int = Field(ge=1)
    label: NFCStr | None = None
    due: Day | None = None
    date: Day
    ref: NFCStr = ""


class Extension(_Record):
    """An approved extension (gia hạn) of one milestone's deadline, in force from its date.

    `to` is the new deadline as the approving document words it ("Quý I/2027"); the deadline
    grammar turns it into the new due date. The original deadline stays in `deadline`.
    """

    milestone: int = Field(ge=1)
    to: NFCStr = Field(min_length=1)
    date: Day
    ref: NFCStr = Field(min_length=1)
    note: NFCStr = ""


class Task(_Record):
    """One row of the programme's appendix plus what staff have reported on it."""

    id: int = Field(ge=1)
    group: int = Field(ge=1)
    subgroup: NFCStr | None = None
    title: NFCStr
    output: NFCStr = ""
    deadline: NFCStr = ""
    milestones: list[MilestoneOverride] | None = None
    lead: list[NFCStr] = Field(default_factory=list)
    partners: list[NFCStr] = Field(default_factory=list)
    authority: NFCStr = ""
    status: StatusField = Status.NOT_STARTED
    completed_on: Day | None = None
    completed_milestones: list[MilestoneDone] = Field(default_factory=list)
    log: list[LogEntry] = Field(default_factory=list)
    extensions: list[Extension] = Field(default_factory=list)
    requests: list[ExtensionRequest] = Field(default_factory=list)

    @field_validator("title")
    @classmethod
    def _title_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("tên nhiệm vụ (title) không được để trống")
        return value


class Milestone(BaseModel):
    """One dated (or ongoing) step of a task's deadline (what `deadline.parse_deadline` makes)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    label: str
    due: date | None
    ongoing: bool = False


# Order of keys in a canonical task file: the appendix columns first, tracking last.
TASK_KEY_ORDER: tuple[str, ...] = tuple(Task.model_fields)


class Subgroup(_Record):
    key: NFCStr
    title: NFCStr


class Group(_Record):
    id: int = Field(ge=1)
    title: NFCStr
    subgroups: list[Subgroup] = Field(default_factory=list)


class GroupsFile(_Record):
    groups: list[Group]


class Agency(_Record):
    """An agency, or a generic phrase ("các sở, ngành liên quan") that names none."""

    code: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]*$")
    name: NFCStr
    aliases: list[NFCStr] = Field(default_factory=list)
    generic: bool = False


class AgenciesFile(_Record):
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


Period = Annotated[str, Field(pattern=PERIOD_PATTERN), BeforeValidator(_year_as_text)]


class Actual(_Record):
    """A reported figure for one period (filled as the year goes on).

    For a cumulative target the value is the year-to-date total at the end of the period.
    """

    period: Period
    value: Decimal
    estimate: bool = False
    source: NFCStr = ""
    recorded_on: Day | None = None


class Target(_Record):
    """A measurable target: a number, a range, a threshold or a rank."""

    key: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: NFCStr
    kind: IndicatorKind
    unit: NFCStr
    comparator: Comparator = "at_least"
    target: Decimal | None = None
    target_max: Decimal | None = None
    stretch: Decimal | None = None
    cumulative: bool = False
    note: NFCStr = ""
    actuals: list[Actual] = Field(default_factory=list)


class Indicator(_Record):
    """One of the programme's key indicators (section II.3)."""

    id: int = Field(ge=1)
    name: NFCStr
    text: NFCStr
    targets: list[Target] = Field(min_length=1)


class IndicatorsFile(_Record):
    indicators: list[Indicator]


class LetterheadSpec(_Record):
    """One letterhead of the office's documents (Decree 30/2020/NĐ-CP): who issues, number lines, signer."""

    layout: Literal["state", "party"] = "state"  # which built-in Word layout draws it
    parent_body: NFCStr = Field(min_length=1)
    issuer: NFCStr = Field(min_length=1)
    motto: list[NFCStr] = Field(min_length=1)
    brief_number: NFCStr = ""
    letter_number: NFCStr = ""
    signer_title: NFCStr = Field(min_length=1)
    signer_name: NFCStr = ""
    brief_recipients: list[NFCStr] = Field(default_factory=list)
    letter_recipients: list[NFCStr] = Field(default_factory=list)


PLACEHOLDER = "CẦN ĐIỀN"  # marks, in programme.yaml, what the office must write ("[CẦN ĐIỀN: địa danh]")


class ProgrammeFile(_Record):
    """`programme.yaml`: the programme's identity, which every document and export takes from the data."""

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,59}$")
    title: NFCStr = Field(min_length=1)
    short_title: NFCStr = Field(min_length=1)
    issued_by: NFCStr = Field(min_length=1)
    year: int = Field(ge=1945, le=2100)
    place: NFCStr = Field(min_length=1)
    leadership: NFCStr = "lãnh đạo"
    soon_days: int = Field(default=14, ge=1, le=366)
    reply_days: int = Field(default=7, ge=1, le=366)
    default_letterhead: str
    letterheads: dict[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")], LetterheadSpec] = Field(min_length=1)

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

    @model_validator(mode="after")
    def _known_letterhead(self) -> "ProgrammeFile":
        if self.default_letterhead not in self.letterheads:
            known = ", ".join(self.letterheads)
            raise ValueError(f'default_letterhead "{self.default_letterhead}" không có trong letterheads ({known})')
        return self


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, directly or as list items (`list[LogEntry] | None` → LogEntry)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = model_in(arg)
        if found is not None:
            return found
    return None
