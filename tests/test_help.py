"""Every help page is Vietnamese: headings, placeholders, notes and the texts typer and click add."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main
from typer._click.core import Command
from typer.testing import CliRunner

from ctr199.cli import app

runner = CliRunner()


def _command_paths(command: Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The root, every group and every command under it."""
    paths = [path]
    for name, sub in getattr(command, "commands", {}).items():
        paths += _command_paths(sub, (*path, name))
    return paths


COMMAND_PATHS = _command_paths(typer.main.get_command(app))

# Words a help page may show although they are not Vietnamese: option values and codes the user
# types (formats, keys), file and product names, abbreviations. Nothing else: a word of English
# prose ("Usage", "default", "required", "range", "the") must make the test fail.
ALLOWED = {
    # what the user types: command names, values of --format, --role, --template, schema's LOẠI, status keys
    *(word for path in COMMAND_PATHS for name in path for word in name.split("-")),
    *("ctr", "table", "json", "csv", "md", "docx", "html", "xlsx", "ics", "text", "github", "lead", "partner"),
    *("any", "state", "party", "task", "indicators", "agencies", "groups", "programme", "done", "open", "overdue"),
    # keys of programme.yaml that help texts name
    *("soon_days", "reply_days", "default_letterhead"),
    *("not_started", "in_progress", "on_track", "done_on_time", "done_late", "no_deadline", "b"),
    # file formats, product names, standards, keys
    *("YAML", "JSON", "Schema", "CSV", "HTML", "UTF", "ISO", "TAB", "Tab", "HEAD", "diff", "git"),
    *("Word", "Excel", "Markdown", "GitHub", "Actions"),
    # abbreviations of Vietnamese terms and document symbols; placeholders in examples and formats
    *(
        "STT",
        "ID",
        "UBND",
        "XD",
        "SXD",
        "NQ",
        "BC",
        "TW",
        "QH",
        "YYYY",
        "MM",
        "DD",
        "yyyy",
        "mm",
        "dd",
        "K",
        "N",
        "Q",
        "H",
        "M",
        "W",
    ),
}
# English words that happen to be spelled like a Vietnamese syllable without accents.
ENGLISH_LOOKALIKES = {
    *("the", "to", "an", "on", "no", "go", "he", "me", "be", "by", "then", "than", "them"),
    *("can", "man", "may", "say", "day", "pay", "thin", "ten", "men"),
}
_ONSET = "(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?"
# Vietnamese rhymes written with plain letters (level tone: a syllable ending in p, t, c or ch
# always carries a tone mark, so it is never plain ASCII).
_RHYME = (
    "a|ai|ao|au|ay|am|an|ang|anh|e|eo|em|en|eng|i|ia|iu|im|in|inh|o|oi|om|on|ong|oong|oa|oai|oay|oam|oan"
    "|oang|oanh|oao|oe|oeo|oen|u|ua|ui|um|un|ung|uy|uya|uyu|uyn|uynh|y"
)
_PLAIN_SYLLABLE = re.compile(f"{_ONSET}(?:{_RHYME})")
# Not words: option names, environment variables, file and folder names, dates and symbols.
_NOT_WORDS = re.compile(
    r"(?<![\w-])--?[A-Za-z][\w-]*"  # --as-of, -h
    r"|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b"  # CTR199_DATA
    r"|[\w.-]*\.(?:yaml|docx|doc|xlsx|ics|txt|md|html)\b"  # groups.yaml, .docx
    r"|\b\w+/"  # data/, tasks/
    r"|%[A-Z]\b"  # git's placeholders: %O %A %B
    r"|\.git\w+"  # .gitattributes
)
_WORD = re.compile(r"[^\W\d_]+(?:_[^\W\d_]+)*")


def foreign_words(text: str) -> list[str]:
    """The words of `text` that are neither Vietnamese nor allowed."""
    text = re.sub(r"-\n\s*", "-", text)  # a word the wrapper broke after its hyphen ("--as-\n  of")
    found = []
    for word in _WORD.findall(_NOT_WORDS.sub(" ", text)):
        lower = word.lower()
        if not word.isascii() or word in ALLOWED:
            continue
        if lower in ENGLISH_LOOKALIKES or not _PLAIN_SYLLABLE.fullmatch(lower):
            found.append(word)
    return found


