"""`ctr199 extend N --to PERIOD --ref TEXT`: record an approved extension (gia hạn) of a task's deadline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ctr199.cli import (
    AsOfOption,
    DataOption,
    option_date,
    resolve_as_of,
    resolve_data_dir,
)
from ctr199.commands.update import DryRunOption, MilestoneOption, TaskArgument

if TYPE_CHECKING:
    from ctr199.edit import ExtendResult


def register(app: typer.Typer) -> None:
    app.command(
        "extend",
        help=(
            "Ghi gia hạn đã được duyệt: từ ngày gia hạn, mốc được đánh giá theo thời hạn mới; "
            "thời hạn ban đầu vẫn giữ trong tệp và mọi báo cáo."
        ),
    )(extend)


def extend(
    task_id: TaskArgument,
    to: Annotated[
        str,
        typer.Option(
            "--to",
            metavar="THỜI-HẠN",
            help='Thời hạn mới, như văn bản ghi: "Quý I/2027", "Tháng 3/2027", "31/3/2027".',
            show_default=False,
        ),
    ],
    ref: Annotated[
        str,
        typer.Option(
            "--ref",
            "-r",
            metavar="VĂN-BẢN",
            help='Văn bản cho phép gia hạn (bắt buộc), ví dụ "Văn bản số 123/UBND-XD".',
            show_default=False,
        ),
    ] = "",
    milestone: MilestoneOption = None,
    on: Annotated[
        str | None,
        typer.Option(
            "--date",
            metavar="NGÀY",
            help="Ngày gia hạn được duyệt (từ ngày này mốc tính theo thời hạn mới), YYYY-MM-DD hoặc dd/mm/yyyy "
            "(mặc định: ngày --as-of).",
            show_default=False,
        ),
    ] = None,
    note: Annotated[
        str,
        typer.Option(
            "--note", "-n", metavar="GHI-CHÚ", help="Ghi chú về gia hạn (lý do, điều kiện…).", show_default=False
        ),
    ] = "",
    data: DataOption = None,
    as_of: AsOfOption = None,
    dry_run: DryRunOption = False,
) -> None:
    from ctr199.commands.update import file_diff
    from ctr199.edit import ExtensionRequest, extend_task

    root = resolve_data_dir(data)
    reference = resolve_as_of(as_of)
    request = ExtensionRequest(task_id, to, option_date("--date", on) or reference, ref, milestone, note)
    result = extend_task(root, request, as_of=reference, write=not dry_run)  # EditRefused: exit 1 or 2
    if dry_run:
        typer.echo(file_diff(result.path, result.before, result.after), nl=False)
        typer.echo("(--dry-run: chưa ghi tệp)")
    typer.echo(summary(result))


def summary(result: ExtendResult) -> str:
    """One line saying what was recorded.

    E.g. "Đã ghi gia hạn nhiệm vụ (37): hạn 31/05/2026 → Quý I/2027 (31/03/2027) từ ngày 20/05/2026;
    thời hạn ban đầu: Tháng 5/2026 (31/05/2026)."
    """
    verb = "Đã ghi" if result.written else "Sẽ ghi"
    which = f"nhiệm vụ ({result.task_id})" + (f", mốc {result.milestone}" if result.several else "")
    return (
        f"{verb} gia hạn {which}: hạn {result.due_before:%d/%m/%Y} → {result.to} ({result.due_after:%d/%m/%Y}) "
        f"từ ngày {result.on:%d/%m/%Y}; thời hạn ban đầu: {result.original} ({result.original_due:%d/%m/%Y})."
    )
