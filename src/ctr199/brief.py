"""The weekly brief and the reminder letters: the data every template renders.

`build_brief` turns a loaded `Programme` into one `Brief` model; the Markdown, HTML and Word
outputs are only templates over `Brief.model_dump(mode="json")`. The indicator table is
`ctr199.indicators.indicator_rows` (the judgement of `ctr199 indicators`); the changes recorded
in git (`ctr199.history`, as `ctr199 changes` shows them) are read by `weekly_brief` and passed
to `build_brief`, which reads no files.

Nothing here reads the clock: the reference date is always a parameter.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, TypeAlias

from pydantic import BaseModel, ConfigDict

from ctr199.indicators import Verdict, indicator_rows
from ctr199.models import Agency, Status
from ctr199.numbers import format_number
from ctr199.output import appendix_number, vn_date
from ctr199.programme import Programme, TaskRecord
from ctr199.query import (
    OPEN_CATEGORIES,
    Category,
    Filters,
    Item,
    TaskState,
    lead_names,
    leads_of,
    overdue_items,
    select,
    summarise,
    upcoming_items,
)
from ctr199.record import Record
from ctr199.text import ascii_slug, fold, shorten

if TYPE_CHECKING:
    from ctr199.history import Change, ChangeReport, Commit

NO_LEAD = "(chưa rõ cơ quan chủ trì)"

# Column headers for tables with one column per category (the templates explain "HT" under them).
CATEGORY_SHORT = {
    Category.DONE_ON_TIME: "Đã HT đúng hạn",
    Category.DONE_LATE: "Đã HT quá hạn",
    Category.ON_TRACK: "Chưa HT trong hạn",
    Category.OVERDUE: "Chưa HT quá hạn",
    Category.NO_DEADLINE: "Không thời hạn",
}


# Spelled so for models that also have a field called "date".
Day: TypeAlias = date


class BriefError(ValueError):
    """A period, date or option that cannot make a brief (a usage error for the CLI)."""


# ---------------------------------------------------------------- dates in documents


def place_date(day: date, place: str) -> str:
    """The place-and-date line of an official document (Decree 30/2020/NĐ-CP).

    Days below 10 and the months January and February take a leading zero; other months do not.
    """
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


# ---------------------------------------------------------------- the period


class Period(BaseModel):
    """The days a brief reports on, both ends included."""

    model_config = ConfigDict(frozen=True)

    start: date
    end: date
    week: str | None = None

    @property
    def slug(self) -> str:
        """For file names: "tuan-2026-W48" or "2026-11-01_2026-11-28"."""
        return f"tuan-{self.week}" if self.week else f"{self.start.isoformat()}_{self.end.isoformat()}"

    def describe(self) -> str:
        span = f"từ {vn_date(self.start)} đến {vn_date(self.end)}"
        if self.week:
            year, number = self.week.split("-W")
            return f"tuần {int(number)}/{year} ({span})"
        return span


_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)


def iso_week(day: date) -> Period:
    """The ISO week (Monday to Sunday) that contains `day`."""
    year, week, weekday = day.isocalendar()
    start = day - timedelta(days=weekday - 1)
    return Period(start=start, end=start + timedelta(days=6), week=f"{year}-W{week:02d}")


def parse_week(text: str) -> Period:
    """A period from "2026-W48" (ISO week numbering)."""
    match = _WEEK.match(text)
    if not match:
        raise BriefError(f'tuần "{text}" không hợp lệ; viết theo dạng 2026-W48')
    year, week = int(match[1]), int(match[2])
    try:
        return iso_week(date.fromisocalendar(year, week, 1))
    except ValueError:
        raise BriefError(f"năm {year} không có tuần {week}") from None


def choose_period(as_of: date, *, week: str | None, start: date | None, end: date | None) -> Period:
    """The brief's period: `--week`, or `--from`/`--to`, else the ISO week containing `as_of`."""
    if week is not None and (start is not None or end is not None):
        raise BriefError("dùng --week hoặc --from/--to, không dùng cả hai")
    if week is not None:
        return parse_week(week)
    if start is None and end is None:
        return iso_week(as_of)
    if start is None:
        raise BriefError("--to cần đi kèm --from")
    end = end or as_of
    if end < start:
        raise BriefError(f"--from {vn_date(start)} sau --to {vn_date(end)}")
    return Period(start=start, end=end)


