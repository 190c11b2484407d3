"""`ctr199 import-appendix`: a programme's appendix table (.docx or tab-separated text) to task files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ctr199.cli import EXIT_FINDINGS, EXIT_OK, fail


def register(app: typer.Typer) -> None:
    app.command(
        "import-appendix",
        help=(
            "Đọc bảng Phụ lục nhiệm vụ (tệp Word .docx hoặc văn bản phân cách bằng TAB) và ghi mỗi nhiệm vụ "
            "thành một tệp YAML trong --out; groups.yaml ghi vào thư mục cha của --out. Không ghi đè tệp đã có "
            "(khác nội dung) trừ khi dùng --force; nếu có tệp bị từ chối thì không ghi tệp nào."
        ),
    )(import_appendix)


def import_appendix(
    source: Annotated[
        Path, typer.Argument(metavar="TỆP", help="Tệp Phụ lục: .docx hoặc văn bản UTF-8 phân cách bằng TAB.")
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", metavar="THƯ-MỤC", help="Thư mục ghi tệp nhiệm vụ, ví dụ data/tasks/.", show_default=False
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Ghi đè tệp đã có nội dung khác.")] = False,
) -> None:
    from ctr199.appendix import AppendixError
    from ctr199.appendix import import_appendix as run_import

    if out is None:
        fail("cần --out: thư mục ghi tệp nhiệm vụ, ví dụ --out data/tasks/")
    if not source.is_file():
        fail(f"không có tệp {source}")
    if out.exists() and not out.is_dir():
        fail(f"--out {out} không phải thư mục")
    try:
        result = run_import(source, out, force=force)
    except AppendixError as exc:
        fail(str(exc), EXIT_FINDINGS)
    except OSError as exc:
        fail(f"không ghi được vào {out}: {exc.strerror or exc}", EXIT_FINDINGS)

    for problem in result.parsed.problems:
        typer.echo(f"{source}: {problem}", err=True)
    if not result.written:
        refused = result.refused
        shown = ", ".join(str(path) for path in refused[:5]) + (" …" if len(refused) > 5 else "")
        fail(
            f"{len(refused)} tệp đã có với nội dung khác ({shown}); không ghi tệp nào. "
            "Dùng --force để ghi đè (tiến độ đã ghi trong các tệp đó sẽ mất).",
            EXIT_FINDINGS,
        )
    typer.echo(
        f"Đã đọc {len(result.tasks)} nhiệm vụ, {len(result.parsed.groups)} nhóm từ {source.name}: "
        f"{result.count('new')} tệp mới, {result.count('replace')} tệp ghi đè, "
        f"{result.count('same')} tệp giữ nguyên trong {out}."
    )
    if result.groups is not None:
        verb = {"new": "Đã ghi", "replace": "Đã ghi đè", "same": "Giữ nguyên"}[result.groups.action]
        typer.echo(f"{verb} {result.groups.path}.")
    if result.others:
        names = ", ".join(path.name for path in result.others)
        typer.echo(f"Lưu ý: {out} còn tệp không có trong Phụ lục này (không xóa): {names}")
    problems = result.parsed.problems
    if problems:
        typer.echo(f"{len(problems)} hàng không đọc được (xem ở trên); bổ sung các nhiệm vụ đó bằng tay.", err=True)
    typer.echo(f"Kiểm tra: ctr199 validate {out.parent}")
    raise typer.Exit(EXIT_FINDINGS if problems else EXIT_OK)
