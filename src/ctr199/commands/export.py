"""`ctr199 export`: tasks as Excel, CSV, JSON or a calendar, with the filters of `list`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ctr199.cli import AsOfOption, DataOption, fail, resolve_as_of
from ctr199.commands._filters import (
    AgencyCompletion,
    AgencyOption,
    AuthorityOption,
    DueAfterOption,
    DueBeforeOption,
    GroupOption,
    MonthOption,
    QuarterOption,
    RoleOption,
    SearchOption,
    StatusOption,
    YearOption,
    finish,
    load,
    make_filters,
)

if TYPE_CHECKING:
    from ctr199.export import ExportFormat

FORMATS = ("xlsx", "csv", "json", "ics")


def register(app: typer.Typer) -> None:
    app.command(
        "export",
        cls=AgencyCompletion,
        help=(
            "Xuất nhiệm vụ ra Excel (xlsx: trang Nhiệm vụ và trang Mốc thời hạn), CSV, JSON hoặc lịch (ics: "
            "mỗi mốc có hạn là một sự kiện cả ngày), với các bộ lọc như lệnh list. csv/json in ra màn hình khi "
            "không có -o; xlsx/ics ghi tệp (mặc định ctr199-<ngày>.xlsx/.ics trong thư mục hiện tại). "
            "Không ghi đè tệp đã có trừ khi --force."
        ),
    )(export)


def export(
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="xlsx|csv|json|ics",
            help="Định dạng (mặc định: theo đuôi tệp của -o).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="TỆP", help="Tệp ghi kết quả.", show_default=False)
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Ghi đè tệp -o đã có.")] = False,
    milestones: Annotated[
        bool,
        typer.Option("--milestones", help="CSV: xuất bảng mốc thời hạn (mỗi mốc một dòng) thay cho bảng nhiệm vụ."),
    ] = False,
    agency: AgencyOption = None,
    role: RoleOption = "lead",
    quarter: QuarterOption = None,
    month: MonthOption = None,
    year: YearOption = None,
    group: GroupOption = None,
    status: StatusOption = None,
    authority: AuthorityOption = None,
    due_before: DueBeforeOption = None,
    due_after: DueAfterOption = None,
    search: SearchOption = None,
    as_of: AsOfOption = None,
    data_dir: DataOption = None,
) -> None:
    from ctr199.export import ExportFormat
    from ctr199.export import export as render
    from ctr199.output import check_output, write_output
    from ctr199.programme import use_registry_names
    from ctr199.query import FilterSpec

    chosen = _choose_format(output_format, output)
    if milestones and chosen is not ExportFormat.CSV:
        fail("--milestones chỉ dùng với --format csv (xlsx đã có trang Mốc thời hạn, json lồng các mốc)")
    day = resolve_as_of(as_of)
    if output is None and chosen in (ExportFormat.XLSX, ExportFormat.ICS):
        output = Path(f"ctr199-{day.isoformat()}.{chosen.value}")
    if output is not None:
        check_output(output, force=force)  # before the work, not only when writing

    loaded = load(data_dir, day)
    use_registry_names(loaded.programme)  # agencies as the registry names them
    spec = FilterSpec(
        agency=agency,
        role=role,
        quarter=quarter,
        month=month,
        year=year,
        group=group,
        status=tuple(status or ()),
        authority=authority,
        due_before=due_before,
        due_after=due_after,
        search=search,
    )
    filters = make_filters(loaded.programme, spec)
    data = render(loaded.programme, filters, day, chosen, milestones=milestones)
    if output is None:
        typer.echo(data, nl=False)
    else:
        write_output(output, data, force=force)
        typer.echo(f"Đã ghi {output} ({chosen.value}).")
    finish(loaded)


def _choose_format(given: str | None, output: Path | None) -> ExportFormat:
    from ctr199.export import ExportFormat

    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    if given is None:
        if suffix not in FORMATS:
            fail("chọn định dạng bằng --format xlsx|csv|json|ics (hoặc đặt -o với đuôi .xlsx/.csv/.json/.ics)")
        given = suffix
    try:
        chosen = ExportFormat(given.lower())
    except ValueError:
        fail(f'không có định dạng "{given}"; dùng xlsx, csv, json hoặc ics')
    if suffix in FORMATS and suffix != chosen.value:
        fail(f"-o {output} có đuôi .{suffix} nhưng --format là {chosen.value}; sửa một trong hai")
    return chosen
