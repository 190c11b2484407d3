"""`ctr199 remind`: reminder letters (công văn đôn đốc), one per lead agency with late or imminent tasks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ctr199.cli import AsOfOption, DataOption, fail, option_date, resolve_as_of, resolve_data_dir
from ctr199.commands._filters import AgencyCompletion, AgencyOption, make_filters
from ctr199.commands.brief import TemplateOption, checked_programme, rendered, template_for


def register(app: typer.Typer) -> None:
    app.command(
        "remind",
        cls=AgencyCompletion,
        help=(
            "Soạn công văn đôn đốc: mỗi cơ quan chủ trì có nhiệm vụ quá hạn hoặc sắp đến hạn (trong soon_days ngày "
            "của programme.yaml) nhận một công văn liệt kê nhiệm vụ và hạn báo cáo. --agency: chỉ soạn công văn "
            "cho cơ quan đó."
        ),
    )(remind)


def remind(
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="THƯ-MỤC", help="Thư mục ghi các công văn (tạo mới nếu chưa có).")
    ],
    as_of: AsOfOption = None,
    agency: AgencyOption = None,
    output_format: Annotated[str, typer.Option("--format", "-f", metavar="md|docx", help="md | docx.")] = "docx",
    template: TemplateOption = None,
    reply_by: Annotated[
        str | None,
        typer.Option(
            "--reply-by",
            metavar="NGÀY",
            help="Hạn cơ quan gửi báo cáo (mặc định: reply_days ngày sau --as-of, theo programme.yaml).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Ghi đè công văn đã có trong thư mục.")] = False,
    with_forms: Annotated[
        bool,
        typer.Option(
            "--forms", help="Kèm phiếu báo cáo tiến độ (Excel, như ctr199 forms) của mỗi cơ quan cạnh công văn."
        ),
    ] = False,
    data_dir: DataOption = None,
) -> None:
    from ctr199.brief import BriefError, build_reminders
    from ctr199.output import refuse_existing, write_output
    from ctr199.query import FilterSpec
    from ctr199.templating import Format

    day = resolve_as_of(as_of)
    if output_format.lower() not in (Format.md, Format.docx):
        fail(f'--format "{output_format}" không hợp lệ; dùng md hoặc docx')
    fmt = Format(output_format.lower())
    if output.exists() and not output.is_dir():
        fail(f"{output} là một tệp; -o cần một thư mục")
    programme = checked_programme(resolve_data_dir(data_dir), day)
    chosen = template_for("remind", fmt, template, programme)
    filters = make_filters(programme, FilterSpec(agency=agency))
    try:
        letters = build_reminders(programme, day, reply_by=option_date("--reply-by", reply_by), agency=filters.agency)
    except BriefError as exc:
        fail(str(exc))
    if not letters:
        soon = programme.identity.soon_days
        typer.echo(f"Không có cơ quan nào có nhiệm vụ quá hạn hoặc đến hạn trong {soon} ngày tới; không soạn công văn.")
        return

    paths = [output / f"{letter.file_stem}.{fmt.value}" for letter in letters]
    refuse_existing(paths, force=force)
    forms = []
    if with_forms:
        from ctr199.commands.forms import make_forms

        chosen_agencies = [a for a in programme.registry.agencies if a.code in {x.agency_code for x in letters}]
        forms = make_forms(programme, day, letters[0].reply_by_iso, chosen_agencies)
        refuse_existing([output / form.file_name for form in forms], force=force)
    documents = [rendered(chosen, letter.model_dump(mode="json")) for letter in letters]
    output.mkdir(parents=True, exist_ok=True)
    for path, content in zip(paths, documents, strict=True):
        write_output(path, content, force=force)
    typer.echo(f"Đã soạn {len(letters)} công văn đôn đốc trong {output}:")
    for letter, path in zip(letters, paths, strict=True):
        typer.echo(f"  {path.name}  {letter.agency}: {len(letter.overdue)} quá hạn, {len(letter.upcoming)} sắp đến hạn")
    if forms:
        from ctr199.commands.forms import write_forms

        for path in write_forms(forms, output, force=force):
            typer.echo(f"  {path.name}")
