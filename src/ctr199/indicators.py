"""Key indicators: reported figures (actuals) and how they measure up to the programme's targets.

Judging rules (the README's "Chỉ tiêu" section says the same to staff):

* The figure judged is the latest one known on the date: a figure counts from the day it was
  recorded (`recorded_on`), or, without that day, from the end of its period. "Latest" is the
  period that ends last; for the same end, the longer period (9 months before September alone),
  then the official figure before the estimate (ước tính).
* A cumulative target (exports, tourists, budget revenue, housing units…) is an annual total and
  its figures are year-to-date totals at the end of the period; they are compared with the share
  of the annual target due by then: month m → m/12, quarter q → q/4, H1 → 1/2, n months → n/12.
  Other targets (growth rates, shares, levels such as GRDP per head) compare the figure itself.
* at_least ("đạt X"): below → chưa đạt, equal → đạt, above → vượt; at or above the stretch
  figure ("phấn đấu") → đạt mức phấn đấu.
* approx ("khoảng X"): within ±0,5 percentage points for growth and share targets, within ±2% of
  the target for levels and counts → đạt; below → chưa đạt; above → vượt.
* above ("trên X"): strictly above → đạt, otherwise chưa đạt.
* range ("từ X đến Y"): inside (bounds included) → đạt, below → chưa đạt, above → vượt.
* top ("top N, phấn đấu top M"): rank ≤ M → đạt mức phấn đấu, ≤ N → đạt, otherwise chưa đạt.
* No figure known on the date → chưa có số liệu.

Nothing here reads the clock or imports typer/rich.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

from ctr199.deadline import MAX_YEAR, MIN_YEAR, DeadlineError, month_end, parse_month, parse_quarter
from ctr199.models import PERIOD_PATTERN, Actual, Indicator, Target
from ctr199.numbers import NumberFormatError, Reading, format_number, number_problem, number_readings
from ctr199.text import fold, nfc

APPROX_POINTS = Fraction(1, 2)  # "khoảng" for growth and share targets: ± 0,5 percentage points
APPROX_SHARE = Fraction(2, 100)  # "khoảng" for levels and counts: ± 2% of the target
_POINT_KINDS = frozenset({"growth", "share"})
# Viet Nam's provinces and centrally-run cities since the 2025 merger: the lowest rank of a provincial index.
PROVINCE_COUNT = 34
GROWTH_LIMIT = Decimal(100)  # a growth rate, in %, between -100 and +100
# Where a figure's text reads two ways ("1.234": 1,234 or 1234) and both fit a level's bounds, the reading
# between 1/100 and 10 times the annual target is taken; the two readings differ 1000-fold, so at most one is.
PLAUSIBLE_SHARE = (Decimal("0.01"), Decimal(10))

# ---------------------------------------------------------------- periods

_CANONICAL = re.compile(PERIOD_PATTERN)
_ROMAN = ("I", "II", "III", "IV")
PERIOD_FORMS = (
    "2026-09 (tháng), 2026-Q3 (quý), 2026-H1 (6 tháng), 2026-9M (9 tháng), 2026 (năm) "
    'hoặc "Tháng 9/2026", "Quý III/2026", "9 tháng/2026", "Năm 2026"'
)


class PeriodError(ValueError):
    """Text that names no reporting period."""


@dataclass(frozen=True)
class PeriodSpan:
    """A reporting period: months `first` to `last` of `year`; `code` is its canonical spelling."""

    year: int
    first: int
    last: int
    code: str

    @property
    def start(self) -> date:
        return date(self.year, self.first, 1)

    @property
    def end(self) -> date:
        return month_end(self.year, self.last)

    @property
    def months(self) -> int:
        return self.last - self.first + 1

    @property
    def share_of_year(self) -> Fraction:
        """Share of an annual plan due by the end of the period (the plan spread evenly over months)."""
        return Fraction(self.last, 12)

    @property
    def label(self) -> str:
        """The period as Vietnamese reports write it: "Tháng 9/2026", "Quý III/2026", "9 tháng/2026"."""
        if self.months == 12:
            return f"Năm {self.year}"
        if self.first > 1 or self.months == 1:
            if self.months == 3 and self.last % 3 == 0:
                return f"Quý {_ROMAN[self.last // 3 - 1]}/{self.year}"
            return f"Tháng {self.last}/{self.year}"
        return f"{self.months} tháng/{self.year}"


def period_of(code: str) -> PeriodSpan:
    """The period a canonical code (as stored in the data: "2026-Q3", "2026-9M"…) names."""
    if not _CANONICAL.fullmatch(code):
        raise PeriodError(f'kỳ "{code}" không hợp lệ; dùng {PERIOD_FORMS}')
    year, rest = int(code[:4]), code[5:]
    if not rest:
        return PeriodSpan(year, 1, 12, code)
    if rest.startswith("Q"):
        quarter = int(rest[1])
        return PeriodSpan(year, 3 * quarter - 2, 3 * quarter, code)
    if rest == "H1":
        return PeriodSpan(year, 1, 6, code)
    if rest.endswith("M"):
        return PeriodSpan(year, 1, int(rest[:-1]), code)
    month = int(rest)
    return PeriodSpan(year, month, month, code)


def _months_to_date(year: int, months: int) -> PeriodSpan:
    """The first `months` months of `year`, in its canonical spelling (6 months is H1, 12 the year)."""
    if not 1 <= months <= 12:
        raise PeriodError(f"số tháng lũy kế phải từ 1 đến 12, đang là {months}")
    if months == 12:
        return period_of(f"{year}")
    if months == 6:
        return period_of(f"{year}-H1")
    if months == 1:
        return period_of(f"{year}-01")
    return period_of(f"{year}-{months}M")


def parse_period(text: str) -> PeriodSpan:
    """A period typed by staff: the stored codes or the way reports write it."""
    period = _parse_period(nfc(text).strip())
    if not MIN_YEAR <= period.year <= MAX_YEAR:
        raise PeriodError(f"năm {period.year} ngoài khoảng {MIN_YEAR}–{MAX_YEAR}")
    return period


def _parse_period(raw: str) -> PeriodSpan:
    compact = re.sub(r"\s+", "", raw).upper()
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})M", compact):
        return _months_to_date(int(match[1]), int(match[2]))
    if match := re.fullmatch(r"(\d{4})-(\d)", compact):
        compact = f"{match[1]}-0{match[2]}"
    if _CANONICAL.fullmatch(compact):
        return period_of(compact)
    key = fold(raw)
    if match := re.fullmatch(r"(?:luy ke\s+)?(\d{1,2}) thang(?: dau)?(?: nam)?(?:\s*/\s*|\s+)(?:nam\s+)?(\d{4})", key):
        return _months_to_date(int(match[2]), int(match[1]))
    if match := re.fullmatch(r"(?:ca\s+)?nam\s+(\d{4})", key):
        return period_of(match[1])
    for parse, kind in ((parse_month, "month"), (parse_quarter, "quarter")):
        try:
            start, end = parse(raw)
        except DeadlineError:
            continue
        if kind == "month":
            return period_of(f"{start.year}-{start.month:02d}")
        return period_of(f"{start.year}-Q{end.month // 3}")
    raise PeriodError(f'kỳ "{raw}" không hợp lệ; dùng {PERIOD_FORMS}')


# ---------------------------------------------------------------- which figure counts


def known_on(actual: Actual) -> date:
    """When a figure became known: the day it was recorded, else the end of its period."""
    return actual.recorded_on or period_of(actual.period).end


def file_order(actual: Actual) -> tuple[date, int, bool]:
    """Figures in file order, the last the most recent: by period end, then length, estimate before official."""
    period = period_of(actual.period)
    return period.end, period.months, not actual.estimate


def _recency(actual: Actual) -> tuple[date, int, bool, date]:
    return *file_order(actual), known_on(actual)


def latest_actual(target: Target, as_of: date) -> Actual | None:
    """The figure to judge on `as_of`: latest period known by then, official before estimate."""
    known = [actual for actual in target.actuals if known_on(actual) <= as_of]
    return max(known, key=_recency, default=None)


# ---------------------------------------------------------------- judging


class Verdict(StrEnum):
    NO_DATA = "no_data"
    NO_TARGET = "no_target"
    BELOW = "below"
    MET = "met"
    EXCEEDED = "exceeded"
    STRETCH = "stretch"

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self]


VERDICT_LABELS = {
    Verdict.NO_DATA: "chưa có số liệu",
    Verdict.NO_TARGET: "chưa có mục tiêu",
    Verdict.BELOW: "chưa đạt",
    Verdict.MET: "đạt",
    Verdict.EXCEEDED: "vượt",
    Verdict.STRETCH: "đạt mức phấn đấu",
}


@dataclass(frozen=True)
class Judgement:
    """How one target stands on a date, and why."""

    target: Target
    as_of: date
    verdict: Verdict
    actual: Actual | None = None
    period: PeriodSpan | None = None
    # For cumulative targets, the share of the annual plan due by the end of the period (else 1).
    share_of_year: Fraction = Fraction(1)
    expected: Decimal | None = None  # what the figure was compared with (pro-rata for cumulative targets)
    expected_max: Decimal | None = None
    attainment: Decimal | None = None  # the figure as a percentage of the annual target (levels and counts)
    explanation: str = ""

    @property
    def value(self) -> Decimal | None:
        return self.actual.value if self.actual is not None else None


def judge(target: Target, as_of: date) -> Judgement:
    """Judge `target` on the latest figure known on `as_of` (rules in the module docstring)."""
    if target.target is None:
        return Judgement(target, as_of, Verdict.NO_TARGET, explanation="chỉ tiêu chưa có giá trị mục tiêu")
    actual = latest_actual(target, as_of)
    if actual is None:
        return Judgement(target, as_of, Verdict.NO_DATA, explanation=f"chưa có số liệu đến ngày {as_of:%d/%m/%Y}")
    period = period_of(actual.period)
    share = period.share_of_year if _pro_rata(target) else Fraction(1)
    low = Fraction(target.target) * share
    high = Fraction(target.target_max) * share if target.target_max is not None else None
    stretch = Fraction(target.stretch) * share if target.stretch is not None else None
    verdict = _compare(target, Fraction(actual.value), low, high, stretch)
    attainment = None
    if target.kind in ("level", "count") and target.comparator != "top" and target.target:
        attainment = _decimal(Fraction(actual.value) / Fraction(target.target) * 100, 1)
    judgement = Judgement(
        target=target,
        as_of=as_of,
        verdict=verdict,
        actual=actual,
        period=period,
        share_of_year=share,
        expected=_decimal(low),
        expected_max=_decimal(high) if high is not None else None,
        attainment=attainment,
    )
    return _explained(judgement)


def _pro_rata(target: Target) -> bool:
    """A year-to-date figure compared with the share of the annual target due by then (a rank never is)."""
    return target.cumulative and target.comparator != "top"


def _compare(
    target: Target, value: Fraction, low: Fraction, high: Fraction | None, stretch: Fraction | None
) -> Verdict:
    comparator = target.comparator
    if comparator == "top":
        if stretch is not None and value <= stretch:
            return Verdict.STRETCH
        return Verdict.MET if value <= low else Verdict.BELOW
    if comparator == "range":
        top = high if high is not None else low
        return Verdict.BELOW if value < low else Verdict.EXCEEDED if value > top else Verdict.MET
    if stretch is not None and (value > stretch if comparator == "above" else value >= stretch):
        return Verdict.STRETCH
    if comparator == "above":
        return Verdict.MET if value > low else Verdict.BELOW
    if comparator == "approx":
        tolerance = approx_tolerance(target, low)
        if value < low - tolerance:
            return Verdict.BELOW
        return Verdict.EXCEEDED if value > low + tolerance else Verdict.MET
    if value < low:
        return Verdict.BELOW
    return Verdict.MET if value == low else Verdict.EXCEEDED


def approx_tolerance(target: Target, expected: Fraction) -> Fraction:
    """How far from a "khoảng" target a figure may be and still meet it."""
    return APPROX_POINTS if target.kind in _POINT_KINDS else abs(expected) * APPROX_SHARE


def _explained(judgement: Judgement) -> Judgement:
    target, actual, period = judgement.target, judgement.actual, judgement.period
    assert actual is not None and period is not None
    kind = " (ước tính)" if actual.estimate else ""
    figure = format_value(target, actual.value)
    if _pro_rata(target):
        parts = [f"{cumulative_label(period)}{kind}: {figure}"]
        if judgement.attainment is not None:
            parts[0] += f", bằng {format_number(judgement.attainment)}% kế hoạch năm"
        share = judgement.share_of_year
        parts.append(f"kế hoạch đến hết kỳ ({share.numerator}/{share.denominator} năm): {expected_text(judgement)}")
    else:
        parts = [f"{period.label}{kind}: {figure}", f"mục tiêu {target_text(target)}"]
        if target.stretch is not None:
            parts[-1] += f", phấn đấu {stretch_text(target)}"
    if target.comparator == "approx":
        expected = Fraction(judgement.expected or 0)
        tolerance = approx_tolerance(target, expected)
        unit = " điểm %" if target.kind in _POINT_KINDS else f" {target.unit}".rstrip()
        parts.append(f"dung sai ±{format_number(_decimal(tolerance))}{unit}")
    return replace(judgement, explanation="; ".join(parts) + f" → {judgement.verdict.label}")


def cumulative_label(period: PeriodSpan) -> str:
    """A year-to-date figure's period in a sentence: "lũy kế 9 tháng/2026", "lũy kế đến hết quý III/2026"."""
    label = period.label[0].lower() + period.label[1:]
    return f"lũy kế {label}" if period.first == 1 and period.months > 1 else f"lũy kế đến hết {label}"


