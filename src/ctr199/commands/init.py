"""`ctr199 init`: a new data repository for a programme, from its appendix."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ctr199.cli import EXIT_OK, AsOfOption, fail, resolve_as_of


def register(app: typer.Typer) -> None:
    app.command(
        "init",
        help=(
            "Tạo kho dữ liệu mới cho một chương trình từ bảng Phụ lục của nó (.docx, .xlsx, .md, .csv, .tsv): "
            "data/programme.yaml, data/tasks/, groups.yaml, agencies.yaml, indicators.yaml, cấu hình kiểm tra "
            "tự động (.pre-commit-config.yaml, .github/workflows/), README.md; rồi tạo kho git với lần ghi "
            "đầu tiên. THƯ-MỤC phải chưa có hoặc trống. Tên và năm lấy từ --title/--year, nếu không có thì "
            "từ tiêu đề của văn bản."
        ),
    )(init)


def init(
    directory: Annotated[Path, typer.Argument(metavar="THƯ-MỤC", help="Thư mục kho mới (chưa có hoặc trống).")],
    source: Annotated[
        Path | None,
        typer.Option(
            "--from",
            metavar="TỆP",
            help="Tệp Phụ lục: .docx, .xlsx, .md, .csv, .tsv hoặc văn bản UTF-8.",
            show_default=False,
        ),
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", metavar="TÊN", help="Tên đầy đủ của chương trình.", show_default=False)
    ] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", metavar="NĂM", min=1945, max=2100, help="Năm của chương trình.", show_default=False),
    ] = None,
    issued_by: Annotated[
        str | None,
        typer.Option("--issued-by", metavar="CƠ-QUAN", help="Cơ quan ban hành chương trình.", show_default=False),
    ] = None,
    place: Annotated[
        str | None,
        typer.Option(
            "--place",
            metavar="ĐỊA-DANH",
            help='Địa danh ở dòng "…, ngày … tháng … năm …" của văn bản.',
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOption = None,
) -> None:
    from ctr199.merging import driver_command
    from ctr199.scaffold import InitError, init_repository

    if source is None:
        fail("cần --from: tệp Phụ lục của chương trình, ví dụ --from phu-luc.docx")
    if not source.is_file():
        fail(f"không có tệp {source}")
    for option, value in (("--title", title), ("--issued-by", issued_by), ("--place", place)):
        if value is not None and not value.strip():
            fail(f"{option} không được để trống")
    try:
        result = init_repository(
            directory,
            source,
            as_of=resolve_as_of(as_of),
            title=title,
            year=year,
            issued_by=issued_by,
            place=place,
            merge_driver=driver_command(sys.argv[0]),
        )
    except InitError as exc:
        fail(str(exc), exc.code)

    programme = result.programme
    for columns in result.parsed.columns:
        typer.echo(f"Cột ({columns.where}): {columns.describe()}")
    typer.echo(f"Đã tạo {directory}: {programme.title} ({programme.year}), mã {programme.code}.")
    typer.echo(
        f"  {len(result.parsed.tasks)} nhiệm vụ, {len(result.parsed.groups)} nhóm, {len(result.agencies)} cơ quan; "
        f"kiểm tra: 0 lỗi, {result.warnings} cảnh báo (ô trống như văn bản gốc)."
    )
    review = result.review
    if review.split:
        typer.echo("Ô ghi nhiều cơ quan, đã tách:")
        for cell, names in review.split:
            typer.echo(f'  "{cell}" → {" + ".join(names)}')
    if review.merged:
        typer.echo("Cách viết chỉ khác chữ hoa, khoảng trắng hoặc vị trí dấu, đã gộp:")
        for name, others in review.merged:
            typer.echo(f'  "{name}" ← {_quoted(others)}')
    if review.misspelt:
        typer.echo("Cách viết khác nhau ở một chữ hoặc dấu, đã gộp — kiểm tra chính tả trong văn bản gốc:")
        for name, others in review.misspelt:
            typer.echo(f'  "{name}" ← {_quoted(others)}')
    if review.whole_authority:
        typer.echo("Ô thẩm quyền ghi thành một mục của danh mục (không tách được theo dấu phẩy) — nên sửa:")
        for name in review.whole_authority:
            typer.echo(f"  {name}")
    if review.generic:
        typer.echo("Cụm từ chung, đánh dấu generic (không gửi công văn riêng):")
        for name in review.generic:
            typer.echo(f"  {name}")
    typer.echo("Chỉ tiêu: data/indicators.yaml để trống; thêm chỉ tiêu bằng tay nếu chương trình có.")
    if result.placeholders:
        typer.echo(f"Cần điền trong data/programme.yaml: {', '.join(result.placeholders)}.")
    typer.echo(f"Git: {result.git}.")
    raise typer.Exit(EXIT_OK)


def _quoted(names: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)