# ---------------------------------------------------------------- the template data


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True)


class PeriodData(_Data):
    start: str
    end: str
    start_iso: date
    end_iso: date
    week: str | None
    label: str  # "Tuần 48/2026 (từ 23/11/2026 đến 29/11/2026)", for headings
    text: str  # the same in lower case, for use inside a sentence


class CategoryCount(_Data):
    key: str
    label: str
    short: str
    count: int
    percent: str
    # Of an open category's tasks, those nothing has been recorded for ("chưa triển khai"); None otherwise.
    not_started: int | None = None


class Counts(_Data):
    total: int
    categories: list[CategoryCount]
    by_key: dict[str, int]


class GroupCounts(Counts):
    id: int
    title: str
    short_title: str


class TaskItem(_Data):
    """One milestone of one task in the overdue, upcoming and reminder lists."""

    number: str
    task_id: int
    title: str
    output: str
    milestone: str
    due: str
    due_iso: date | None
    days_overdue: int
    days_left: int
    leads: str
    # "Thời hạn ban đầu: Tháng 5/2026; gia hạn đến Quý I/2027 theo …" when the deadline was extended, else "".
    extension: str = ""


class ExtensionItem(_Data):
    """An approved extension in force on the as-of date: the original deadline and the new one."""

    number: str
    task_id: int
    title: str
    milestone: str
    leads: str
    original: str  # the original deadline as written
    original_due: str
    to: str  # the new deadline as the approving document words it
    due: str
    due_iso: date
    date: str  # when it was approved (from then on, the milestone is judged by `due`)
    date_iso: Day
    ref: str
    note: str
    text: str  # the whole sentence, as `show` gives it


class AgencyItems(_Data):
    agency: str
    tasks: list[TaskItem]


class ScorecardItem(_Data):
    """One lead agency in the ranking that opens the section on overdue work (`ctr199 scorecard`)."""

    rank: str  # "—" when not ranked
    agency: str
    led: int
    by_key: dict[str, int]  # tasks per category key
    days_overdue: int
    rate: str
    note: str


class LogChange(_Data):
    """A progress-log entry dated in the period."""

    date: str
    date_iso: Day
    number: str
    task_id: int
    title: str
    status: str
    milestone: str
    note: str
    ref: str


class RequestItem(_Data):
    """An extension request an agency sent on its progress form (`ctr199 collect`), pending on an open task."""

    date: str  # received
    date_iso: Day
    number: str
    task_id: int
    title: str
    milestone: str
    requested_to: str
    reason: str
    source: str


class RecordedChange(_Data):
    """A change to the data files recorded in git during the period."""

    date: str
    date_iso: Day
    number: str
    task_id: int | None
    title: str
    summary: str
    author: str
    commit: str


class IndicatorItem(_Data):
    """One target of one indicator: the programme's figures, the latest reported one and its verdict."""

    number: int
    code: str  # "19" for an indicator with one target, "19.1" for its first of several
    indicator: str
    name: str
    # The name a reader understands on its own: the target's, led by its indicator's when it is one of several
    # and does not name it ("Tỷ lệ thu gom … – tại đô thị").
    label: str
    unit: str
    target: str
    stretch: str
    latest: str
    latest_period: str
    judgement: str


class CategoryChange(_Data):
    """One category's count on the as-of date and a week before."""

    key: str
    label: str
    now: int
    before: int
    change: str  # "+2", "−1" (minus sign), "0"


class TrendTask(_Data):
    """A task completed, or newly overdue, during the week: with the day it was completed or fell due."""

    number: str
    task_id: int
    title: str
    leads: str
    date: str
    date_iso: Day | None


class WeekPoint(_Data):
    """The counts at the end of one week (the last point: the as-of date)."""

    date: str
    date_iso: Day
    done: int
    overdue: int
    in_time: int