def expected_text(judgement: Judgement) -> str:
    """What the figure was compared with, worded like the target: "39 tỷ USD", "từ 2,85 đến 3,225 tỷ USD"."""
    target, low, high = judgement.target, judgement.expected, judgement.expected_max
    if low is None:
        return ""
    if high is not None:
        return f"từ {format_number(low)} đến {format_value(target, high)}"
    return format_value(target, low)


def _decimal(value: Fraction, places: int = 3) -> Decimal:
    """A fraction as a Decimal rounded half-up to `places` decimals, without trailing zeros."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return rounded.normalize() if rounded != 0 else Decimal(0)


# ---------------------------------------------------------------- wording as in the programme


def format_value(target: Target, value: Decimal | None) -> str:
    """A figure with the target's unit, Vietnamese style: "9,8%", "39,2 tỷ USD", "hạng 4"."""
    if value is None:
        return ""
    number = format_number(value)
    if target.kind == "rank":
        return f"hạng {number}"
    if not target.unit:
        return number
    return f"{number}%" if target.unit == "%" else f"{number} {target.unit}"


def target_text(target: Target) -> str:
    """The target as the programme words it: "khoảng 13%", "trên 75%", "từ 3,8 đến 4,3 tỷ USD", "top 5"."""
    if target.target is None:
        return ""
    if target.comparator == "top":
        return f"top {format_number(target.target)}"
    if target.comparator == "range" and target.target_max is not None:
        return f"từ {format_number(target.target)} đến {format_value(target, target.target_max)}"
    prefix = {"approx": "khoảng ", "above": "trên "}.get(target.comparator, "")
    return prefix + format_value(target, target.target)


