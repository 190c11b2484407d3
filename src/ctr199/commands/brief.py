"""`ctr199 brief`: the weekly note to the leadership, as Markdown, Word or HTML."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ctr199.cli import EXIT_FINDINGS, AsOfOption, DataOption, fail, option_date, resolve_as_of, resolve_data_dir
from ctr199.commands._filters import AgencyCompletion, AgencyOption, GroupOption, make_filters

if TYPE_CHECKING:
    from datetime import date

    from ctr199.models import Agency
    from ctr199.programme import Programme
    from ctr199.templating import Format, Template

TemplateOption = Annotated[
    str | None,
    typer.Option(
        "--template",
        "-t",
        metavar="MẪU",
        help="Tên một tiêu đề văn bản trong programme.yaml (mặc định: default_letterhead, ví dụ state, party) "
        "hoặc đường dẫn tới tệp mẫu.",
    ),
]


def register(app: typer.Typer) -> None:
    app.command(
        "brief",
        cls=AgencyCompletion,
        help=(
            "Báo cáo tuần: số nhiệm vụ theo trạng thái, việc quá hạn theo cơ quan, việc sắp đến hạn, "
            "cập nhật trong kỳ, chỉ tiêu chủ yếu và kiến nghị (Markdown, Word hoặc HTML). "
            "--agency: chỉ các nhiệm vụ cơ quan đó chủ trì."
        ),
    )(brief)


def brief(
    week: Annotated[
        str | None,
        typer.Option("--week", metavar="TUẦN", help="Tuần ISO, ví dụ 2026-W48 (mặc định: tuần chứa --as-of)."),
    ] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", metavar="NGÀY", help="Ngày đầu kỳ báo cáo.", show_default=False)
    ] = None,
    date_to: Annotated[
        str | None,
        typer.Option("--to", metavar="NGÀY", help="Ngày cuối kỳ báo cáo (mặc định: --as-of).", show_default=False),
    ] = None,
    as_of: AsOfOption = None,
    agency: AgencyOption = None,
    group: GroupOption = None,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="md|docx|html",
            help="md | docx | html (mặc định: theo đuôi tệp -o, không có thì md).",
        ),
    ] = None,
    template: TemplateOption = None,
    recommendations_file: Annotated[
        Path | None, typer.Option("--recommendations-file", metavar="TỆP", help="Tệp văn bản: mỗi dòng một kiến nghị.")
    ] = None,
    recommendation: Annotated[
        list[str] | None,
        typer.Option("--recommendation", metavar="KIẾN-NGHỊ", help="Một kiến nghị (dùng nhiều lần được)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="TỆP", help="Tệp kết quả (md, html: mặc định in ra).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Ghi đè tệp kết quả đã có.")] = False,
    data_dir: DataOption = None,
) -> None:
    from ctr199.brief import BriefError, BriefRequest, choose_period, read_recommendations, weekly_brief
    from ctr199.output import check_output
    from ctr199.query import FilterSpec
    from ctr199.templating import Format

    day = resolve_as_of(as_of)
    fmt = _format(output_format, output, template)
    if output is not None:
        check_output(output, force=force)  # before the work, not only when writing
    try:
        period = choose_period(day, week=week, start=option_date("--from", date_from), end=option_date("--to", date_to))
    except BriefError as exc:
        fail(str(exc))
    programme = checked_programme(resolve_data_dir(data_dir), day)
    chosen = template_for("brief", fmt, template, programme)
    items = list(recommendation or [])
    if recommendations_file is not None:
        try:
            items = read_recommendations(recommendations_file.read_text(encoding="utf-8")) + items
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"không đọc được --recommendations-file {recommendations_file}: {exc}")
    filters = make_filters(programme, FilterSpec(agency=agency, group=group))
    request = BriefRequest(period=period, as_of=day, filters=filters, recommendations=tuple(items))
    data = weekly_brief(programme, request).model_dump(mode="json")
    if fmt is not Format.md:
        from ctr199.chart import with_chart  # draws with matplotlib: only the documents that show the chart

        data = with_chart(data, fmt)
    if fmt is Format.docx and output is None:
        output = Path.cwd() / _default_name(period.slug, filters.agency)
    emit(chosen, data, output, force=force, what="báo cáo")


def _format(given: str | None, output: Path | None, template: str | None) -> Format:
    from ctr199.templating import Format, format_of

    if given is not None:
        try:
            return Format(given.lower())
        except ValueError:
            fail(f'--format "{given}" không hợp lệ; dùng md, docx hoặc html')
    for path in (output, Path(template) if template else None):
        implied = format_of(path) if path is not None else None
        if implied is not None:
            return implied
    return Format.md


def template_for(document: str, fmt: Format, spec: str | None, programme: Programme) -> Template:
    """The `--template` to render `document` with; a template that cannot be used is a usage error."""
    from ctr199.templating import TemplateChoiceError, TemplateFailure, choose_template

    try:
        return choose_template(document, fmt, spec, programme.identity)
    except TemplateChoiceError as exc:
        fail(str(exc))
    except TemplateFailure as exc:  # the built-in templates are missing: a broken installation
        fail(str(exc), EXIT_FINDINGS)


def rendered(chosen: Template, data: dict[str, object]) -> str | bytes:
    """The document; a template that fails (undefined variable, syntax) stops with its one-line error, exit 1."""
    from ctr199.templating import TemplateFailure, render

    try:
        return render(chosen, data)
    except TemplateFailure as exc:
        fail(str(exc), EXIT_FINDINGS)


def checked_programme(root: Path, day: date) -> Programme:
    """The loaded programme; a document is never built from data that fails validation (exit 1)."""
    from ctr199.loading import for_document

    return for_document(root, as_of=day)


def _default_name(slug: str, agency: Agency | None) -> str:
    from ctr199.text import ascii_slug

    suffix = f"-{ascii_slug(agency.name, max_words=8)}" if agency is not None else ""
    return f"bao-cao-{slug}{suffix}.docx"


def emit(chosen: Template, data: dict[str, object], output: Path | None, *, force: bool, what: str) -> None:
    """Render `data` with the chosen template; print it, or write it to `output` and say where."""
    from ctr199.output import write_output

    content = rendered(chosen, data)
    if output is None:
        if isinstance(content, bytes):
            fail("định dạng docx cần -o TỆP")
        typer.echo(content, nl=not content.endswith("\n"))
        return
    write_output(output, content, force=force)
    typer.echo(f"Đã ghi {what}: {output}")