class TrendData(_Data):
    """What changed since a week before, and the weekly counts since the programme's start."""

    before: str
    before_iso: date
    changes: list[CategoryChange]
    completed: list[TrendTask]
    newly_overdue: list[TrendTask]
    weeks: list[WeekPoint]
    # The chart of `weeks`, filled for the document's format (`chart.with_chart`): SVG text in HTML,
    # an image in Word; "" in Markdown.
    chart: str = ""


class Brief(_Data):
    programme: str
    short_title: str
    year: int
    leadership: str
    period: PeriodData
    as_of: str
    as_of_iso: date
    place_date: str
    scope: str
    soon_days: int
    categories: list[CategoryCount]
    counts: Counts
    trend: TrendData
    groups: list[GroupCounts]
    overdue: list[AgencyItems]
    overdue_count: int
    scorecard: list[ScorecardItem]
    scorecard_legend: str
    upcoming: list[TaskItem]
    extensions: list[ExtensionItem]
    log_changes: list[LogChange]
    # None: git history was not available, which the brief says rather than showing "no changes".
    recorded_changes: list[RecordedChange] | None
    requests: list[RequestItem]
    indicators: list[IndicatorItem]
    indicators_reported: list[IndicatorItem]  # the targets with a figure, for the table
    indicators_missing: str  # "34 mục tiêu chưa có số liệu: 1.2, 1.3, 2, …", or "" when every target has one
    indicators_legend: str  # how the targets are numbered ("4.1" is indicator 4's first target), or ""
    recommendations: list[str]


@dataclass(frozen=True)
class BriefRequest:
    """What the user asked for: the period, the reference date and the tasks (`--agency`, `--group`)."""

    period: Period
    as_of: date
    filters: Filters = field(default_factory=Filters)
    recommendations: tuple[str, ...] = ()
    soon_days: int | None = None  # None: the programme's soon_days


def build_brief(
    programme: Programme,
    request: BriefRequest,
    *,
    recorded_changes: Sequence[RecordedChange] | None = None,
) -> Brief:
    """The template data of a brief.

    `recorded_changes` are the changes committed to git in the period (`git_changes`); None when
    there is no git history, which the brief says rather than showing "no changes".
    """
    info = programme.identity
    soon_days = request.soon_days or info.soon_days
    filters = request.filters
    states = select(programme, filters, request.as_of, soon_days)
    summary = summarise(states, programme.registry)
    period = request.period
    overdue = overdue_items(states)
    only = filters.agency.name if filters.agency is not None else None
    counts = _counts(summary.overall, summary.total, summary.not_started)
    described = period.describe()
    return Brief(
        programme=info.title,
        short_title=info.short_title,
        year=info.year,
        leadership=info.leadership,
        period=PeriodData(
            start=vn_date(period.start),
            end=vn_date(period.end),
            start_iso=period.start,
            end_iso=period.end,
            week=period.week,
            label=described[:1].upper() + described[1:],
            text=described,
        ),
        as_of=vn_date(request.as_of),
        as_of_iso=request.as_of,
        place_date=place_date(request.as_of, info.place),
        scope=_scope(programme, request),
        soon_days=soon_days,
        categories=counts.categories,
        counts=counts,
        trend=_trend(programme, states, request.as_of),
        groups=[_group_counts(programme, group_id, counter) for group_id, counter in summary.by_group.items()],
        overdue=_by_lead(overdue, programme, only=only),
        overdue_count=len(overdue),
        scorecard=(ranking := _scorecard(states, programme)),
        scorecard_legend=_scorecard_legend(ranking),
        upcoming=[_item(item, programme) for item in upcoming_items(states, soon_days)],
        extensions=_extensions(states, programme),
        log_changes=_log_changes(states, period),
        requests=_requests(states, request.as_of),
        recorded_changes=_in_scope(recorded_changes, states, request),
        indicators=(targets := _indicators(programme, request.as_of)),
        indicators_reported=[item for item in targets if item.latest],
        indicators_missing=_missing(targets),
        indicators_legend=_numbering_legend(targets),
        recommendations=list(request.recommendations),
    )


