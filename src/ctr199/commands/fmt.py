"""`ctr199 fmt`: put the data files in the one canonical layout (or, with --check, list those that are not)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ctr199.cli import EXIT_FINDINGS, EXIT_OK, resolve_data_dir


def register(app: typer.Typer) -> None:
    app.command(
        "fmt", help="Định dạng tệp dữ liệu theo bố cục chuẩn (thứ tự khóa, thụt lề, dấu nháy, xuống dòng cuối)."
    )(fmt)


def fmt(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="TỆP", help="Tệp hoặc thư mục (mặc định: thư mục dữ liệu gần nhất).", show_default=False
        ),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="Không ghi; liệt kê tệp cần định dạng lại và thoát với mã 1 nếu có.")
    ] = False,
) -> None:
    from ctr199.fmt import format_paths
    from ctr199.report import display_path

    targets = paths or [resolve_data_dir(None)]
    missing = [p for p in targets if not p.exists()]
    if missing:
        from ctr199.cli import fail

        fail(f"không có tệp hoặc thư mục {missing[0]}")
    report = format_paths(targets, write=not check)
    for item in report.failed:
        typer.echo(f"{display_path(item.path)}:{item.line}:{item.col}: lỗi: {item.error}", err=True)
    for item in report.changed:
        typer.echo(f"{'cần định dạng lại' if check else 'đã định dạng lại'}: {display_path(item.path)}")
    checked = len(report.files)
    if check and report.changed:
        typer.echo(f"{len(report.changed)}/{checked} tệp chưa đúng bố cục chuẩn; chạy ctr199 fmt để sửa.")
    elif not report.changed and report.failed:
        typer.echo(f"Đã kiểm tra {checked} tệp: {len(report.failed)} tệp có lỗi (ở trên), chưa định dạng được.")
    elif not report.changed:
        typer.echo(f"Đã kiểm tra {checked} tệp: đều đúng bố cục chuẩn.")
    else:
        typer.echo(f"Đã định dạng lại {len(report.changed)}/{checked} tệp.")
    failed = report.failed or (check and report.changed)
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)
