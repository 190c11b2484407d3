"""One module per command; each exposes `register(app)`."""

from __future__ import annotations

import importlib

import typer

# Order is the order of `ctr199 --help`.
COMMAND_MODULES = (
    "validate",
    "overdue",
    "listing",
    "upcoming",
    "show",
    "summary",
    "agencies",
    "schema",
    "indicators",
    "indicator",
    "update",
    "new",
    "fmt",
    "changes",
    "export",
    "import_appendix",
    "brief",
    "remind",
)


def register_all(app: typer.Typer) -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"ctr199.commands.{name}").register(app)