def weekly_brief(programme: Programme, request: BriefRequest) -> Brief:
    """What `ctr199 brief` shows: the brief with the changes committed to git during the period."""
    return build_brief(programme, request, recorded_changes=git_changes(programme, request.period, request.as_of))


def _in_scope(
    changes: Sequence[RecordedChange] | None, states: list[TaskState], request: BriefRequest
) -> list[RecordedChange] | None:
    """Git changes of the tasks the brief covers (all of them, deleted tasks included, when not narrowed)."""
    if changes is None:
        return None
    if request.filters == Filters():
        return list(changes)
    selected = {state.task_id for state in states}
    return [change for change in changes if change.task_id in selected]


def _scope(programme: Programme, request: BriefRequest) -> str:
    parts = []
    filters = request.filters
    if filters.agency is not None:
        parts.append(f"cơ quan chủ trì {filters.agency.name}")
    if filters.group is not None:
        group = programme.group(filters.group)
        parts.append(f"nhóm {filters.group}" + (f" ({shorten(group.title, 60)})" if group else ""))
    return "; ".join(parts)


def _counts(counter: Counter[Category], total: int, not_started: Counter[Category] | None = None) -> Counts:
    categories = [
        CategoryCount(
            key=category.value,
            label=category.label,
            short=CATEGORY_SHORT[category],
            count=counter[category],
            percent=_percent(counter[category], total),
            not_started=not_started[category] if not_started is not None and category in OPEN_CATEGORIES else None,
        )
        for category in Category
    ]
    return Counts(total=total, categories=categories, by_key={c.key: c.count for c in categories})


def _percent(part: int, whole: int) -> str:
    if whole == 0:
        return "0%"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{format_number(value)}%"


def _group_counts(programme: Programme, group_id: int, counter: Counter[Category]) -> GroupCounts:
    counts = _counts(counter, sum(counter.values()))
    group = programme.group(group_id)
    title = group.title if group is not None else ""
    return GroupCounts(id=group_id, title=title, short_title=shorten(title, 70), **counts.model_dump())


def _trend(programme: Programme, states: list[TaskState], as_of: date) -> TrendData:
    """Change over the week to `as_of` and the weekly counts since the start, for the brief's tasks."""
    from ctr199.trend import programme_start, week_ends, week_on_week, weekly_counts

    records = [state.record for state in states]
    moved = week_on_week(records, as_of)
    changes = [
        CategoryChange(
            key=category.value,
            label=category.label,
            now=moved.now[category],
            before=moved.then[category],
            change=_signed(moved.now[category] - moved.then[category]),
        )
        for category in Category
    ]
    completed = [
        _trend_task(state, programme, max((m.done_on for m in state.milestones if m.done_on), default=None))
        for state in moved.completed
    ]
    overdue = [
        _trend_task(state, programme, min((m.due for m in state.milestones if m.days_overdue and m.due), default=None))
        for state in moved.newly_overdue
    ]
    start = programme_start(programme, records)
    weeks = weekly_counts(records, week_ends(start, as_of)) if start is not None else []
    return TrendData(
        before=vn_date(moved.before),
        before_iso=moved.before,
        changes=changes,
        completed=completed,
        newly_overdue=overdue,
        weeks=[
            WeekPoint(date=vn_date(w.day), date_iso=w.day, done=w.done, overdue=w.overdue, in_time=w.in_time)
            for w in weeks
        ],
    )


def _signed(number: int) -> str:
    return f"+{number}" if number > 0 else f"\u2212{-number}" if number < 0 else "0"


def _trend_task(state: TaskState, programme: Programme, day: date | None) -> TrendTask:
    task = state.record.task
    return TrendTask(
        number=appendix_number(task.id),
        task_id=task.id,
        title=task.title,
        leads="; ".join(_leads(state.record, programme)),
        date=vn_date(day) if day is not None else "",
        date_iso=day,
    )


def _leads(record: TaskRecord, programme: Programme) -> list[str]:
    return lead_names(record, programme.registry) or [NO_LEAD]


