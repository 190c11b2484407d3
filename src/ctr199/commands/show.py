"""`ctr199 show N`: one task in full — the appendix row, its milestones as of a date, its log."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from ctr199.cli import EXIT_FINDINGS, AsOfOption, DataOption, fail, resolve_as_of
from ctr199.commands._filters import finish, load
from ctr199.output import Column, Table, render_table, vn_date, write_json, write_lines

if TYPE_CHECKING:
    from ctr199.query import TaskState


class ShowFormat(StrEnum):
    table = "table"
    json = "json"


def register(app: typer.Typer) -> None:
    app.command("show", help="Toàn bộ một nhiệm vụ: nội dung, các mốc và trạng thái từng mốc, nhật ký tiến độ.")(show)


def show(
    task_id: Annotated[int, typer.Argument(help="Số thứ tự nhiệm vụ trong Phụ lục (STT).", metavar="STT")],
    as_of: AsOfOption = None,
    output_format: Annotated[
        ShowFormat, typer.Option("--format", "-f", help="table | json.", case_sensitive=False)
    ] = ShowFormat.table,
    data_dir: DataOption = None,
) -> None:
    from ctr199.payload import task_detail_payload
    from ctr199.programme import RegistryNames
    from ctr199.query import classify
    from ctr199.store import DataDir

    day = resolve_as_of(as_of)
    loaded = load(data_dir, day)
    record = loaded.programme.task(task_id)
    broken = loaded.skipped_file(DataDir(loaded.programme.root).task_path(task_id)) if record is None else None
    if broken is not None:
        fail(
            f"nhiệm vụ số {task_id} không đọc được: {broken.path}:{broken.line}:{broken.col}: {broken.message}",
            EXIT_FINDINGS,
        )
    if record is None:
        ids = [r.id for r in loaded.programme.tasks]
        known = f"có {len(ids)} nhiệm vụ, số {min(ids)}–{max(ids)}" if ids else "chưa có nhiệm vụ nào"
        fail(f"không có nhiệm vụ số {task_id} ({known})")
    state = classify(RegistryNames(loaded.programme.registry)(record), day)  # agencies as the registry names them
    if output_format is ShowFormat.json:
        write_json(task_detail_payload(state))
    else:
        show_text(state)
    finish(loaded)


def show_text(state: TaskState) -> None:
    from ctr199.commands.listing import status_text
    from ctr199.report import display_path
    from ctr199.text import visible

    task = state.record.task
    reported = task.status.label + (f" ngày {vn_date(task.completed_on)}" if task.completed_on else "")
    group = f"nhóm {task.group}{task.subgroup or ''}"
    fields = [
        ("Nhiệm vụ", task.title),
        ("Kết quả/Sản phẩm", task.output),
        ("Thời hạn", task.deadline),
        *([("Gia hạn", state.extension_text)] if state.extension_text else []),
        ("Chủ trì", "; ".join(task.lead)),
        ("Phối hợp", "; ".join(task.partners)),
        ("Thẩm quyền", task.authority),
        ("Trạng thái báo cáo", reported),
        (f"Đánh giá đến {vn_date(state.as_of)}", status_text(state)),
        ("Tệp", visible(display_path(state.record.path), one_line=True)),
    ]
    width = max(len(name) for name, _ in fields)
    write_lines([f"Nhiệm vụ {task.id} ({group})", *(f"{name:<{width}}  {value}" for name, value in fields), ""])

    milestones = Table(
        [
            Column("Mốc", "right"),
            Column("Nội dung", max_width=50),
            Column("Hạn"),
            Column("Hoàn thành"),
            Column("Trạng thái", max_width=34),
        ],
        title="Các mốc",
        noun="mốc",
    )
    for m in state.milestones:
        status = m.category.label + (f" ({m.days_overdue} ngày)" if m.days_overdue else "")
        if m.due_soon:
            status += ", sắp đến hạn"
        extended = f" (gia hạn; ban đầu {vn_date(m.original_due)})" if m.extended else ""
        milestones.add(
            str(m.number),
            m.label,
            (vn_date(m.due) or "không thời hạn") + extended,
            vn_date(m.done_on),
            status,
            style="red" if m.days_overdue else "",
        )
    if state.milestones:
        render_table(milestones, show_all=True)
    else:
        write_lines(["Chưa xác định được mốc nào từ thời hạn."])

    _extensions_table(state)
    if not task.log:
        write_lines(["", "Nhật ký: chưa có."])
        return
    write_lines([""])
    log = Table(
        [
            Column("Ngày"),
            Column("Trạng thái"),
            Column("Mốc", "right"),
            Column("Ghi chú", max_width=50),
            Column("Văn bản", max_width=30),
        ],
        title="Nhật ký tiến độ",
        noun="dòng",
    )
    for entry in task.log:
        log.add(vn_date(entry.date), entry.status.label, str(entry.milestone or ""), entry.note, entry.ref)
    render_table(log, show_all=True)


def _extensions_table(state: TaskState) -> None:
    """Every extension in force on the date, milestone by milestone: approval date, new deadline, document."""
    from ctr199.extension import new_due

    rows = [(m, extension) for m in state.milestones for extension in m.extensions]
    if not rows:
        return
    table = Table(
        [
            Column("Mốc", "right"),
            Column("Ngày gia hạn"),
            Column("Thời hạn ban đầu", max_width=30),
            Column("Gia hạn đến", max_width=30),
            Column("Hạn mới"),
            Column("Văn bản", max_width=30),
            Column("Ghi chú", max_width=40),
        ],
        title="Gia hạn",
        noun="lần gia hạn",
    )
    for m, extension in rows:
        table.add(
            str(m.number),
            vn_date(extension.date),
            f"{m.original_text} ({vn_date(m.original_due)})",
            extension.to,
            vn_date(new_due(extension.to)),
            extension.ref,
            extension.note,
        )
    write_lines([""])
    render_table(table, show_all=True)
