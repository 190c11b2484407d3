"""Errors that carry their exit code, so library code reports and only the CLI's entry point exits.

0 ok · 1 findings in the data or a refused edit (`DataError`) · 2 a usage error (`UsageError`).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class Ctr199Error(Exception):
    """A failure the user can act on: `message` is one Vietnamese line naming what and how to fix it."""

    exit_code = EXIT_FINDINGS

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class DataError(Ctr199Error):
    """The data cannot answer: a broken file, a document refused on invalid data (exit 1)."""

    exit_code = EXIT_FINDINGS


class UsageError(Ctr199Error):
    """The command was asked wrongly: an unknown option value, a missing folder (exit 2)."""

    exit_code = EXIT_USAGE


def error_line(message: str) -> str:
    """ "Lỗi: …", with any terminal control character in it (from a file name, say) made visible."""
    from ctr199.text import visible

    return f"Lỗi: {visible(message, one_line=True)}"