def _item(item: Item, programme: Programme) -> TaskItem:
    state, milestone = item.state, item.milestone
    task = state.record.task
    several = len(state.milestones) > 1
    return TaskItem(
        number=appendix_number(task.id),
        task_id=task.id,
        title=task.title,
        output=task.output,
        milestone=f"Mốc {milestone.number}: {milestone.label}" if several else "",
        due=vn_date(milestone.due),
        due_iso=milestone.due,
        days_overdue=item.days_overdue,
        days_left=item.days_left,
        leads="; ".join(_leads(state.record, programme)),
        extension=milestone.extension_text,
    )


def _extensions(states: list[TaskState], programme: Programme) -> list[ExtensionItem]:
    """Every extension in force on the date among the brief's tasks, in task and milestone order.

    A milestone extended twice has two rows; each gives the original deadline and its new one.
    """
    from ctr199.extension import new_due

    items = []
    for state in states:
        task = state.record.task
        several = len(state.milestones) > 1
        for milestone in state.milestones:
            original, original_due = milestone.original_text, milestone.original_due
            for extension in milestone.extensions:
                due = new_due(extension.to)
                items.append(
                    ExtensionItem(
                        number=appendix_number(task.id),
                        task_id=task.id,
                        title=task.title,
                        milestone=f"Mốc {milestone.number}: {milestone.label}" if several else "",
                        leads="; ".join(_leads(state.record, programme)),
                        original=original,
                        original_due=vn_date(original_due),
                        to=extension.to,
                        due=vn_date(due),
                        due_iso=due,
                        date=vn_date(extension.date),
                        date_iso=extension.date,
                        ref=extension.ref,
                        note=extension.note,
                        text=milestone.extension_text,
                    )
                )
    return items


def _by_lead(items: list[Item], programme: Programme, *, only: str | None) -> list[AgencyItems]:
    """Overdue items under each lead agency: most items first, then by name."""
    grouped: dict[str, list[TaskItem]] = {}
    for item in items:
        for name in _leads(item.state.record, programme):
            if only is None or name == only:
                grouped.setdefault(name, []).append(_item(item, programme))
    order = sorted(grouped, key=lambda name: (-len(grouped[name]), fold(name)))
    return [AgencyItems(agency=name, tasks=grouped[name]) for name in order]


def _milestone_name(record: TaskRecord, number: int | None) -> str:
    """ "Mốc 2: Hoàn thành" for milestone `number` of a task with several; "" otherwise."""
    if number is None or len(record.milestones) <= 1 or number > len(record.milestones):
        return ""
    return f"Mốc {number}: {record.milestones[number - 1].label}"


def _requests(states: list[TaskState], as_of: date) -> list[RequestItem]:
    """Extension requests on tasks not yet done, received by `as_of`, oldest first."""
    items = []
    for state in states:
        record = state.record
        if record.task.status is Status.DONE:
            continue
        for request in record.task.requests:
            if request.received_on > as_of:
                continue
            milestone = _milestone_name(record, request.milestone)
            items.append(
                RequestItem(
                    date=vn_date(request.received_on),
                    date_iso=request.received_on,
                    number=appendix_number(record.id),
                    task_id=record.id,
                    title=record.task.title,
                    milestone=milestone,
                    requested_to=request.requested_to,
                    reason=request.reason,
                    source=request.source,
                )
            )
    return sorted(items, key=lambda item: (item.date_iso, item.task_id))


def _scorecard(states: list[TaskState], programme: Programme) -> list[ScorecardItem]:
    from ctr199.scorecard import scorecard

    return [
        ScorecardItem(
            rank="—" if row.rank is None else str(row.rank),
            agency=row.agency,
            led=row.led,
            by_key={
                Category.DONE_ON_TIME.value: row.done_on_time,
                Category.DONE_LATE.value: row.done_late,
                Category.ON_TRACK.value: row.on_track,
                Category.OVERDUE.value: row.overdue,
                Category.NO_DEADLINE.value: row.no_deadline,
            },
            days_overdue=row.days_overdue,
            rate=row.rate_text,
            note=row.note,
        )
        for row in scorecard(states, programme.registry)
    ]


