"""The shape of the code: no import cycles, core modules free of the CLI, exits only at the entry point."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "src" / "ctr199"


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Every ctr199 module each module imports, at the top or inside functions (deferred imports count)."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ctr199"):
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names if alias.name.startswith("ctr199"))
        graph[_module(path)] = found - {"ctr199"}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return cycles


def test_no_import_cycles() -> None:
    assert _cycles(_imports()) == []


def test_core_modules_know_nothing_of_the_cli() -> None:
    """typer, rich and ctr199.cli belong to the command layer (cli, usage, params, commands/) and output."""
    allowed = {"ctr199.cli", "ctr199.usage", "ctr199.params", "ctr199.output", "ctr199.__main__"}
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        module = _module(path)
        if module in allowed or module.startswith("ctr199.commands"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            offenders += [f"{module} imports {name}" for name in names if name.split(".")[0] in ("typer", "rich")]
            offenders += [f"{module} imports {name}" for name in names if name == "ctr199.cli"]
    assert offenders == []


def test_only_the_command_layer_stops_the_program() -> None:
    """Core modules raise errors that carry their exit code (`ctr199.errors`); they never exit."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        module = _module(path)
        if module in ("ctr199.cli", "ctr199.usage") or module.startswith("ctr199.commands"):
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("sys.exit(", "typer.Exit", "raise SystemExit", "fail("):
            if needle in text:
                offenders.append(f"{module}: {needle}")
    assert offenders == []
