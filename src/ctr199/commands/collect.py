"""`ctr199 collect`: returned progress forms into the task files, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ctr199.cli import EXIT_FINDINGS, AsOfOption, DataOption, fail, option_date, resolve_as_of, resolve_data_dir

if TYPE_CHECKING:
    from ctr199.collect import CollectResult, TaskChange


def register(app: typer.Typer) -> None:
    app.command(
        "collect",
        help=(
            "Thu phiếu báo cáo tiến độ các cơ quan gửi lại: kiểm tra mọi dòng như ctr199 update rồi ghi nhật ký, "
            "trạng thái và đề nghị gia hạn vào các tệp nhiệm vụ — ghi tất cả hoặc không ghi gì."
        ),
    )(collect)


def collect(
    files: Annotated[list[Path], typer.Argument(help="Các tệp phiếu (.xlsx) cơ quan gửi lại.", metavar="TỆP…")],
    as_of: AsOfOption = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="NGÀY",
            help="Liệt kê cơ quan chưa gửi báo cáo kể từ ngày này (mặc định: ngày lập phiếu mới nhất được thu).",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Chỉ in kế hoạch: các mục sẽ ghi, không ghi tệp.")] = False,
    data_dir: DataOption = None,
) -> None:
    from ctr199.collect import CollectRefused, collect_forms
    from ctr199.commands.brief import checked_programme
    from ctr199.store import ChangedMeanwhile

    day = resolve_as_of(as_of)
    since_day = option_date("--since", since)
    for path in files:
        if not path.is_file():
            fail(f"không thấy tệp {path}")
    programme = checked_programme(resolve_data_dir(data_dir), day)
    try:
        result = collect_forms(programme, files, as_of=day, since=since_day, write=not dry_run)
    except CollectRefused as exc:
        fail(str(exc), EXIT_FINDINGS)
    except OSError as exc:  # store.WriteError: disk full, no permission
        fail(f"không ghi được: {exc}; các tệp đã ghi được trả lại như cũ", EXIT_FINDINGS)
    except ChangedMeanwhile as exc:
        fail(str(exc), EXIT_FINDINGS)  # the files written before it were put back
    _print(result, dry_run)
    if result.problems:
        raise typer.Exit(EXIT_FINDINGS)


def _print(result: CollectResult, dry_run: bool) -> None:
    from ctr199.cli import error_line
    from ctr199.output import Column, Table, render_table, vn_date

    problems = result.problems
    for problem in problems:
        typer.echo(error_line(str(problem)), err=True)
    if dry_run and not problems:
        for change in result.changes:
            typer.echo(_plan_text(change))
    table = Table(
        [
            Column("Cơ quan", max_width=40),
            Column("Tệp", max_width=40),
            Column("Tính đến"),
            Column("Dòng ghi", "right"),
            Column("Đã có", "right"),
            Column("Đề nghị gia hạn", "right"),
            Column("Lỗi", "right"),
        ],
        title=f"Thu {len(result.forms)} phiếu báo cáo",
        noun="phiếu",
    )
    for form in result.forms:
        table.add(
            form.agency.name if form.agency else "?",
            form.path.name,
            vn_date(form.as_of),
            str(form.applied),
            str(form.already),
            str(form.requests),
            str(len(form.problems)),
            style="red" if form.problems else "",
        )
    render_table(table, show_all=True)
    entries = sum(len(change.entries) for change in result.changes)
    requests = sum(len(change.requests) for change in result.changes)
    if problems:
        typer.echo(
            f"Không ghi gì: {len(problems)} lỗi trong {sum(1 for f in result.forms if f.problems)} phiếu; "
            "sửa phiếu (hoặc dữ liệu) rồi chạy lại."
        )
    elif not result.changes:
        typer.echo("Không có gì mới để ghi (các phiếu trống hoặc đã thu trước đây).")
    elif dry_run:
        typer.echo(
            f"Sẽ ghi {entries} mục nhật ký, {requests} đề nghị gia hạn vào {len(result.changes)} tệp nhiệm vụ "
            "(--dry-run: chưa ghi tệp)."
        )
    else:
        typer.echo(f"Đã ghi {entries} mục nhật ký, {requests} đề nghị gia hạn vào {len(result.changes)} tệp nhiệm vụ.")
    if result.since is not None and result.silent:
        names = "; ".join(agency.name for agency in result.silent)
        typer.echo(f"Chưa gửi báo cáo từ {vn_date(result.since)} ({len(result.silent)} cơ quan): {names}.")


def _plan_text(change: TaskChange) -> str:
    from ctr199.history import show_entry
    from ctr199.report import display_path
    from ctr199.text import shorten, visible

    lines = [f"Nhiệm vụ ({change.task_id}) {shorten(change.title, 70)} — {display_path(change.path)}"]
    if change.status_before is not change.status_after:
        lines.append(f"  Trạng thái: {change.status_before.label} → {change.status_after.label}")
    lines.extend(f"  + Nhật ký: {show_entry(entry)}" for entry in change.entries)
    for request in change.requests:
        which = f"mốc {request.milestone} " if request.milestone is not None else ""
        reason = f" — {' '.join(request.reason.split())}" if request.reason else ""
        lines.append(f"  + Đề nghị gia hạn {which}đến {request.requested_to}{reason}")
    return visible("\n".join(lines))