def test_the_checker_finds_what_click_and_typer_write_in_english() -> None:
    english = (
        "Usage: ctr199 list [OPTIONS] COMMAND [ARGS]...\nOptions:\n  --as-of <str>  [default: table; x>=0; required]\n"
        "Arguments:\nCommands:\n  -h, --help  Show this message and exit.\n  [env var: CTR199_DATA] <int range> "
        "TEXT INTEGER PATH FILE Install completion for the current shell. Did you mean"
    )
    assert set(foreign_words(english)) >= {
        *("Usage", "OPTIONS", "COMMAND", "ARGS", "Options", "str", "default", "x", "required", "Arguments"),
        *("Commands", "Show", "this", "message", "and", "exit", "env", "var", "int", "range", "TEXT"),
        *("INTEGER", "PATH", "FILE", "Install", "completion", "for", "the", "current", "shell", "Did", "you"),
    }
    vietnamese = "Cách dùng: ctr199 list [TÙY-CHỌN]\n  --as-of NGÀY  Ngày đối chiếu (mặc định: hôm nay); gõ so xay dung"
    assert foreign_words(vietnamese) == []


@pytest.mark.parametrize("path", COMMAND_PATHS, ids=lambda path: " ".join(path) or "ctr199")
def test_help_is_vietnamese(path: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Cách dùng: ctr199 {' '.join(path)}".rstrip() + " [TÙY-CHỌN]")
    assert "Tùy chọn:\n" in result.output
    assert foreign_words(result.output) == [], result.output


def test_help_notes_and_placeholders() -> None:
    output = runner.invoke(app, ["validate", "--help"]).output
    assert "Tham số:\n  THƯ-MỤC  Thư mục dữ liệu" in output
    assert "--as-of NGÀY" in output
    assert re.search(r"--limit SỐ-DÒNG .*\[mặc định: 200; ≥ 0\]", " ".join(output.split()))
    assert "-h, --help" in output and "In hướng dẫn này rồi thoát." in output
    output = " ".join(runner.invoke(app, ["update", "--help"]).output.split())
    assert "Cách dùng: ctr199 update [TÙY-CHỌN] {STT}" in output
    assert "[≥ 1; bắt buộc]" in output
    output = " ".join(runner.invoke(app, ["list", "--help"]).output.split())
    assert "[biến môi trường: CTR199_DATA]" in output and "-f, --format table|json|csv" in output
    output = runner.invoke(app, ["--help"]).output
    assert "Cách dùng: ctr199 [TÙY-CHỌN] LỆNH [THAM-SỐ]..." in output and "\nLệnh:\n" in output


def test_install_completion_says_what_it_did_in_vietnamese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import typer._completion_shared

    monkeypatch.setattr(typer._completion_shared, "_get_shell_name", lambda: "bash")  # whatever runs the tests
    result = runner.invoke(app, ["--install-completion"], env={"HOME": str(tmp_path)})
    assert result.exit_code == 0, result.output
    script = tmp_path / ".bash_completions" / "ctr199.sh"
    assert (
        result.output == f"Đã cài tự hoàn thành lệnh cho bash vào {script}; mở lại cửa sổ dòng lệnh để bắt đầu dùng.\n"
    )
    assert script.is_file()


def test_a_missing_subcommand_is_one_vietnamese_line() -> None:
    from typer._click import exceptions as click_errors

    from ctr199.usage import usage_message

    assert usage_message(click_errors.UsageError("Missing command.")) == "thiếu lệnh (xem: ctr199 --help)"


@pytest.mark.parametrize(
    ("command", "wording"),
    [
        ("overdue", "quá hạn lâu nhất xếp trước"),
        ("upcoming", "gần hạn nhất xếp trước"),
        ("list", "Lặp lại hoặc phân cách bằng dấu phẩy"),
        ("list", '"Chưa hoàn thành quá hạn" / overdue'),
        ("fmt", "dấu nháy"),
        ("changes", "Markdown cho báo cáo tuần"),
        ("indicator set", "--date NGÀY"),
    ],
)
def test_help_wording(command: str, wording: str) -> None:
    output = " ".join(runner.invoke(app, [*command.split(), "--help"]).output.split())
    assert wording in output
    assert "--as-of" not in output or command != "indicator set"
