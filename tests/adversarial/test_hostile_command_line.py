"""A mistyped command line: one Vietnamese line and exit 2, never click's English "Usage: … Error: …"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ROOT, tree_digest
from .common import AS_OF, error_line, invoke, run_process


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "abc", "DATA"], "Lỗi: STT: cần một số nguyên, đang là 'abc' (xem: ctr199 show --help)"),
        (["update", "0", "-s", "done", "DATA"], "Lỗi: STT: cần ≥ 1, đang là '0' (xem: ctr199 update --help)"),
        (
            ["update", "36", "-s", "done", "--milestone", "0", "DATA"],
            "Lỗi: --milestone: cần ≥ 1, đang là '0' (xem: ctr199 update --help)",
        ),
        (
            ["list", "--year", "12.5", "DATA"],
            "Lỗi: --year: cần một số nguyên, đang là '12.5' (xem: ctr199 list --help)",
        ),
        (
            ["overdue", "--format", "xml", "DATA"],
            "Lỗi: --format: không có lựa chọn 'xml'; dùng một trong: table, json, csv (xem: ctr199 overdue --help)",
        ),
        (["update", "36", "DATA"], "Lỗi: thiếu --status (xem: ctr199 update --help)"),
        (["indicator", "set"], "Lỗi: thiếu ID[.KHÓA] (xem: ctr199 indicator set --help)"),
        (["xoa-het"], "Lỗi: không có lệnh 'xoa-het' (xem: ctr199 --help)"),
        (["overdu"], "Lỗi: không có lệnh 'overdu'; có phải 'overdue'? (xem: ctr199 --help)"),
        (["indicator", "xoa"], "Lỗi: không có lệnh 'xoa' (xem: ctr199 indicator --help)"),
        (["list", "DATA", "thừa", "nữa"], "Lỗi: thừa tham số: thừa nữa (xem: ctr199 list --help)"),
        (["list", "DATA", "--agency"], "Lỗi: tùy chọn --agency cần một giá trị (xem: ctr199 --help)"),
        (["list", "DATA", "--all=có"], "Lỗi: tùy chọn --all không nhận giá trị (xem: ctr199 --help)"),
        (
            ["upcoming", "DATA", "--days", "7"],
            "Lỗi: không có tùy chọn --days; có phải --as-of, --data? (xem: ctr199 upcoming --help)",
        ),
        (
            ["list", "DATA", "--search", "a\udcffb"],
            "Lỗi: tham số 'a\ufffdb' có byte không phải UTF-8; gõ lại (terminal cần dùng UTF-8)",
        ),
        (
            ["update", "36", "DATA", "-s", "done", "--note", "\udcc3"],
            "Lỗi: tham số '\ufffd' có byte không phải UTF-8; gõ lại (terminal cần dùng UTF-8)",
        ),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_command_line_mistakes_are_one_vietnamese_line(data: Path, args: list[str], message: str) -> None:
    before = tree_digest(data)
    result = invoke(*(part for arg in args for part in (["-d", str(data)] if arg == "DATA" else [arg])))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert error_line(result) == message
    assert "Usage:" not in result.stderr and "Error:" not in result.stderr
    assert tree_digest(data) == before


def test_undecodable_bytes_in_a_real_command_line(data: Path) -> None:
    """Bytes that are not UTF-8 (a terminal set to another code page) reach Python as surrogates."""
    before = tree_digest(data)
    env_python = [sys.executable, "-m", "ctr199"]
    done = subprocess.run(
        [*env_python, "update", "36", "-s", "done", "--note", b"ho\xe0n th\xe0nh", "-d", str(data)],
        capture_output=True,
        env={"PYTHONPATH": str(ROOT / "src"), "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stdout == b""
    assert done.stderr.decode("utf-8") == (
        "Lỗi: tham số 'ho\ufffdn th\ufffdnh' có byte không phải UTF-8; gõ lại (terminal cần dùng UTF-8)\n"
    )
    assert tree_digest(data) == before


def test_help_and_version_still_exit_0(data: Path) -> None:
    assert invoke("--version").exit_code == 0
    helped = invoke("list", "--help")
    assert helped.exit_code == 0 and "--agency" in helped.stdout
    assert invoke("overdue", "-d", str(data), "--as-of", AS_OF).exit_code == 0


def test_a_closed_pipe_ends_quietly(data: Path) -> None:
    """`ctr199 list --all | head -1`: the reader goes away early; no traceback, no "Exception ignored"."""
    with subprocess.Popen(
        [sys.executable, "-m", "ctr199", "list", "--all", "-f", "json", "-d", str(data), "--as-of", AS_OF],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={"PYTHONPATH": str(ROOT / "src"), "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"},
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.read(4) == b"[\n  "
        process.stdout.close()
        stderr = process.stderr.read().decode("utf-8")
        code = process.wait(timeout=60)
    assert code in (0, 1)  # 1 when the broken pipe is noticed, 0 when all output fit in the pipe's buffer
    assert stderr == ""


def test_real_process_usage_error(data: Path) -> None:
    done = run_process("show", "abc", "-d", str(data), cwd=data)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "Lỗi: STT: cần một số nguyên, đang là 'abc' (xem: python -m ctr199 show --help)\n"


def test_no_command_opens_a_network_connection(data: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import socket

    def offline(*_: object, **__: object) -> None:
        raise AssertionError("a network connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", offline)
    monkeypatch.setattr(socket, "create_connection", offline)
    monkeypatch.setattr(socket, "getaddrinfo", offline)
    monkeypatch.chdir(tmp_path)
    for args in (
        ["validate", str(data)],
        ["overdue", "-d", str(data)],
        ["summary", "-f", "json", "-d", str(data)],
        ["indicators", "-d", str(data)],
        ["export", "-o", "ra.xlsx", "-d", str(data)],
        ["export", "-o", "lich.ics", "-d", str(data)],
        ["update", "36", "-s", "in_progress", "-d", str(data)],
        ["indicator", "set", "7", "-p", "2026-01", "-v", "39,2", "-d", str(data)],
    ):
        result = invoke(*args, "--as-of" if args[0] != "indicator" else "--date", "2026-03-31")
        assert result.exit_code == 0, (args, result.stderr)