def stretch_text(target: Target) -> str:
    if target.stretch is None:
        return ""
    if target.comparator == "top":
        return f"top {format_number(target.stretch)}"
    return format_value(target, target.stretch)


# ---------------------------------------------------------------- checks shared by edits and validation


def value_problem(target: Target, value: Decimal) -> str | None:
    """Why `value` cannot be a figure of `target` (a rank of 2,5, a share of 120%), or None."""
    problem = number_problem(value)
    if problem:
        return f"giá trị {problem}"
    whole = value == value.to_integral_value()
    shown = format_number(value)
    if target.kind == "rank" and (not whole or not 1 <= value <= PROVINCE_COUNT):
        return f"thứ hạng phải là số nguyên từ 1 đến {PROVINCE_COUNT} (số tỉnh, thành phố), đang là {shown}"
    if target.kind == "count" and (not whole or value < 0):
        return f"số lượng ({target.unit}) phải là số nguyên không âm, đang là {shown}"
    if target.kind == "share" and not 0 <= value <= 100:
        return f"tỷ lệ phải từ 0 đến 100%, đang là {shown}"
    if target.kind == "growth" and not -GROWTH_LIMIT <= value <= GROWTH_LIMIT:
        return f"tốc độ tăng phải từ -{GROWTH_LIMIT}% đến {GROWTH_LIMIT}%, đang là {shown}"
    if target.kind == "index" and not 0 <= value <= 1:
        return f"chỉ số phải từ 0 đến 1, đang là {shown}"
    if target.kind == "level" and value < 0:
        return f"giá trị không được âm, đang là {shown}"
    return None


