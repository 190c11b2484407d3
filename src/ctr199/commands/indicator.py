"""`ctr199 indicator set|show`: record a reported figure for a key indicator, or show one indicator."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ctr199.cli import EXIT_FINDINGS, AsOfOption, DataOption, fail, option_date, resolve_as_of, resolve_data_dir

if TYPE_CHECKING:
    from datetime import date

    from ctr199.indicator_edit import Recorded
    from ctr199.models import Indicator

indicator_app = typer.Typer(
    name="indicator",
    help="Ghi số liệu thực hiện của một chỉ tiêu (set) hoặc xem một chỉ tiêu (show).",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

RefArgument = Annotated[
    str,
    typer.Argument(
        metavar="ID[.KHÓA]",
        help="Chỉ tiêu: 7 (mục tiêu đầu tiên), 5.noi-dia (theo khóa) hoặc 5.2 (mục tiêu thứ hai).",
        show_default=False,
    ),
]


def register(app: typer.Typer) -> None:
    app.add_typer(indicator_app)


@indicator_app.command(
    "set",
    help=(
        "Ghi số liệu của một kỳ vào data/indicators.yaml. Số viết kiểu Việt Nam (9,8 · 7.944,5) hoặc 9.8. "
        "Với chỉ tiêu cộng dồn (xuất khẩu, thu ngân sách, khách du lịch…), ghi số lũy kế từ đầu năm "
        "đến hết kỳ. Mã thoát 1 nếu kỳ đã có số (dùng --replace), 2 nếu mã, kỳ, số hoặc đơn vị sai."
    ),
)
def set_actual(
    ref: RefArgument,
    period: Annotated[
        str,
        typer.Option(
            "--period",
            "-p",
            metavar="KỲ",
            help="Kỳ: 2026-09 (tháng), 2026-Q3 (quý), 2026-H1 (6 tháng), 2026-9M (9 tháng), 2026 (năm); "
            'hoặc "Quý III/2026", "9 tháng/2026".',
            show_default=False,
        ),
    ],
    value: Annotated[
        str,
        typer.Option("--value", "-v", metavar="SỐ", help="Giá trị: 9,8 · 7.944,5 · 9.8 · -2,5.", show_default=False),
    ],
    estimate: Annotated[
        bool, typer.Option("--estimate/--official", help="Số ước tính (mặc định: số chính thức).", show_default=False)
    ] = False,
    source: Annotated[
        str,
        typer.Option(
            "--source", "-s", metavar="VĂN-BẢN", help='Văn bản nguồn, ví dụ "Báo cáo 245/BC-UBND ngày 05/10/2026".'
        ),
    ] = "",
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            "-u",
            metavar="ĐƠN-VỊ",
            help="Đơn vị của số nhập (để đối chiếu; phải trùng đơn vị chỉ tiêu).",
            show_default=False,
        ),
    ] = None,
    day: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="NGÀY",
            help="Ngày ghi nhận, YYYY-MM-DD hoặc dd/mm/yyyy (mặc định: hôm nay).",
            show_default=False,
        ),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Thay số đã ghi cho cùng kỳ (cùng loại ước tính/chính thức).")
    ] = False,
    data: DataOption = None,
) -> None:
    from ctr199.indicator_edit import RefusedEdit, record_actual
    from ctr199.indicators import IndicatorUsageError

    root = resolve_data_dir(data)
    from datetime import date

    recorded_on = option_date("--date", day) or date.today()
    try:
        result = record_actual(
            root,
            ref,
            period,
            value,
            estimate=estimate,
            source=source,
            unit=unit,
            as_of=recorded_on,
            replace=replace,
        )
    except IndicatorUsageError as exc:
        fail(str(exc))
    except RefusedEdit as exc:
        fail(str(exc), EXIT_FINDINGS)
    typer.echo(describe(result))


def describe(result: Recorded) -> str:
    from ctr199.indicators import format_value, period_of
    from ctr199.report import display_path

    actual, target = result.actual, result.target
    label = period_of(actual.period).label
    kind = "ước tính" if actual.estimate else "chính thức"
    figure = format_value(target, actual.value)
    name = result.indicator.name if len(result.indicator.targets) == 1 else f"{result.indicator.name} — {target.name}"
    lines = [f"Đã ghi {result.ref} ({name}), kỳ {label}: {figure} ({kind}) vào {display_path(result.path)}."]
    if result.reading:
        lines.append(f"Lưu ý: {result.reading}.")
    if result.replaced is not None:
        previous = format_value(target, result.replaced.value)
        lines.append(f"Thay cho số đã ghi trước: {previous}.")
    if result.official_exists:
        lines.append("Lưu ý: kỳ này đã có số chính thức; số ước tính không được dùng để đánh giá.")
    judgement = result.judgement
    lines.append(f"Đánh giá đến ngày {judgement.as_of:%d/%m/%Y}: {judgement.explanation}")
    return "\n".join(lines)


@indicator_app.command("show", help="Xem một chỉ tiêu: nguyên văn, các mục tiêu, toàn bộ số liệu đã ghi và đánh giá.")
def show(
    ref: Annotated[
        str,
        typer.Argument(metavar="ID", help="Số thứ tự chỉ tiêu (xem ctr199 indicators).", show_default=False),
    ],
    as_of: AsOfOption = None,
    data: DataOption = None,
) -> None:
    from ctr199.indicators import IndicatorUsageError, resolve_ref
    from ctr199.loading import load_indicators

    root = resolve_data_dir(data)
    day = resolve_as_of(as_of)
    try:
        found = resolve_ref(load_indicators(root), ref)  # a broken file: IndicatorDataError, exit 1
    except IndicatorUsageError as exc:
        fail(str(exc))
    typer.echo(render_indicator(found.indicator, day))


def render_indicator(indicator: Indicator, day: date) -> str:
    from ctr199.indicators import format_value, judge, known_on, period_of, ref_of, stretch_text, target_text

    lines = [f"Chỉ tiêu {indicator.id}: {indicator.name}", f"  {indicator.text}"]
    for target in indicator.targets:
        judgement = judge(target, day)
        lines.append("")
        heading = f"[{ref_of(indicator, target)}] {target.name}: {target_text(target)}"
        if target.stretch is not None:
            heading += f", phấn đấu {stretch_text(target)}"
        if target.cumulative:
            heading += " (cộng dồn trong năm)"
        lines.append(heading)
        for actual in sorted(target.actuals, key=lambda a: (period_of(a.period).end, period_of(a.period).months)):
            marks = ["ước tính" if actual.estimate else "chính thức"]
            if actual.recorded_on:
                marks.append(f"ghi ngày {actual.recorded_on:%d/%m/%Y}")
            if known_on(actual) > day:
                marks.append(f"chưa tính đến ngày {day:%d/%m/%Y}")
            used = "→" if actual == judgement.actual else " "
            source = f" — {actual.source}" if actual.source else ""
            lines.append(
                f"  {used} {period_of(actual.period).label}: {format_value(target, actual.value)} "
                f"({', '.join(marks)}){source}"
            )
        lines.append(f"  Đánh giá đến ngày {day:%d/%m/%Y}: {judgement.explanation}")
    return "\n".join(lines)