def _scorecard_legend(items: list[ScorecardItem]) -> str:
    """How the ranking is made, and which agencies are not ranked and why."""
    from ctr199.scorecard import SCORECARD_LEGEND

    unranked = "; ".join(f"{item.agency} ({item.note})" for item in items if item.note)
    legend = SCORECARD_LEGEND + " Tổng số gồm cả nhiệm vụ không thời hạn."
    return legend + (f" Không xếp hạng: {unranked}." if unranked else "")


def _log_changes(states: list[TaskState], period: Period) -> list[LogChange]:
    changes = []
    for state in states:
        record = state.record
        for entry in record.task.log:
            if not period.start <= entry.date <= period.end:
                continue
            milestone = _milestone_name(record, entry.milestone)
            changes.append(
                LogChange(
                    date=vn_date(entry.date),
                    date_iso=entry.date,
                    number=appendix_number(record.id),
                    task_id=record.id,
                    title=record.task.title,
                    status=entry.status.label,
                    milestone=milestone,
                    note=entry.note,
                    ref=entry.ref,
                )
            )
    return sorted(changes, key=lambda change: (change.date_iso, change.task_id))


# ---------------------------------------------------------------- recommendations

_BULLET = re.compile(r"^\s*(?:[-*•+–]|\d{1,2}[.)])\s+")


def read_recommendations(text: str) -> list[str]:
    """Recommendations from a text file: one per non-empty line, list markers ("- ", "1. ") removed."""
    items = []
    for line in text.splitlines():
        cleaned = _BULLET.sub("", line).strip()
        if cleaned:
            items.append(cleaned)
    return items


# ---------------------------------------------------------------- reminder letters


class Reminder(_Data):
    """One reminder letter (công văn đôn đốc) to one lead agency."""

    programme: str
    short_title: str
    year: int
    leadership: str
    agency: str
    agency_code: str
    file_stem: str
    as_of: str
    as_of_iso: date
    place_date: str
    reply_by: str
    reply_by_iso: date
    soon_days: int
    overdue: list[TaskItem]
    upcoming: list[TaskItem]


def build_reminders(
    programme: Programme,
    as_of: date,
    *,
    reply_by: date | None = None,
    agency: Agency | None = None,
    soon_days: int | None = None,
) -> list[Reminder]:
    """A letter for every named lead agency with overdue items or items due within `soon_days`.

    Generic leads ("Các sở, ngành liên quan") and names missing from the registry have no
    addressee and get no letter.
    """
    info = programme.identity
    soon_days = soon_days or info.soon_days
    reply_by = reply_by or as_of + timedelta(days=info.reply_days)
    if reply_by < as_of:
        raise BriefError(f"hạn báo cáo {vn_date(reply_by)} trước ngày đối chiếu {vn_date(as_of)}")
    states = select(programme, Filters(agency=agency), as_of, soon_days)
    overdue: dict[str, list[Item]] = {}
    upcoming: dict[str, list[Item]] = {}
    agencies: dict[str, Agency] = {}
    for bucket, items in ((overdue, overdue_items(states)), (upcoming, upcoming_items(states, soon_days))):
        for item in items:
            for lead in leads_of(item.state.record, programme.registry):
                if lead.generic or (agency is not None and lead.code != agency.code):
                    continue
                agencies[lead.code] = lead
                bucket.setdefault(lead.code, []).append(item)
    letters = []
    for code in sorted(agencies, key=lambda code: fold(agencies[code].name)):
        lead = agencies[code]
        letters.append(
            Reminder(
                programme=info.title,
                short_title=info.short_title,
                year=info.year,
                leadership=info.leadership,
                agency=lead.name,
                agency_code=lead.code,
                file_stem=f"don-doc-{ascii_slug(lead.name, max_words=12)}",
                as_of=vn_date(as_of),
                as_of_iso=as_of,
                place_date=place_date(as_of, info.place),
                reply_by=vn_date(reply_by),
                reply_by_iso=reply_by,
                soon_days=soon_days,
                overdue=[_item(item, programme) for item in overdue.get(code, [])],
                upcoming=[_item(item, programme) for item in upcoming.get(code, [])],
            )
        )
    return letters


# ---------------------------------------------------------------- inputs from git and from the indicators