def _size_problem(target: Target, value: Decimal) -> str | None:
    """Why `value` is an implausible size for a level or count target (see `PLAUSIBLE_SHARE`), or None."""
    if target.kind not in ("level", "count") or not target.target or target.target <= 0:
        return None
    low, high = PLAUSIBLE_SHARE
    ratio = value / target.target
    if ratio < low:
        return f"chưa bằng 1/{int(1 / low)} mục tiêu {format_value(target, target.target)}"
    if ratio >= high:
        return f"gấp {format_number(ratio.quantize(Decimal(1)))} lần mục tiêu {format_value(target, target.target)}"
    return None


def _plain(value: Decimal) -> str:
    """A figure without thousands separators, decimal comma: 1234 · 1,234 (shown next to its convention)."""
    return format(value.normalize(), "f").replace(".", ",")


def _unambiguous(value: Decimal) -> str:
    """How to type `value` so that it has one reading: no thousands separator; 1,2340 rather than 1,234."""
    text = _plain(value)
    whole, _, fraction = text.partition(",")
    return f"{text}0" if len(fraction) == 3 and whole.lstrip("-") != "0" else text


def read_figure(target: Target, text: str, code: str) -> tuple[Decimal, str]:
    """The value `text` means for `target`, and a note when its separator could have meant another.

    "13.000" for a growth rate is 13 (13000% is impossible); "0.795" for an index is 0,795; "1.234"
    for a level of 52 tỷ USD is 1,234 only if 1234 is implausible. Where both readings, or none, fit
    the target, `IndicatorUsageError` shows both.
    """
    try:
        readings = number_readings(text)
    except NumberFormatError as exc:
        raise IndicatorUsageError(f"--value: {exc}") from None
    if len(readings) == 1:
        return readings[0].value, ""

    def problem(reading: Reading) -> str | None:
        found = value_problem(target, reading.value)
        return found.rpartition(", đang là ")[0] or found if found else None

    shown = [f"{_plain(r.value)} ({r.convention})" for r in readings]
    allowed = [r for r in readings if problem(r) is None]
    if not allowed:
        why = "; ".join(f"{s}: {problem(r)}" for s, r in zip(shown, readings, strict=True))
        raise IndicatorUsageError(f'--value: "{text}" không hợp với chỉ tiêu {code} theo cách đọc nào: {why}')
    if len(allowed) == 2:
        allowed = [r for r in readings if _size_problem(target, r.value) is None]
    if len(allowed) == 1:
        chosen = allowed[0]
        other = next(r for r in readings if r is not chosen)
        note = (
            f'"{text}" được đọc là {format_value(target, chosen.value)} ({chosen.convention}); '
            f"đọc là {_plain(other.value)} ({other.convention}) thì "
            f"{problem(other) or _size_problem(target, other.value)}"
        )
        return chosen.value, note
    typed = " hoặc ".join(_unambiguous(r.value) for r in readings)
    raise IndicatorUsageError(
        f'--value: "{text}" đọc được hai cách với chỉ tiêu {code}: {shown[0]} hoặc {shown[1]}; ghi {typed} cho rõ'
    )


