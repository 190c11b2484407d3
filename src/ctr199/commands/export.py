"""`ctr199 export`: tasks as Excel, CSV, JSON or a calendar, with the filters of `list`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ctr199.cli import EXIT_FINDINGS, AsOfOption, DataOption, fail, resolve_as_of, resolve_data_dir

if TYPE_CHECKING:
    from ctr199.export import ExportFormat
    from ctr199.programme import Programme
    from ctr199.query import Filters

FORMATS = ("xlsx", "csv", "json", "ics")


def register(app: typer.Typer) -> None:
    app.command(
        "export",
        help=(
            "Xuất nhiệm vụ ra Excel (xlsx: trang Nhiệm vụ và trang Mốc thời hạn), CSV, JSON hoặc lịch (ics: "
            "mỗi mốc có hạn là một sự kiện cả ngày). csv/json in ra màn hình khi không có -o; xlsx/ics ghi tệp "
            "(mặc định ctr199-<ngày>.xlsx/.ics trong thư mục hiện tại). Không ghi đè tệp đã có trừ khi --force."
        ),
    )(export)


def export(
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="xlsx | csv | json | ics (mặc định: theo đuôi tệp của -o).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Tệp ghi kết quả.", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Ghi đè tệp -o đã có.")] = False,
    milestones: Annotated[
        bool,
        typer.Option("--milestones", help="CSV: xuất bảng mốc thời hạn (mỗi mốc một dòng) thay cho bảng nhiệm vụ."),
    ] = False,
    agency: Annotated[
        str | None,
        typer.Option("--agency", "-a", help='Cơ quan chủ trì (tên, mã hoặc tên khác), ví dụ "Sở Xây dựng".'),
    ] = None,
    group: Annotated[int | None, typer.Option("--group", "-g", help="Nhóm nhiệm vụ (1–9).")] = None,
    status: Annotated[
        list[str] | None,
        typer.Option("--status", help="Trạng thái: overdue, on_track, done_on_time, done_late, no_deadline…"),
    ] = None,
    quarter: Annotated[
        str | None, typer.Option("--quarter", "-q", help='Có mốc đến hạn trong quý, ví dụ "II/2026".')
    ] = None,
    data_dir: DataOption = None,
    as_of: AsOfOption = None,
) -> None:
    from ctr199.export import ExportFormat
    from ctr199.export import export as render
    from ctr199.programme import load_programme

    chosen = _choose_format(output_format, output)
    if milestones and chosen is not ExportFormat.CSV:
        fail("--milestones chỉ dùng với --format csv (xlsx đã có trang Mốc thời hạn, json lồng các mốc)")
    day = resolve_as_of(as_of)
    if output is None and chosen in (ExportFormat.XLSX, ExportFormat.ICS):
        output = Path(f"ctr199-{day.isoformat()}.{chosen.value}")
    if output is not None and output.exists() and not force:
        fail(f"{output} đã có; dùng --force để ghi đè hoặc chọn tên khác với -o", EXIT_FINDINGS)
    if output is not None and not output.parent.is_dir():
        fail(f"không có thư mục {output.parent}")

    programme, report = load_programme(resolve_data_dir(data_dir), as_of=day)
    errors = [finding for finding in report.errors if finding.code != "log-future"]
    data = render(programme, _filters(programme, agency, group, status, quarter), day, chosen, milestones=milestones)

    if output is None:
        typer.echo(data, nl=False)
    else:
        from ctr199.store import atomic_write

        try:
            atomic_write(output, data)
        except OSError as exc:
            fail(f"không ghi được {output}: {exc.strerror or exc}", EXIT_FINDINGS)
        typer.echo(f"Đã ghi {output} ({chosen.value}).")
    if errors:
        typer.echo(
            f"Cảnh báo: dữ liệu có {len(errors)} lỗi nên bản xuất có thể thiếu nhiệm vụ; "
            "chạy `ctr199 validate` để xem chi tiết.",
            err=True,
        )
        raise typer.Exit(EXIT_FINDINGS)


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


def _filters(
    programme: Programme, agency: str | None, group: int | None, status: list[str] | None, quarter: str | None
) -> Filters:
    """The few filters of `list` this command offers, as `query.Filters`; usage errors exit 2."""
    from ctr199.agencies import AgencyLookupError
    from ctr199.deadline import DeadlineError, parse_quarter
    from ctr199.query import Category, Filters

    found_agency = None
    if agency is not None:
        try:
            found_agency = programme.registry.resolve(agency)
        except AgencyLookupError as exc:
            fail(f"--agency: {exc}")
    if group is not None and programme.groups and programme.group(group) is None:
        known = ", ".join(str(g.id) for g in programme.groups)
        fail(f"--group: không có nhóm {group} (có: {known})")
    categories = set()
    for text in status or []:
        for part in text.split(","):
            try:
                categories.add(Category.parse(part.strip()))
            except ValueError as exc:
                fail(f"--status: {exc}")
    due_from: date | None = None
    due_to: date | None = None
    if quarter is not None:
        try:
            due_from, due_to = parse_quarter(quarter)
        except DeadlineError as exc:
            fail(f"--quarter: {exc}")
    return Filters(agency=found_agency, group=group, categories=frozenset(categories), due_from=due_from, due_to=due_to)
