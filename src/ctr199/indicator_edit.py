"""Recording a reported figure in indicators.yaml (`ctr199 indicator set`).

Every check passes before anything is written: the period, the value read by the target's kind
and unit, the programme's year, a figure already there. The file is edited round-trip, so the
git diff shows only the new figure's lines, and written atomically.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ctr199.errors import DataError
from ctr199.indicators import (
    IndicatorUsageError,
    Judgement,
    PeriodError,
    file_order,
    format_value,
    judge,
    parse_period,
    period_year_problem,
    read_figure,
    resolve_ref,
    value_problem,
)
from ctr199.loading import IndicatorDataError, load_indicators, programme_year
from ctr199.models import Actual, Indicator, Target
from ctr199.numbers import NumberFormatError, number_problem, number_readings
from ctr199.text import fold, forbidden_char, nfc


class RefusedEdit(DataError):
    """The request is understood but the data refuses it (a figure already there, a broken file): exit 1."""


@dataclass(frozen=True)
class Recorded:
    """What `record_actual` wrote."""

    path: Path
    ref: str
    indicator: Indicator
    target: Target  # as written, with the new figure
    actual: Actual
    replaced: Actual | None
    official_exists: bool  # an estimate was recorded for a period that already has the official figure
    judgement: Judgement  # the target judged on the day of recording
    reading: str = ""  # how a value with two possible readings ("13.000") was read, and why


def record_actual(
    data_dir: Path,
    ref: str,
    period: str,
    value: str | Decimal,
    *,
    estimate: bool = False,
    source: str = "",
    unit: str | None = None,
    as_of: date,
    replace: bool = False,
    year: int | None = None,
) -> Recorded:
    """Add (or with `replace`, replace) a figure in indicators.yaml; every check passes before anything is written.

    `as_of` is the day the figure is recorded; `year` the programme year the targets are for
    (default: `year` of programme.yaml), which the period must fall in. The file is edited
    round-trip: only the lines of the new figure change (and `actuals: []` opens into a block list).
    """
    from ctr199.report import display_path
    from ctr199.store import (
        ChangedMeanwhile,
        DataDir,
        YamlError,
        atomic_write,
        dump_roundtrip,
        load_roundtrip,
        read_text,
        unchanged_since_read,
    )

    try:
        span = parse_period(period)
    except PeriodError as exc:
        raise IndicatorUsageError(f"--period: {exc}") from None
    readings = _parse_value(value)
    problem = forbidden_char(source)
    if problem:
        raise IndicatorUsageError(f"--source: {problem}")
    if as_of < span.start:
        raise IndicatorUsageError(
            f"ngày ghi {as_of:%d/%m/%Y} trước khi kỳ {span.label} bắt đầu; kiểm tra --period hoặc --date"
        )

    path = DataDir(data_dir).indicators
    try:
        text = read_text(path)
    except YamlError as exc:
        raise RefusedEdit(f"{display_path(path)}:{exc.line}:{exc.col}: {exc.message}") from None
    try:
        year = programme_year(data_dir) if year is None else year
        indicators = load_indicators(data_dir, text=text, year=year)
    except IndicatorDataError as exc:
        raise RefusedEdit(str(exc)) from None
    found = resolve_ref(indicators, ref)
    target = found.target
    if year is not None and span.year != year:
        raise IndicatorUsageError(f"--period: {period_year_problem(span, year)}")
    if unit is not None and _unit_key(unit) != _unit_key(target.unit):
        shown = f'"{target.unit}"' if target.unit else "không có đơn vị"
        raise IndicatorUsageError(f'đơn vị "{unit}" không khớp chỉ tiêu {found.code} ({shown}); nhập số theo {shown}')
    if isinstance(readings, Decimal):
        number, reading = readings, ""
    else:
        number, reading = read_figure(target, readings, found.code)
    number = _normal(number)
    problem = value_problem(target, number)
    if problem:
        raise IndicatorUsageError(f"{found.code} ({target.name}): {problem}")

    actual = Actual(
        period=span.code,
        value=number,
        estimate=estimate,
        source=" ".join(nfc(source).split()),
        recorded_on=as_of,
    )
    same = next((i for i, a in enumerate(target.actuals) if (a.period, a.estimate) == (span.code, estimate)), None)
    replaced = target.actuals[same] if same is not None else None
    if replaced is not None and not replace:
        kind = "ước tính" if estimate else "chính thức"
        note = f", nguồn: {replaced.source}" if replaced.source else ""
        day = f", ghi ngày {replaced.recorded_on:%d/%m/%Y}" if replaced.recorded_on else ""
        raise RefusedEdit(
            f"{found.code} đã có số {kind} kỳ {span.label}: {format_value(target, replaced.value)}{note}{day}; "
            "dùng --replace để thay"
        )

    tree = load_roundtrip(path, text)
    target_node = tree["indicators"][found.index]["targets"][found.position]
    if target_node.get("actuals") is None:
        from ruamel.yaml.comments import CommentedSeq

        target_node["actuals"] = CommentedSeq()
    entries = target_node["actuals"]
    entries.fa.set_block_style()
    if same is not None:
        entries[same] = _entry(actual)
    else:
        after = [i for i, a in enumerate(target.actuals) if file_order(a) <= file_order(actual)]
        entries.insert(after[-1] + 1 if after else 0, _entry(actual))
    new_text = dump_roundtrip(tree)

    # The written file must read back to exactly what was meant; refuse rather than write anything else.
    try:
        written = resolve_ref(load_indicators(data_dir, text=new_text), found.code)
    except (IndicatorDataError, IndicatorUsageError) as exc:  # pragma: no cover - a bug, not a user mistake
        raise RefusedEdit(f"không ghi: tệp sau khi sửa không hợp lệ ({exc})") from None
    if actual not in written.target.actuals:  # pragma: no cover - same
        raise RefusedEdit("không ghi: số liệu đọc lại khác số liệu định ghi")
    try:
        atomic_write(path, new_text, before_replace=lambda: unchanged_since_read(path, text))
    except ChangedMeanwhile as exc:
        raise RefusedEdit(str(exc)) from None
    return Recorded(
        path=path,
        ref=found.code,
        indicator=written.indicator,
        target=written.target,
        actual=actual,
        replaced=replaced,
        official_exists=estimate and any(a.period == span.code and not a.estimate for a in target.actuals),
        judgement=judge(written.target, as_of),
        reading=reading,
    )


def _parse_value(value: str | Decimal) -> Decimal | str:
    """A Decimal checked as a figure, or text checked to be a number (read once the target is known)."""
    if isinstance(value, Decimal):
        problem = number_problem(value)
        if problem:
            raise IndicatorUsageError(f"--value: {value}: {problem}")
        return value
    try:
        number_readings(value)
    except NumberFormatError as exc:
        raise IndicatorUsageError(f"--value: {exc}") from None
    return value


def _normal(number: Decimal) -> Decimal:
    """ "9,80" and "9,8" are one figure; the file shows it once, without trailing zeros."""
    normal = number.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def _unit_key(unit: str) -> str:
    return fold(unit).replace(" ", "")


def _entry(actual: Actual) -> Any:
    """The YAML mapping of a figure, in reading order, typed so that the fast loader reads it back exactly.

    The source is a plain string: the emitter (`store.roundtrip_yaml`) quotes it where the fast
    (YAML 1.1) loader would read something else, in the same style `ctr199 fmt` writes.
    """
    from ruamel.yaml.comments import CommentedMap

    entry = CommentedMap()
    entry["period"] = actual.period
    entry["value"] = _yaml_number(actual.value)
    entry["estimate"] = actual.estimate
    if actual.source:
        entry["source"] = actual.source
    entry["recorded_on"] = actual.recorded_on
    return entry


def _yaml_number(value: Decimal) -> Decimal | str:
    """The number itself when a float reads it back exactly; else text, which the schema reads as an exact Decimal."""
    try:
        exact = Decimal(repr(float(value))) == value
    except (OverflowError, ValueError):
        exact = False
    return value if exact else format(value, "f")