def actual_problems(target: Target, actual: Actual) -> list[tuple[str, str]]:
    """(field, message) for each way a recorded figure contradicts its target or its period.

    The programme's year lives in another file (programme.yaml): `checks.check_indicator_year`.
    """
    problems = []
    problem = value_problem(target, actual.value)
    if problem:
        problems.append(("value", problem))
    period = period_of(actual.period)
    if actual.recorded_on is not None and actual.recorded_on < period.start:
        problems.append(("recorded_on", f"ngày ghi {actual.recorded_on:%d/%m/%Y} trước khi kỳ {period.label} bắt đầu"))
    return problems


def period_year_problem(period: PeriodSpan, year: int) -> str:
    return f"kỳ {period.label} ngoài năm {year} của các mục tiêu; chỉ ghi số liệu của năm {year}"


# ---------------------------------------------------------------- references "5", "5.noi-dia", "5.2"

_REF = re.compile(r"^(\d{1,4})(?:\s*[.:/]\s*([a-z0-9][a-z0-9 -]*))?$")


def ref_of(indicator: Indicator, target: Target) -> str:
    """How staff name a target: the indicator number, plus the target key when there are several."""
    return str(indicator.id) if len(indicator.targets) == 1 else f"{indicator.id}.{target.key}"


@dataclass(frozen=True)
class TargetRef:
    indicator: Indicator
    target: Target
    index: int  # position of the indicator in the file
    position: int  # position of the target in the indicator, 0-based

    @property
    def code(self) -> str:
        return ref_of(self.indicator, self.target)


class IndicatorUsageError(ValueError):
    """A wrong reference, period, value, unit or date: nothing was written."""


