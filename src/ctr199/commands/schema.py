"""`ctr199 schema`: JSON Schema of the data files, for editor autocompletion."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:  # the records: only when a schema is asked for, not for `ctr199 --help` or shell completion
    from ctr199.record import Record


class SchemaKind(StrEnum):
    task = "task"
    indicators = "indicators"
    agencies = "agencies"
    groups = "groups"
    programme = "programme"


def register(app: typer.Typer) -> None:
    app.command(
        "schema",
        help="In JSON Schema của tệp dữ liệu: nhiệm vụ, chỉ tiêu, cơ quan, nhóm, chương trình (cho trình soạn thảo).",
    )(schema)


def schema(
    kind: Annotated[
        SchemaKind, typer.Argument(metavar="LOẠI", help="task | indicators | agencies | groups | programme")
    ] = SchemaKind.task,
) -> None:
    import json

    typer.echo(json.dumps(json_schema(kind), ensure_ascii=False, indent=2))


def json_schema(kind: SchemaKind) -> dict[str, object]:
    from ctr199 import models

    schemas: dict[SchemaKind, type[Record]] = {
        SchemaKind.task: models.Task,
        SchemaKind.indicators: models.IndicatorsFile,
        SchemaKind.agencies: models.AgenciesFile,
        SchemaKind.groups: models.GroupsFile,
        SchemaKind.programme: models.ProgrammeFile,
    }
    model = schemas[kind]
    document: dict[str, object] = model.model_json_schema()
    document["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return document
