"""Every command is documented in the README, and every finding code is explained."""

from __future__ import annotations

import re

import pytest
import typer

from ctr199.cli import app
from ctr199.report import CODES

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _command_names(application: typer.Typer, prefix: str = "") -> list[str]:
    names = [f"{prefix}{c.name}" for c in application.registered_commands if c.name]
    for group in application.registered_groups:
        if group.name and group.typer_instance is not None:
            names += _command_names(group.typer_instance, f"{prefix}{group.name} ")
    return names


COMMANDS = _command_names(app)


def test_commands_are_found() -> None:
    assert {"validate", "overdue", "list", "summary"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command: str) -> None:
    assert re.search(rf"ctr199 {re.escape(command)}\b", README), f"README does not show `ctr199 {command}`"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_vietnamese_help(command: str) -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, [*command.split(), "--help"])
    assert result.exit_code == 0
    assert re.search(r"[ăâđêôơưạảấầẩậắặẹẻẽếềểệịọỏốồổộớờởợụủứừửựỳỵỷỹ]", result.output.lower()), command


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_finding_code_is_documented(code: str) -> None:
    assert f"`{code}`" in README, f"README's table of finding codes lacks `{code}`"
