"""`ctr199 validate`: check every data file, for people and for CI."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ctr199.cli import EXIT_FINDINGS, EXIT_OK, AsOfOption, NoCacheOption, resolve_as_of, resolve_data_dir

if TYPE_CHECKING:  # pydantic: only once a report is made, not for `ctr199 --help` or shell completion
    from ctr199.report import Report


class ReportFormat(StrEnum):
    text = "text"
    github = "github"
    json = "json"


def register(app: typer.Typer) -> None:
    app.command("validate", help="Kiểm tra toàn bộ dữ liệu (cú pháp, cấu trúc, cơ quan, thời hạn, nhật ký).")(validate)


def validate(
    data_dir: Annotated[
        Path | None,
        typer.Argument(metavar="THƯ-MỤC", help="Thư mục dữ liệu (mặc định: data/ gần nhất).", show_default=False),
    ] = None,
    as_of: AsOfOption = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="text | github (chú thích GitHub Actions) | json.")
    ] = ReportFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="Coi cảnh báo là lỗi (mã thoát 1).")] = False,
    limit: Annotated[
        int, typer.Option("--limit", metavar="SỐ-DÒNG", min=0, help="Số dòng tối đa in ra ở dạng text (0 = tất cả).")
    ] = 200,
    no_cache: NoCacheOption = False,
) -> None:
    from ctr199.loading import load_programme

    root = resolve_data_dir(data_dir)
    _, report = load_programme(root, as_of=resolve_as_of(as_of), use_cache=False if no_cache else None)
    typer.echo(render(report, output_format, limit=limit))
    raise typer.Exit(EXIT_FINDINGS if report.failed(strict=strict) else EXIT_OK)


def render(report: Report, output_format: ReportFormat, *, limit: int = 0) -> str:
    if output_format is ReportFormat.json:
        import json

        payload = report.model_dump(mode="json")
        payload["errors"] = len(report.errors)
        payload["warnings"] = len(report.warnings)
        return json.dumps(payload, ensure_ascii=False, indent=2)
    if output_format is ReportFormat.github:
        lines = [
            f"::{f.severity.value} file={_escape_property(f.path)},line={f.line},col={f.col},title={f.code}"
            f"::{_escape(f.message)}"
            for f in report.findings
        ]
        return "\n".join([*lines, summary(report)])
    shown = report.findings if limit == 0 else report.findings[:limit]
    lines = [str(f) for f in shown]
    if len(shown) < len(report.findings):
        lines.append(f"… và {len(report.findings) - len(shown)} phát hiện khác (dùng --limit 0 để xem tất cả)")
    return "\n".join([*lines, summary(report)])


def summary(report: Report) -> str:
    verdict = "Dữ liệu hợp lệ." if not report.errors else "Dữ liệu có lỗi."
    return (
        f"{verdict} Đã kiểm tra {report.files_checked} tệp: {report.tasks} nhiệm vụ, "
        f"{report.indicators} chỉ tiêu — {len(report.errors)} lỗi, {len(report.warnings)} cảnh báo."
    )


def _escape(message: str) -> str:
    # GitHub workflow commands end at a newline; % must be escaped first.
    return message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    # A property (the file name) also ends at "," or "::": a hostile file name must not add commands.
    return _escape(value).replace(":", "%3A").replace(",", "%2C")