def resolve_ref(indicators: list[Indicator], text: str) -> TargetRef:
    """The target named "5" (first target), "5.noi-dia" (by key, accents forgiven) or "5.2" (second)."""
    match = _REF.fullmatch(fold(text))
    if match is None:
        raise IndicatorUsageError(f'"{text}" không phải mã chỉ tiêu; dùng ID hoặc ID.KHÓA, ví dụ: 7, 5.noi-dia, 5.2')
    number, sub = int(match[1]), (match[2] or "").strip().replace(" ", "-")
    found = next(((i, ind) for i, ind in enumerate(indicators) if ind.id == number), None)
    if found is None:
        ids = sorted(ind.id for ind in indicators)
        known = f"{ids[0]}–{ids[-1]}" if ids else "không có chỉ tiêu nào"
        raise IndicatorUsageError(f"không có chỉ tiêu số {number}; các chỉ tiêu: {known} (xem ctr199 indicators)")
    index, indicator = found
    if not sub:
        return TargetRef(indicator, indicator.targets[0], index, 0)
    if sub.isdigit() and 1 <= int(sub) <= len(indicator.targets):
        position = int(sub) - 1
        return TargetRef(indicator, indicator.targets[position], index, position)
    for position, target in enumerate(indicator.targets):
        if target.key == sub:
            return TargetRef(indicator, target, index, position)
    valid = ", ".join(f"{indicator.id}.{t.key} ({t.name})" for t in indicator.targets)
    count = len(indicator.targets)
    numbered = f"{indicator.id}.1" if count == 1 else f"{indicator.id}.1…{indicator.id}.{count}"
    raise IndicatorUsageError(f'chỉ tiêu {indicator.id} không có mục tiêu "{sub}"; có: {valid} (hoặc {numbered})')


# ---------------------------------------------------------------- table rows (also for the weekly brief)


@dataclass(frozen=True)
class IndicatorRow:
    """One target of one indicator on a date, as plain data for tables, json, csv and the brief."""

    ref: str
    indicator_id: int
    key: str
    indicator_name: str
    name: str
    single: bool  # the indicator has only this target
    kind: str
    unit: str
    comparator: str
    cumulative: bool
    target: Decimal | None
    target_max: Decimal | None
    stretch: Decimal | None
    target_text: str
    stretch_text: str
    value: Decimal | None
    value_text: str
    period: str | None
    period_label: str
    estimate: bool
    source: str
    recorded_on: date | None
    expected: Decimal | None
    expected_text: str
    attainment: Decimal | None
    verdict: Verdict
    verdict_label: str
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        """JSON/CSV-ready: numbers as exact decimal strings, dates ISO, the verdict as code and label."""
        result: dict[str, Any] = {}
        for name, value in self.__dict__.items():
            if isinstance(value, Decimal):
                result[name] = format(value, "f")
            elif isinstance(value, date):
                result[name] = value.isoformat()
            elif isinstance(value, Verdict):
                result[name] = value.value
            else:
                result[name] = value
        return result


def indicator_rows(indicators: Iterable[Indicator], as_of: date) -> list[IndicatorRow]:
    """Every target of every indicator, judged on `as_of`, in programme order."""
    rows = []
    for indicator in indicators:
        for target in indicator.targets:
            rows.append(_row(indicator, target, judge(target, as_of)))
    return rows


def _row(indicator: Indicator, target: Target, judgement: Judgement) -> IndicatorRow:
    actual, period = judgement.actual, judgement.period
    pro_rata = actual is not None and _pro_rata(target)
    return IndicatorRow(
        ref=ref_of(indicator, target),
        indicator_id=indicator.id,
        key=target.key,
        indicator_name=indicator.name,
        name=target.name,
        single=len(indicator.targets) == 1,
        kind=target.kind,
        unit=target.unit,
        comparator=target.comparator,
        cumulative=target.cumulative,
        target=target.target,
        target_max=target.target_max,
        stretch=target.stretch,
        target_text=target_text(target),
        stretch_text=stretch_text(target),
        value=judgement.value,
        value_text=format_value(target, judgement.value),
        period=actual.period if actual else None,
        period_label=period.label if period else "",
        estimate=actual.estimate if actual else False,
        source=actual.source if actual else "",
        recorded_on=actual.recorded_on if actual else None,
        expected=judgement.expected if actual is not None else None,
        expected_text=expected_text(judgement) if pro_rata else "",
        attainment=judgement.attainment,
        verdict=judgement.verdict,
        verdict_label=judgement.verdict.label,
        explanation=judgement.explanation,
    )
