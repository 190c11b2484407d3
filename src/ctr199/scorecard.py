"""The agency scorecard: per lead agency, how its tasks stand as of a date, and a ranking.

Definitions (the README's "Bảng xếp hạng cơ quan chủ trì" says the same):

- Each task counts once for each of its lead agencies (by registry name), in the category that
  `query.classify` gives it as of the date.
- Tasks due = done on time + done late + overdue (tasks in time and tasks without a deadline are
  not yet due and are left out of the rate).
- On-time rate = done on time ÷ tasks due; none when no task is due yet.
- Days overdue = for each overdue task, the days since the due date of its longest-overdue
  milestone; summed over the agency's overdue tasks.
- Ranked: agencies of the registry that are not generic phrases and have at least one task due.
  Order: on-time rate (higher first), then fewer overdue tasks, then fewer days overdue, then more
  tasks done on time. Agencies equal on all four share a rank (1, 2, 2, 4) and are listed by name.
- Unranked, after the ranked ones: agencies with no task due yet, then generic phrases and names
  outside the registry (and tasks without a lead), each group by name.

Nothing here reads the clock or knows typer: the states come from `query.select`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, NamedTuple

from ctr199.agencies import Registry
from ctr199.numbers import format_number
from ctr199.query import Category, TaskState
from ctr199.text import fold

NO_LEAD = "(chưa rõ cơ quan chủ trì)"
NOT_DUE = "chưa có nhiệm vụ đến hạn"
GENERIC = "cụm từ chung, không xếp hạng"
UNREGISTERED = "không có trong danh mục cơ quan"
LEADLESS = "nhiệm vụ chưa ghi cơ quan chủ trì"


class ScoreRow(NamedTuple):
    """One lead agency's tasks as of a date, and its place in the ranking (None: not ranked)."""

    agency: str
    code: str
    led: int
    done_on_time: int
    done_late: int
    on_track: int
    overdue: int
    no_deadline: int
    days_overdue: int
    rank: int | None
    note: str  # why the agency is not ranked; empty when it is

    @property
    def due(self) -> int:
        """Tasks that have come due: done (on time or late) or past a due date and still open."""
        return self.done_on_time + self.done_late + self.overdue

    @property
    def rate(self) -> Fraction | None:
        """Done on time ÷ tasks due; None when nothing is due yet."""
        return Fraction(self.done_on_time, self.due) if self.due else None

    @property
    def rate_text(self) -> str:
        """The on-time rate as a Vietnamese percentage with one decimal ("66,7%"); "—" when there is none."""
        return "—" if self.rate is None else f"{format_number(rate_percent(self.rate))}%"


def rate_percent(rate: Fraction) -> Decimal:
    """A rate as a percentage rounded half up to one decimal."""
    value = Decimal(rate.numerator) * 100 / Decimal(rate.denominator)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class _Tally:
    __slots__ = ("counts", "days")

    def __init__(self) -> None:
        self.counts: dict[Category, int] = dict.fromkeys(Category, 0)
        self.days = 0


def scorecard(states: Iterable[TaskState], registry: Registry) -> list[ScoreRow]:
    """Every lead agency of `states`, ranked as the module's docstring defines."""
    tallies: dict[str, _Tally] = {}
    kinds: dict[str, tuple[str, str]] = {}  # name → (code, why not ranked when it cannot be)
    for state in states:
        names: dict[str, tuple[str, str]] = {}
        for text in state.record.task.lead:
            agency = registry.find(text)
            if agency is None:
                names.setdefault(text.strip(), ("", UNREGISTERED))
            else:
                names.setdefault(agency.name, (agency.code, GENERIC if agency.generic else ""))
        if not names:
            names[NO_LEAD] = ("", LEADLESS)
        for name, kind in names.items():
            kinds.setdefault(name, kind)
            tally = tallies.setdefault(name, _Tally())
            tally.counts[state.category] += 1
            if state.category is Category.OVERDUE:
                tally.days += state.days_overdue
    rows = [_row(name, kinds[name], tally) for name, tally in tallies.items()]
    return _ranked(rows)


def _row(name: str, kind: tuple[str, str], tally: _Tally) -> ScoreRow:
    counts = tally.counts
    return ScoreRow(
        agency=name,
        code=kind[0],
        led=sum(counts.values()),
        done_on_time=counts[Category.DONE_ON_TIME],
        done_late=counts[Category.DONE_LATE],
        on_track=counts[Category.ON_TRACK],
        overdue=counts[Category.OVERDUE],
        no_deadline=counts[Category.NO_DEADLINE],
        days_overdue=tally.days,
        rank=None,
        note=kind[1],
    )