def git_changes(programme: Programme, period: Period, as_of: date | None = None) -> list[RecordedChange] | None:
    """Changes to task files committed during the period and by `as_of` (from `ctr199 changes`, made
    compact by `compact_changes`), or None when the data directory has no git history (not a repository,
    no commit yet, no git installed). Commits after `as_of` are left out: a past week's brief made again
    shows what was known then."""
    from ctr199.history import HistoryError, collect_changes

    until = period.end if as_of is None else min(period.end, as_of)
    if until < period.start:
        return []
    try:
        report = collect_changes(programme.root, since=period.start, until=until)
    except HistoryError:
        return None
    return compact_changes(report)


# A commit that adds at least this many task files is the import of a list: one line, not one per task.
IMPORT_SIZE = 5


def compact_changes(report: ChangeReport) -> list[RecordedChange]:
    """The git section of the brief: one line per task and ISO week, and one per import of a list.

    A task's changes of one week are merged into one line (what changed, who, on which days; a
    status changed twice shows its first and last value); changes that only reformat text (Unicode
    normalisation, spaces, as `ctr199 fmt` makes) are left out, as are commits left with nothing else.
    """
    from ctr199.history import ChangeKind

    created: dict[str, list[int]] = {}
    commits: dict[str, Commit] = {}
    for task in report.tasks:
        for change in task.changes:
            if change.kind is ChangeKind.CREATED:
                created.setdefault(change.commit.sha, []).append(task.task_id)
                commits[change.commit.sha] = change.commit
    imports = {sha for sha, ids in created.items() if len(ids) >= IMPORT_SIZE}
    lines = [_import_line(commits[sha], created[sha]) for sha in imports]
    for task in report.tasks:
        weeks: dict[tuple[int, int], list[Change]] = {}
        for change in _meaningful(task.changes):
            if change.commit.sha in imports:
                continue
            year, week, _ = change.commit.date.date().isocalendar()
            weeks.setdefault((year, week), []).append(change)
        lines.extend(_task_line(task.task_id, task.title, changes) for changes in weeks.values())
    return sorted(lines, key=lambda line: (line.date_iso, line.task_id or 0))


def _import_line(commit: Commit, task_ids: list[int]) -> RecordedChange:
    day = commit.date.date()
    return RecordedChange(
        date=vn_date(day),
        date_iso=day,
        number="",
        task_id=None,
        title=f"Danh mục {len(task_ids)} nhiệm vụ: {_number_ranges(task_ids)}",
        summary=f"Nhập danh mục: thêm {len(task_ids)} nhiệm vụ mới",
        author=commit.author,
        commit=commit.short,
    )


def _task_line(task_id: int, title: str, changes: list[Change]) -> RecordedChange:
    from ctr199.history import ChangeKind, describe

    statuses = [change for change in changes if change.kind is ChangeKind.STATUS]
    parts: list[str] = []
    for change in changes:
        if change.kind is ChangeKind.STATUS:
            if change is not statuses[0]:
                continue
            change = change.model_copy(update={"after": statuses[-1].after, "completed_on": statuses[-1].completed_on})
        text = describe(change)
        if text not in parts:
            parts.append(text)
    days = list(dict.fromkeys(change.commit.date.date() for change in changes))
    authors = list(dict.fromkeys(change.commit.author for change in changes if change.commit.author))
    return RecordedChange(
        date=", ".join(vn_date(day) for day in days),
        date_iso=days[0],
        number=appendix_number(task_id),
        task_id=task_id,
        title=title,
        summary="; ".join(parts),
        author=", ".join(authors),
        commit=", ".join(dict.fromkeys(change.commit.short for change in changes)),
    )


