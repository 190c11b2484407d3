"""One module per command; each exposes `register(app)`.

A run registers only the command it was asked for: building every command's options takes
typer longer than answering `ctr199 overdue` itself. Help, completion and tests get them all.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence

import typer

# Command name → module, in the order of `ctr199 --help`.
COMMANDS = {
    "validate": "validate",
    "overdue": "overdue",
    "list": "listing",
    "upcoming": "upcoming",
    "show": "show",
    "summary": "summary",
    "scorecard": "scorecard",
    "agencies": "agencies",
    "schema": "schema",
    "deadline": "deadline",
    "indicators": "indicators",
    "indicator": "indicator",
    "update": "update",
    "done": "update",
    "extend": "extend",
    "new": "new",
    "fmt": "fmt",
    "changes": "changes",
    "export": "export",
    "import-appendix": "import_appendix",
    "init": "init",
    "brief": "brief",
    "remind": "remind",
    "forms": "forms",
    "collect": "collect",
    "merge-driver": "merge_driver",
}
COMMAND_MODULES = tuple(dict.fromkeys(COMMANDS.values()))

_registered: dict[int, set[str]] = {}


def register_all(app: typer.Typer) -> None:
    for module in COMMAND_MODULES:
        _register(app, module)


def register_for(app: typer.Typer, argv: Sequence[str]) -> None:
    """Register the command `argv` names, or every command when it names none (help, completion, a typo)."""
    invoked = next((arg for arg in argv if not arg.startswith("-")), None)
    completing = any(key.endswith("_COMPLETE") for key in os.environ)
    if invoked in COMMANDS and not completing:
        _register(app, COMMANDS[invoked])
    else:
        register_all(app)


def _register(app: typer.Typer, module: str) -> None:
    done = _registered.setdefault(id(app), set())
    if module not in done:
        importlib.import_module(f"ctr199.commands.{module}").register(app)
        done.add(module)