def _merit(row: ScoreRow) -> tuple[Fraction, int, int, int]:
    """Smaller is better: the keys of the ranking in order (exact fractions, so no float ties)."""
    assert row.rate is not None
    return (-row.rate, row.overdue, row.days_overdue, -row.done_on_time)


def _ranked(rows: list[ScoreRow]) -> list[ScoreRow]:
    rankable = [row for row in rows if not row.note and row.due]
    rankable.sort(key=lambda row: (_merit(row), fold(row.agency)))
    result: list[ScoreRow] = []
    for position, row in enumerate(rankable, start=1):
        tied = result and _merit(result[-1]) == _merit(row)
        rank = result[-1].rank if tied else position
        result.append(row._replace(rank=rank))
    not_due = sorted((row._replace(note=NOT_DUE) for row in rows if not row.note and not row.due), key=_by_name)
    others = sorted((row for row in rows if row.note), key=_by_name)
    return result + not_due + others


def _by_name(row: ScoreRow) -> str:
    return fold(row.agency)


# ---------------------------------------------------------------- records for JSON, CSV and templates

SCORECARD_FIELDS = (
    "rank",
    "agency",
    "code",
    "led",
    "done_on_time",
    "done_late",
    "on_track",
    "overdue",
    "no_deadline",
    "days_overdue",
    "due",
    "on_time_rate",
    "note",
)


def score_payload(row: ScoreRow) -> dict[str, Any]:
    """A row as JSON: counts as numbers, the rate as a percentage with one decimal (null when none)."""
    rate = None if row.rate is None else float(rate_percent(row.rate))
    return {
        "rank": row.rank,
        "agency": row.agency,
        "code": row.code,
        "led": row.led,
        "done_on_time": row.done_on_time,
        "done_late": row.done_late,
        "on_track": row.on_track,
        "overdue": row.overdue,
        "no_deadline": row.no_deadline,
        "days_overdue": row.days_overdue,
        "due": row.due,
        "on_time_rate": rate,
        "note": row.note,
    }


# Column headers (Vietnamese) for people: the terminal table, Markdown and the brief's table.
SCORECARD_HEADERS: Mapping[str, str] = {
    "rank": "Hạng",
    "agency": "Cơ quan chủ trì",
    "led": "Số nhiệm vụ",
    "done_on_time": "Đã HT đúng hạn",
    "done_late": "Đã HT quá hạn",
    "on_track": "Chưa HT trong hạn",
    "overdue": "Chưa HT quá hạn",
    "no_deadline": "Không thời hạn",
    "days_overdue": "Tổng số ngày quá hạn",
    "on_time_rate": "Tỷ lệ đúng hạn",
}
SCORECARD_LEGEND = (
    "HT = hoàn thành. Tỷ lệ đúng hạn = số nhiệm vụ hoàn thành đúng hạn / số nhiệm vụ đã đến hạn "
    "(đã hoàn thành, hoặc chưa hoàn thành mà quá hạn). Xếp hạng theo tỷ lệ đúng hạn (cao trước), "
    "rồi ít nhiệm vụ quá hạn hơn, ít ngày quá hạn hơn, nhiều nhiệm vụ đúng hạn hơn; "
    "bằng nhau cả bốn thì đồng hạng."
)


def score_cells(row: ScoreRow) -> list[str]:
    """The cells of `SCORECARD_HEADERS`, as text."""
    return [
        str(row.rank) if row.rank is not None else "—",
        row.agency,
        str(row.led),
        str(row.done_on_time),
        str(row.done_late),
        str(row.on_track),
        str(row.overdue),
        str(row.no_deadline),
        str(row.days_overdue),
        row.rate_text,
    ]


def markdown(rows: Iterable[ScoreRow], title: str) -> str:
    """The scorecard as a Markdown table under `title`, with the legend and the unranked agencies' notes."""
    import re

    def cell(text: str) -> str:
        return re.sub(r"\s+", " ", text).replace("|", "\\|").strip()

    headers = list(SCORECARD_HEADERS.values())
    lines = [f"## {cell(title)}", "", "| " + " | ".join(headers) + " |"]
    lines.append("|" + "|".join("---:" if i != 1 else "---" for i in range(len(headers))) + "|")
    notes = []
    for row in rows:
        lines.append("| " + " | ".join(cell(text) for text in score_cells(row)) + " |")
        if row.note:
            notes.append(f"- {cell(row.agency)}: {row.note}.")
    lines += ["", SCORECARD_LEGEND]
    if notes:
        lines += ["", "Không xếp hạng:", "", *notes]
    return "\n".join(lines) + "\n"
