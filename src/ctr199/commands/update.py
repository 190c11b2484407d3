"""`ctr199 update` and `ctr199 done`: record progress on a task, touching only the lines that change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ctr199.cli import (
    AsOfOption,
    DataOption,
    fail,
    option_date,
    resolve_as_of,
    resolve_data_dir,
)

if TYPE_CHECKING:
    from pathlib import Path

    from ctr199.edit import ProgressUpdate, UpdateResult
    from ctr199.models import Status

TaskArgument = Annotated[
    int, typer.Argument(help="Số thứ tự nhiệm vụ (STT trong Phụ lục).", metavar="STT", min=1, show_default=False)
]
MilestoneOption = Annotated[
    int | None,
    typer.Option(
        "--milestone", "-m", metavar="MỐC", min=1, help="Mốc K của nhiệm vụ nhiều mốc (1, 2, …).", show_default=False
    ),
]
DateOption = Annotated[
    str | None,
    typer.Option(
        "--date",
        metavar="NGÀY",
        help="Ngày của sự việc, YYYY-MM-DD hoặc dd/mm/yyyy (mặc định: ngày --as-of).",
        show_default=False,
    ),
]
NoteOption = Annotated[
    str, typer.Option("--note", "-n", metavar="GHI-CHÚ", help="Ghi chú tiến độ.", show_default=False)
]
RefOption = Annotated[
    str,
    typer.Option(
        "--ref",
        "-r",
        metavar="VĂN-BẢN",
        help='Văn bản làm căn cứ, ví dụ "Nghị quyết số 12/NQ-HĐND".',
        show_default=False,
    ),
]
DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Chỉ in thay đổi (diff), không ghi tệp.")]


def register(app: typer.Typer) -> None:
    app.command("update", help="Ghi tiến độ một nhiệm vụ: thêm mục nhật ký có ngày, cập nhật trạng thái/mốc.")(update)
    app.command("done", help="Ghi hoàn thành một nhiệm vụ (hoặc một mốc với --milestone); dạng ngắn của update.")(done)


def update(
    task_id: TaskArgument,
    status: Annotated[
        str,
        typer.Option(
            "--status",
            "-s",
            metavar="TRẠNG-THÁI",
            help="Trạng thái: not_started/in_progress/done hoặc Chưa thực hiện/Đang thực hiện/Hoàn thành.",
            show_default=False,
        ),
    ],
    milestone: MilestoneOption = None,
    on: DateOption = None,
    note: NoteOption = "",
    ref: RefOption = "",
    data: DataOption = None,
    as_of: AsOfOption = None,
    dry_run: DryRunOption = False,
) -> None:
    from ctr199.models import Status

    try:
        parsed = Status.parse(status)
    except ValueError as exc:
        fail(f"--status: {exc}")
    _run(task_id, parsed, milestone, on, note, ref, data, as_of, dry_run)


def done(
    task_id: TaskArgument,
    milestone: MilestoneOption = None,
    on: DateOption = None,
    note: NoteOption = "",
    ref: RefOption = "",
    data: DataOption = None,
    as_of: AsOfOption = None,
    dry_run: DryRunOption = False,
) -> None:
    from ctr199.models import Status

    _run(task_id, Status.DONE, milestone, on, note, ref, data, as_of, dry_run)


def _run(
    task_id: int,
    status: Status,
    milestone: int | None,
    on: str | None,
    note: str,
    ref: str,
    data: DataOption,
    as_of: str | None,
    dry_run: bool,
) -> None:
    from ctr199.edit import ProgressUpdate, update_task

    root = resolve_data_dir(data)
    reference = resolve_as_of(as_of)
    request = ProgressUpdate(task_id, status, option_date("--date", on) or reference, milestone, note, ref)
    result = update_task(root, request, as_of=reference, write=not dry_run)  # EditRefused: exit 1 or 2
    if dry_run:
        typer.echo(file_diff(result.path, result.before, result.after), nl=False)
        typer.echo("(--dry-run: chưa ghi tệp)")
    typer.echo(summary(request, result))


def file_diff(path: Path, before: str, after: str) -> str:
    """What an edit changes in a file, as `git diff` would show it (for --dry-run)."""
    import difflib

    from ctr199.report import display_path

    name = display_path(path)
    return "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), name, name))


def summary(request: ProgressUpdate, result: UpdateResult) -> str:
    """One line saying what was recorded.

    E.g. "Đã cập nhật nhiệm vụ (36): Đang thực hiện → Hoàn thành (12/03/2026)."
    """
    when = f"{result.on:%d/%m/%Y}"
    verb = "Sẽ cập nhật" if not result.written else "Đã cập nhật"
    transition = f"{result.status_before.label} → {result.status_after.label}"
    if result.milestone is not None and result.milestone_status is not None:
        line = f"{verb} nhiệm vụ ({result.task_id}), mốc {result.milestone}: {result.milestone_status.label} ({when})"
        if result.status_before is not result.status_after:
            line += f"; nhiệm vụ: {transition}"
        return line + "."
    if result.status_before is not result.status_after:
        return f"{verb} nhiệm vụ ({result.task_id}): {transition} ({when})."
    verb = "Sẽ ghi" if not result.written else "Đã ghi"
    return f"{verb} nhật ký nhiệm vụ ({result.task_id}): {request.status.label} ({when})."
