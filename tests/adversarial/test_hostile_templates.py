"""User templates (`--template`) are untrusted: Jinja's sandbox, no file outside their folder, no Python."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..brief_helpers import W48, brief_data, run
from ..conftest import tree_digest


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        pytest.param("{% include '/etc/passwd' %}", "/etc/passwd", id="absolute-include"),
        pytest.param("{% include '../../../../../../etc/hostname' %}", "etc/hostname", id="relative-escape"),
        pytest.param("{% import '../secret.md' as s %}{{ s }}", "secret.md", id="import-escape"),
        pytest.param("{{ cycler.__init__.__globals__.os.getcwd() }}", "", id="globals"),
        pytest.param("{{ ''.__class__.__mro__[1].__subclasses__() }}", "không được phép", id="subclasses"),
        pytest.param("{{ counts.__class__.__init__.__globals__ }}", "không được phép", id="model-globals"),
        pytest.param("{{ range(10**9) | list | length }}", "", id="huge-range"),
        pytest.param("{% for x in groups %}{{ x.__dict__ }}{% endfor %}", "", id="dunder-dict"),
        pytest.param("{{ lipsum.__globals__['os'].system('touch pwned') }}", "", id="lipsum-os"),
    ],
)
def test_template_cannot_escape_the_sandbox(tmp_path: Path, body: str, fragment: str) -> None:
    root = brief_data(tmp_path)
    folder = tmp_path / "mau"
    folder.mkdir()
    (tmp_path / "secret.md").write_text("MẬT", "utf-8")
    template = folder / "bao-cao.md"
    template.write_text(body + "\n", "utf-8")
    before = tree_digest(root)
    code, output = run("brief", "-d", root, *W48, "--template", template)
    assert code == 1, output
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Lỗi: mẫu "), output
    assert fragment in lines[0]
    assert "MẬT" not in output and "root:" not in output and "<class" not in output
    assert not Path("pwned").exists() and not (tmp_path / "pwned").exists()
    assert tree_digest(root) == before
