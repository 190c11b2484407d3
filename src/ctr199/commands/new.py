"""`ctr199 new`: a task file for a task added mid-year, with the next free number."""

from __future__ import annotations

from typing import Annotated

import typer

from ctr199.cli import EXIT_FINDINGS, EXIT_USAGE, AsOfOption, DataOption, fail, resolve_as_of, resolve_data_dir


def register(app: typer.Typer) -> None:
    app.command("new", help="Tạo tệp nhiệm vụ mới (số thứ tự kế tiếp), kiểm tra trước khi ghi.")(new)


def new(
    title: Annotated[str, typer.Option("--title", metavar="TÊN", help="Nhiệm vụ (tên nhiệm vụ).", show_default=False)],
    group: Annotated[
        int,
        typer.Option(
            "--group", metavar="NHÓM", min=1, help="Nhóm nhiệm vụ (số trong groups.yaml).", show_default=False
        ),
    ],
    deadline: Annotated[
        str, typer.Option("--deadline", metavar="THỜI-HẠN", help='Thời hạn, ví dụ "Quý III/2026".', show_default=False)
    ],
    lead: Annotated[
        list[str],
        typer.Option(
            "--lead", metavar="CƠ-QUAN", help="Cơ quan chủ trì (lặp lại nếu nhiều cơ quan).", show_default=False
        ),
    ],
    output: Annotated[
        str, typer.Option("--output", metavar="KẾT-QUẢ", help="Kết quả/Sản phẩm.", show_default=False)
    ] = "",
    partner: Annotated[
        list[str] | None,
        typer.Option("--partner", metavar="CƠ-QUAN", help="Cơ quan phối hợp (lặp lại nếu nhiều).", show_default=False),
    ] = None,
    authority: Annotated[
        str, typer.Option("--authority", metavar="CƠ-QUAN", help="Thẩm quyền.", show_default=False)
    ] = "",
    subgroup: Annotated[
        str | None,
        typer.Option("--subgroup", metavar="TIỂU-MỤC", help="Tiểu mục (a, b) nếu nhóm có.", show_default=False),
    ] = None,
    data: DataOption = None,
    as_of: AsOfOption = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ in nội dung tệp, không ghi.")] = False,
) -> None:
    from ctr199.edit import EditRefused, NewTask, create_task
    from ctr199.report import display_path

    root = resolve_data_dir(data)
    draft = NewTask(
        title=title,
        group=group,
        deadline=deadline,
        lead=lead,
        output=output,
        partners=partner or [],
        authority=authority,
        subgroup=subgroup,
    )
    try:
        result = create_task(root, draft, as_of=resolve_as_of(as_of), write=not dry_run)
    except EditRefused as exc:
        fail(exc.message, EXIT_USAGE if exc.usage else EXIT_FINDINGS)
    if dry_run:
        typer.echo(result.text, nl=False)
        typer.echo(f"(--dry-run: chưa ghi {display_path(result.path)})")
        return
    typer.echo(f"Đã tạo nhiệm vụ ({result.task.id}): {display_path(result.path)}.")
