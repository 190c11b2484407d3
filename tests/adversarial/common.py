"""What every hostile-input test checks (the exit code, one Vietnamese line, no traceback, no file changed),
and the inputs several of them start from."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from ctr199.cli import app

from ..conftest import FIXTURES, ROOT

runner = CliRunner()
AS_OF = "2026-11-28"
# A valid task file (task 1), to be broken in various ways.
GOOD = (FIXTURES / "valid" / "minimal" / "tasks" / "001.yaml").read_text(encoding="utf-8")
# Nine levels of YAML aliases, each three times the one before: 9 × 3**8 strings if expanded.
BILLION_LAUGHS = "a: &a ['x','x','x','x','x','x','x','x','x']\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(8)
)


def invoke(*args: str, terminal: bool = False) -> Any:
    """Run the CLI in-process; any exception other than the exit itself fails the test.

    With `terminal`, output is not stripped of escape sequences as click does for a pipe.
    """
    result = runner.invoke(app, list(args), color=terminal)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result


def error_line(result: Any) -> str:
    """The one line a refused command prints on stderr ("Lỗi: …"), checked to be that one line."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Lỗi: "), result.stderr
    return str(lines[0])


def run_process(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`python -m ctr199 …` in a real process: what reaches stderr there is what staff see."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "NO_COLOR": "1"}
    env.pop("FORCE_COLOR", None)
    done = subprocess.run(
        [sys.executable, "-m", "ctr199", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def write(path: Path, content: str | bytes) -> Path:
    """Write `content` as it is: text as UTF-8, bytes untouched (to write what no editor would)."""
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path