def _meaningful(changes: list[Change]) -> list[Change]:
    """`changes` without those that only reformat text: a field equal to its old value once
    normalised, a log entry removed and added back in the same commit as the same text."""
    from ctr199.history import ChangeKind

    def plain(value: Any) -> str:
        if isinstance(value, BaseModel | Record):
            value = value.model_dump(mode="json")
        return " ".join(unicodedata.normalize("NFC", json.dumps(value, default=str, ensure_ascii=False)).split())

    removed: Counter[tuple[str, str]] = Counter(
        (change.commit.sha, plain(change.entry)) for change in changes if change.kind is ChangeKind.LOG_REMOVED
    )
    added: Counter[tuple[str, str]] = Counter(
        (change.commit.sha, plain(change.entry)) for change in changes if change.kind is ChangeKind.LOG_ADDED
    )
    rewritten = removed & added
    to_drop = {ChangeKind.LOG_REMOVED: Counter(rewritten), ChangeKind.LOG_ADDED: Counter(rewritten)}
    kept = []
    for change in changes:
        if change.kind is ChangeKind.FIELD and plain(change.before) == plain(change.after):
            continue
        if change.kind in to_drop:
            key = (change.commit.sha, plain(change.entry))
            if to_drop[change.kind][key]:
                to_drop[change.kind][key] -= 1
                continue
        kept.append(change)
    return kept


def _number_ranges(ids: list[int]) -> str:
    """ "(1)–(20), (22), (24)–(75)": appendix numbers, runs of consecutive numbers as ranges."""
    runs: list[list[int]] = []
    for number in sorted(set(ids)):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(
        appendix_number(run[0]) if len(run) == 1 else f"{appendix_number(run[0])}–{appendix_number(run[-1])}"
        for run in runs
    )


_NO_VERDICT = frozenset({Verdict.NO_DATA, Verdict.NO_TARGET})  # the table already says "Chưa có số liệu"


def _indicators(programme: Programme, as_of: date) -> list[IndicatorItem]:
    """The indicator table of `ctr199 indicators` on `as_of`, as the brief's templates read it."""
    items = []
    position: Counter[int] = Counter()
    for row in indicator_rows(programme.indicators, as_of):
        position[row.indicator_id] += 1
        verdict = "" if row.verdict in _NO_VERDICT else row.verdict_label
        if verdict and row.expected_text:
            verdict += f" (kế hoạch lũy kế đến hết kỳ: {row.expected_text})"
        items.append(
            IndicatorItem(
                number=row.indicator_id,
                code=str(row.indicator_id) if row.single else f"{row.indicator_id}.{position[row.indicator_id]}",
                indicator=row.indicator_name,
                name=row.name,
                label=target_label(row.indicator_name, row.name, single=row.single),
                unit=row.unit,
                target=row.target_text,
                stretch=row.stretch_text,
                latest=row.value_text,
                latest_period=row.period_label + (", ước tính" if row.estimate and row.period_label else ""),
                judgement=verdict[:1].upper() + verdict[1:],
            )
        )
    return items


def target_label(indicator: str, target: str, *, single: bool) -> str:
    """A target's name that says which indicator it belongs to.

    A single target, or one whose name already begins like its indicator's ("GRDP bình quân đầu
    người" of "GRDP bình quân đầu người (theo giá hiện hành)"), keeps its name; another one of
    several is named after its indicator: "Tỷ lệ thu gom, xử lý chất thải rắn … – tại đô thị".
    """
    if single or not indicator:
        return target
    words = fold(indicator).split()[:3]
    if fold(target).split()[: len(words)] == words:
        return target
    lowered = target[:1].lower() + target[1:] if target[1:2].islower() else target
    return f"{indicator} – {lowered}"


def _numbering_legend(items: list[IndicatorItem]) -> str:
    """The note under the indicator section: what STT and a number like "4.1" stand for."""
    example = next((item for item in items if "." in item.code), None)
    if example is None:
        return "Ghi chú: STT = số thứ tự chỉ tiêu." if items else ""
    first, second = example.code.split(".")
    return (
        f"Ghi chú: STT = số thứ tự chỉ tiêu; chỉ tiêu có nhiều mục tiêu được đánh số thêm thứ tự mục tiêu "
        f"({example.code} là mục tiêu thứ {second} của chỉ tiêu {first})."
    )


def _missing(items: list[IndicatorItem]) -> str:
    """One line for the targets without a figure: their count and numbers."""
    codes = [item.code for item in items if not item.latest]
    if not codes:
        return ""
    return f"{len(codes)} mục tiêu chưa có số liệu: {', '.join(codes)}."
