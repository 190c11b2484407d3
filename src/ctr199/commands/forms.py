"""`ctr199 forms`: progress-report workbooks (phiếu báo cáo tiến độ), one per lead agency with open items."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ctr199.cli import EXIT_FINDINGS, AsOfOption, DataOption, fail, option_date, resolve_as_of, resolve_data_dir
from ctr199.commands._filters import AgencyCompletion, complete_agency

if TYPE_CHECKING:
    from datetime import date

    from ctr199.forms import Form
    from ctr199.models import Agency
    from ctr199.programme import Programme

AgenciesOption = Annotated[
    list[str] | None,
    typer.Option(
        "--agency",
        "-a",
        metavar="CƠ-QUAN",
        help="Chỉ lập phiếu cho cơ quan này (dùng nhiều lần được; tên, mã hoặc tên khác, không cần dấu).",
        autocompletion=complete_agency,
        show_default=False,
    ),
]
ReplyByOption = Annotated[
    str | None,
    typer.Option(
        "--reply-by",
        metavar="NGÀY",
        help="Hạn gửi lại phiếu (mặc định: --as-of cộng reply_days của programme.yaml).",
        show_default=False,
    ),
]


def register(app: typer.Typer) -> None:
    app.command(
        "forms",
        cls=AgencyCompletion,
        help=(
            "Lập phiếu báo cáo tiến độ (Excel): mỗi cơ quan chủ trì có nhiệm vụ chưa hoàn thành nhận một phiếu "
            "liệt kê nhiệm vụ, mốc, hạn và các cột để cơ quan điền; thu lại bằng ctr199 collect."
        ),
    )(forms)


def forms(
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="THƯ-MỤC", help="Thư mục ghi các phiếu (tạo mới nếu chưa có).")
    ],
    agency: AgenciesOption = None,
    as_of: AsOfOption = None,
    reply_by: ReplyByOption = None,
    force: Annotated[bool, typer.Option("--force", help="Ghi đè phiếu đã có trong thư mục.")] = False,
    data_dir: DataOption = None,
) -> None:
    from ctr199.commands.brief import checked_programme

    day = resolve_as_of(as_of)
    if output.exists() and not output.is_dir():
        fail(f"{output} là một tệp; -o cần một thư mục")
    programme = checked_programme(resolve_data_dir(data_dir), day)
    agencies = resolve_agencies(programme, agency)
    made = make_forms(programme, day, option_date("--reply-by", reply_by), agencies)
    if not made:
        if agencies:
            names = "; ".join(chosen.name for chosen in agencies)
            typer.echo(f"{names}: không chủ trì nhiệm vụ nào chưa hoàn thành; không lập phiếu.")
        else:
            typer.echo("Không có cơ quan chủ trì nào có nhiệm vụ chưa hoàn thành; không lập phiếu.")
        return
    paths = write_forms(made, output, force=force)
    typer.echo(f"Đã lập {len(made)} phiếu báo cáo tiến độ trong {output}:")
    for form, path in zip(made, paths, strict=True):
        typer.echo(f"  {path.name}  {form.agency.name}: {len(form.rows)} dòng, hạn gửi lại {form.reply_by:%d/%m/%Y}")
    made_for = {form.agency.code for form in made}
    for chosen in agencies or []:
        if chosen.code not in made_for:
            typer.echo(f"  (không lập phiếu cho {chosen.name}: không chủ trì nhiệm vụ nào chưa hoàn thành)")


def resolve_agencies(programme: Programme, names: list[str] | None) -> list[Agency] | None:
    """The agencies `--agency` names (exit 2 on an unknown or ambiguous one), or None for all."""
    from ctr199.agencies import AgencyLookupError

    if not names:
        return None
    found = []
    for name in names:
        try:
            found.append(programme.registry.resolve(name))
        except AgencyLookupError as exc:
            fail(f"--agency: {exc}")
    return found


def make_forms(programme: Programme, day: date, reply_by: date | None, agencies: list[Agency] | None) -> list[Form]:
    from ctr199.forms import FormError, build_forms

    if programme.info is None:
        fail("thiếu programme.yaml (tên và mã chương trình); chạy ctr199 validate", EXIT_FINDINGS)
    try:
        return build_forms(programme, programme.info, day, reply_by=reply_by, agencies=agencies)
    except FormError as exc:
        fail(str(exc))


def write_forms(made: list[Form], output: Path, *, force: bool) -> list[Path]:
    """Every form into `output`; none is written if one exists without `--force` (exit 2)."""
    from ctr199.forms import render_form
    from ctr199.output import refuse_existing, write_output

    paths = [output / form.file_name for form in made]
    refuse_existing(paths, force=force)
    documents = [render_form(form) for form in made]
    output.mkdir(parents=True, exist_ok=True)
    for path, content in zip(paths, documents, strict=True):
        write_output(path, content, force=force)
    return paths
