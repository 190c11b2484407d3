"""Options shared by the query commands, and by every command offering "the same filters as list".

A command declares the options it offers with the `…Option` types below, gathers them into a
`FilterSpec` and calls `select_tasks` (or `make_filters`), then `finish` after its answer.
Core modules are imported inside functions: these declarations are read on every start-up,
`ctr199 --help` included; `ctr199.cli` too, so that this module can be imported on its own.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand

from ctr199.output import OutputFormat

if TYPE_CHECKING:
    from ctr199.loading import QueryLoad
    from ctr199.programme import Programme
    from ctr199.query import Filters, FilterSpec, TaskState


def complete_agency(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion for --agency/--authority: "So Xay" proposes "Sở Xây dựng" (name, with its code as help)."""
    from ctr199.agencies import load_registry
    from ctr199.query import complete_agency_name
    from ctr199.store import DataDir

    root = _completion_root(ctx)
    if root is None:
        return []
    try:
        registry = load_registry(DataDir(root).agencies)
    except Exception:  # completion must never print a traceback into the shell
        return []
    return [(agency.name, agency.code) for agency in complete_agency_name(registry, incomplete)]


class AgencyCompletion(TyperCommand):
    """A command whose --agency/--authority completion survives missing accents.

    Typer keeps only the completions that start with the text exactly as typed, which would
    drop "Sở Xây dựng" for "So Xay"; a command built with `cls=AgencyCompletion` hands the
    shell everything `complete_agency` found.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if param.name in ("agency", "authority"):
                param._custom_shell_complete = _agency_names


def _agency_names(ctx: Any, param: Any, incomplete: str) -> list[str]:
    return [name for name, _ in complete_agency(ctx, incomplete)]


def _completion_root(ctx: typer.Context | None) -> Path | None:
    from ctr199.loading import data_root, find_data_dir

    params: dict[str, Any] = getattr(ctx, "params", None) or {}
    given = params.get("data_dir") or os.environ.get("CTR199_DATA")
    return data_root(Path(given)) if given else find_data_dir()


def complete_role(incomplete: str) -> list[tuple[str, str]]:
    from ctr199.query import Role

    return [(role.value, role.label) for role in Role if role.value.startswith(incomplete.lower())]


AgencyOption = Annotated[
    str | None,
    typer.Option(
        "--agency",
        "-a",
        metavar="CƠ-QUAN",
        help='Cơ quan (tên, mã hoặc tên khác; không cần dấu), ví dụ "Sở Xây dựng", "so xay dung", SXD.',
        autocompletion=complete_agency,
        show_default=False,
    ),
]
RoleOption = Annotated[
    str,
    typer.Option(
        "--role",
        metavar="lead|partner|any",
        help="Vai trò của --agency: lead (chủ trì) | partner (phối hợp) | any (cả hai).",
        autocompletion=complete_role,
    ),
]
QuarterOption = Annotated[
    str | None,
    typer.Option(
        "--quarter",
        "-q",
        metavar="QUÝ",
        help='Có mốc đến hạn trong quý: "II/2026", "Quý II/2026", "Q2/2026", "2026-Q2".',
        show_default=False,
    ),
]
MonthOption = Annotated[
    str | None,
    typer.Option(
        "--month", "-m", metavar="THÁNG", help='Có mốc đến hạn trong tháng: "3/2026", "2026-03".', show_default=False
    ),
]
YearOption = Annotated[
    int | None,
    typer.Option("--year", "-y", metavar="NĂM", help="Có mốc đến hạn trong năm, ví dụ 2026.", show_default=False),
]
GroupOption = Annotated[
    int | None,
    typer.Option("--group", "-g", metavar="NHÓM", help="Số nhóm nhiệm vụ (trong groups.yaml).", show_default=False),
]
StatusOption = Annotated[
    list[str] | None,
    typer.Option(
        "--status",
        metavar="TRẠNG-THÁI",
        help=(
            'Trạng thái, theo tên hoặc khóa ngắn: "Chưa hoàn thành quá hạn" / overdue / qua-han, on_track, '
            "done_on_time, done_late, no_deadline; done, open = nhiều trạng thái. Lặp lại hoặc phân cách bằng dấu phẩy."
        ),
        show_default=False,
    ),
]
AuthorityOption = Annotated[
    str | None,
    typer.Option(
        "--authority",
        metavar="CƠ-QUAN",
        help='Cấp có thẩm quyền, ví dụ "HĐND", "UBND thành phố".',
        autocompletion=complete_agency,
        show_default=False,
    ),
]
DueBeforeOption = Annotated[
    str | None,
    typer.Option(
        "--due-before",
        metavar="NGÀY",
        help="Có mốc đến hạn đến hết ngày này (dd/mm/yyyy, YYYY-MM-DD).",
        show_default=False,
    ),
]
DueAfterOption = Annotated[
    str | None,
    typer.Option(
        "--due-after",
        metavar="NGÀY",
        help="Có mốc đến hạn từ ngày này trở đi (dd/mm/yyyy, YYYY-MM-DD).",
        show_default=False,
    ),
]
SearchOption = Annotated[
    str | None,
    typer.Option(
        "--search",
        "-s",
        metavar="TỪ-KHÓA",
        help="Tìm trong tên nhiệm vụ và kết quả/sản phẩm (không phân biệt hoa thường, có dấu hay không).",
        show_default=False,
    ),
]
FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="table (bảng cho người đọc) | json | csv.", case_sensitive=False),
]
AllOption = Annotated[bool, typer.Option("--all", help="In mọi dòng (bảng mặc định chỉ in một trang).")]


def make_filters(programme: Programme, spec: FilterSpec) -> Filters:
    """`spec` as `Filters`, or a one-line usage error (exit 2) naming the option at fault."""
    from ctr199.cli import fail
    from ctr199.query import FilterError, build_filters

    try:
        return build_filters(spec, programme)
    except FilterError as exc:
        fail(str(exc))


SKIPPED_SHOWN = 10


def load(data_dir: Path | None, as_of: date) -> QueryLoad:
    """Read the data directory for a query (`loading.for_query`); broken files are named by `finish`."""
    from ctr199.loading import for_query, resolve_data_dir

    return for_query(resolve_data_dir(data_dir), as_of=as_of)


def select_tasks(data_dir: Path | None, day: date, spec: FilterSpec) -> tuple[QueryLoad, Filters, list[TaskState]]:
    """Read the data directory and pick the tasks `spec` lets through, judged as of `day`.

    Pass the `QueryLoad` to `finish` once the answer is written.
    """
    from ctr199.programme import RegistryNames
    from ctr199.query import select

    loaded = load(data_dir, day)
    filters = make_filters(loaded.programme, spec)
    # One spelling of each agency in every answer: the registry's (only for the tasks selected).
    respell = RegistryNames(loaded.programme.registry)
    states = select(loaded.programme, filters, day)
    return loaded, filters, [state._replace(record=respell(state.record)) for state in states]


def finish(loaded: QueryLoad) -> None:
    """Exit 1 after the answer when the data has errors: the answer may be missing tasks.

    Each file left out is named on stderr (the first few), with where and why it could not be read.
    """
    from ctr199.cli import EXIT_FINDINGS
    from ctr199.text import visible

    for finding in loaded.skipped[:SKIPPED_SHOWN]:
        line = f"Bỏ qua {finding.path}:{finding.line}:{finding.col}: {finding.message}"
        typer.echo(visible(line, one_line=True), err=True)
    if len(loaded.skipped) > SKIPPED_SHOWN:
        typer.echo(f"… và {len(loaded.skipped) - SKIPPED_SHOWN} tệp lỗi khác cũng bị bỏ qua.", err=True)
    if loaded.errors:
        typer.echo(
            f"Cảnh báo: dữ liệu có {loaded.errors} lỗi nên kết quả có thể thiếu; "
            "chạy `ctr199 validate` để xem chi tiết.",
            err=True,
        )
        raise typer.Exit(EXIT_FINDINGS)
