"""`ctr199 merge-driver`: git's merge driver for task files and indicators.yaml (and `--install` to set it up)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ctr199.cli import EXIT_FINDINGS, EXIT_OK, DataOption, fail, option_date, resolve_data_dir


def register(app: typer.Typer) -> None:
    app.command(
        "merge-driver",
        help=(
            "Trình gộp của git cho tệp nhiệm vụ và indicators.yaml: gộp nhật ký, mốc hoàn thành, số liệu "
            "theo từng trường; chỉ để xung đột khi hai nhánh sửa cùng một trường khác nhau. "
            "git gọi: ctr199 merge-driver %O %A %B %L %P; cài đặt: ctr199 merge-driver --install."
        ),
    )(merge_driver)


def merge_driver(
    base: Annotated[
        Path | None, typer.Argument(metavar="BẢN-GỐC", help="Bản gốc chung (%O).", show_default=False)
    ] = None,
    ours: Annotated[
        Path | None,
        typer.Argument(
            metavar="BẢN-NÀY", help="Bản của nhánh hiện tại (%A); kết quả gộp ghi vào đây.", show_default=False
        ),
    ] = None,
    theirs: Annotated[
        Path | None, typer.Argument(metavar="BẢN-KIA", help="Bản của nhánh được gộp vào (%B).", show_default=False)
    ] = None,
    marker_size: Annotated[
        int, typer.Argument(metavar="ĐỘ-DÀI-DẤU", min=1, max=100, help="Độ dài dấu xung đột (%L).", show_default=False)
    ] = 7,
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="ĐƯỜNG-DẪN", help="Đường dẫn của tệp trong kho (%P), ví dụ data/tasks/007.yaml.", show_default=False
        ),
    ] = None,
    install: Annotated[
        bool,
        typer.Option(
            "--install",
            help="Ghi .gitattributes và cấu hình git (merge.ctr199.*) của kho chứa thư mục dữ liệu.",
        ),
    ] = False,
    data: DataOption = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="NGÀY",
            help="Cũng từ chối kết quả có ngày sau ngày này (YYYY-MM-DD hoặc dd/mm/yyyy); mặc định không xét "
            "(mọi ngày trong kết quả đều lấy từ hai nhánh).",
            show_default=False,
        ),
    ] = None,
) -> None:
    if install:
        if base is not None:
            fail("--install không nhận tệp; dùng riêng: ctr199 merge-driver --install")
        _install(resolve_data_dir(data))
        return
    if base is None or ours is None or theirs is None or name is None:
        fail("cần đủ bốn tham số O A B L P như git truyền (%O %A %B %L %P); cài đặt: ctr199 merge-driver --install")
    for path in (base, ours, theirs):
        if not path.is_file():
            fail(f"không có tệp {path}")
    from ctr199.merging import context_of, merge_paths, write_result
    from ctr199.store import WriteError

    result = merge_paths(
        base,
        ours,
        theirs,
        name,
        marker_size=marker_size,
        as_of=option_date("--as-of", as_of),
        programme=context_of(name),
    )
    try:
        write_result(ours, result)
    except WriteError as exc:
        fail(str(exc), EXIT_FINDINGS)
    if not result.clean:
        from ctr199.text import visible

        line = f"ctr199 merge-driver: xung đột ở {name}: {result.message}; đã để dấu xung đột — sửa tay, "
        line += "chạy ctr199 validate rồi git add"
        typer.echo(visible(line, one_line=True), err=True)
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_OK)


def _install(data_dir: Path) -> None:
    from ctr199.merging import InstallError, driver_command, install
    from ctr199.report import display_path
    from ctr199.store import WriteError

    try:
        done = install(data_dir, driver_command(sys.argv[0]))
    except (InstallError, WriteError) as exc:
        fail(str(exc), EXIT_FINDINGS)
    where = display_path(done.attributes)
    if done.added:
        typer.echo(f"Đã thêm vào {where}: " + "; ".join(done.added))
    else:
        typer.echo(f"{where} đã có sẵn các dòng merge=ctr199.")
    typer.echo(f"Đã đặt git config merge.ctr199.driver = {done.driver}")
    typer.echo("Commit .gitattributes để cả nhóm dùng; mỗi bản sao kho cần chạy lệnh này một lần (cấu hình git).")
