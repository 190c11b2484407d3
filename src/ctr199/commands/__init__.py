"""One module per command; each exposes `register(app)`."""

from __future__ import annotations

import importlib

import typer

# Order is the order of `ctr199 --help`.
COMMAND_MODULES = (
    "validate",
    "schema",
    "brief",
    "remind",
)


def register_all(app: typer.Typer) -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"ctr199.commands.{name}").register(app)
