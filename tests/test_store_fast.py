"""The quick YAML reader gives exactly what PyYAML's safe loader (with our refusals) gives, faster."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from ctr199.models import Task
from ctr199.store import (
    YamlError,
    _safe_loader,
    load_fast,
    load_fast_located,
    load_roundtrip,
    locate,
    locate_node,
    refuse_conflict_markers,
    yaml_error,
)
from ctr199.store import render_task as render

from .conftest import FIXTURES, SHIPPED

_SNIPPETS = {
    "plain": "a: 1\nb: [x, 'y', \"z\"]\nc: {d: 2026-06-30, e: null, f: true, g: 1.5}\n",
    "merge-key": "base: {a: 1}\nother:\n  <<: {a: 2, b: 3}\n  c: 4\n",
    "set": "s: !!set {a: null, b: null}\n",
    "omap": "o: !!omap [a: 1, b: 2]\n",
    "binary": "b: !!binary aGVsbG8=\n",
    "explicit-str": "n: !!str 12\n",
    "python-tag": "x: !!python/object/apply:os.system ['true']\n",
    "duplicate-nested-first": "a:\n  x: 1\n  x: 2\nb: 1\nb: 2\n",
    "duplicate-top": "a: 1\na: 2\n",
    "duplicate-after-normalising": "1: a\n0x1: b\n",
    "complex-key": "? [a, b]\n: 1\n",
    "anchor": "a: &x 1\nb: *x\n",
    "undefined-alias": "a: *x\n",
    "ampersand-in-text": "name: Sở NN&MT\nnote: 5 * 3\n",
    "empty": "",
    "comment-only": "# nothing\n",
    "scalar-document": "just text\n",
    "list-document": "- 1\n- 2\n",
    "timestamp": "t: 2026-06-30 10:00:00\n",
    "deep": "a: " + "[" * 60 + "]" * 60 + "\n",
}


def _outcome(load: Any, text: str, path: Path) -> Any:
    try:
        return ("ok", load(text, path))
    except YamlError as exc:
        return ("error", exc.code, exc.line, exc.col, exc.message)


def _reference(text: str, path: Path) -> Any:
    """PyYAML's safe loader with our refusals, building every value the PyYAML way."""
    refuse_conflict_markers(path, text)  # on the raw text, before any YAML
    try:
        return yaml.load(text, Loader=_safe_loader())
    except (yaml.YAMLError, RecursionError) as exc:
        raise yaml_error(path, text, exc) from None


@pytest.mark.parametrize("name", sorted(_SNIPPETS))
def test_quick_reader_matches_safe_loader(name: str, tmp_path: Path) -> None:
    text = _SNIPPETS[name]
    path = tmp_path / "x.yaml"
    fast = _outcome(lambda t, p: load_fast(p, t), text, path)
    reference = _outcome(lambda t, p: _reference(t, p), text, path)
    assert fast == reference


def test_quick_reader_matches_on_every_data_and_fixture_file() -> None:
    files = [*SHIPPED.rglob("*.yaml"), *FIXTURES.rglob("*.yaml")]
    assert len(files) > 100
    for path in files:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        assert _outcome(lambda t, p: load_fast(p, t), text, path) == _outcome(_reference, text, path), path


def test_refusals_keep_their_positions(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    with pytest.raises(YamlError) as duplicate:
        load_fast(path, _SNIPPETS["duplicate-nested-first"])
    # Keys of a mapping are checked before its values, as PyYAML's loader does.
    assert (duplicate.value.line, duplicate.value.col, duplicate.value.code) == (5, 1, "yaml-unsafe")
    assert 'khóa "b" bị lặp (lần đầu ở dòng 4)' in duplicate.value.message
    with pytest.raises(YamlError) as alias:
        load_fast(path, _SNIPPETS["anchor"])
    assert alias.value.code == "yaml-unsafe" and "neo/bí danh" in alias.value.message
    assert load_fast(path, _SNIPPETS["ampersand-in-text"]) == {"name": "Sở NN&MT", "note": "5 * 3"}


def test_node_positions_match_round_trip_positions() -> None:
    """Findings are located from the quick reader's nodes; they point where ruamel's positions did."""
    checked = 0
    for path in [*SHIPPED.rglob("*.yaml"), *(FIXTURES / "valid").rglob("*.yaml")]:
        data, nodes = load_fast_located(path)
        tree = load_roundtrip(path)
        for loc in _locations(data):
            for at_key in (False, True):
                fast = locate_node(nodes, loc, at_key=at_key)
                if _empty_value(data, loc):
                    # An empty `key:` has no text of its own: point at its key (ruamel points at the next line).
                    assert fast == locate(tree, loc, at_key=True)
                else:
                    assert fast == locate(tree, loc, at_key=at_key), (path, loc, at_key)
                checked += 1
    assert checked > 5000


def _locations(data: Any, prefix: tuple[Any, ...] = ()) -> Any:
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _locations(value, (*prefix, key))
        yield (*prefix, "no-such-key")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _locations(value, (*prefix, index))
        yield (*prefix, len(data))


def _empty_value(data: Any, loc: tuple[Any, ...]) -> bool:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return False
    return data is None


def test_rendered_task_never_uses_aliases() -> None:
    """One date object used twice must be written twice: the reader refuses anchors and aliases."""
    day = date(2026, 5, 20)
    task = Task.model_validate(
        {
            "id": 1,
            "group": 1,
            "title": "Nhiệm vụ",
            "status": "done",
            "completed_on": day,
            "log": [{"date": day, "status": "done"}],
        }
    )
    text = render(task)
    assert "&" not in text and "*" not in text
    assert Task.model_validate(load_fast(Path("001.yaml"), text)) == task


# Plain scalars on either side of every implicit resolver of YAML 1.1 (null, bool, int, float,
# timestamp, merge, value), and ordinary texts.
_SCALARS = (
    "", "~", "null", "Null", "NULL", "nULL", "yes", "Yes", "NO", "on", "Off", "true", "False", "y", "n",
    "0", "-1", "+12", "0x1F", "0o17", "017", "09", "0b101", "1_000", "12:30", "190:20:30", "1.5", ".5", "1e3",
    "1.0e+3", "6.8523015e+5", "685_230.15", ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "2026-03-15", "2026-3-5",
    "2026-03-15 10:00:00", "2026-03-15t10:00:00Z", "2026-02-30", "<<", "=", "-", "+", ".", "abc", "Sở Xây dựng",
    "Quý II/2026", "30/06/2026", "1/2", "#", "0.", "-0", "1:2:3.5",
)  # fmt: skip


def _tags(node: Any) -> Any:
    if isinstance(node, yaml.MappingNode):
        return (node.tag, [(_tags(key), _tags(value)) for key, value in node.value])
    if isinstance(node, yaml.SequenceNode):
        return (node.tag, [_tags(item) for item in node.value])
    return (node.tag, node.value)


@pytest.mark.parametrize("value", _SCALARS)
def test_tags_are_resolved_as_pyyaml_resolves_them(value: str) -> None:
    """`_resolve_in_one_call` gives every node the tag PyYAML's own resolver gives it."""
    text = f"a: {value}\nb: [{value}, '{value}', !!str {value}]\n{value or 'c'}: {{x: {value}}}\n"
    try:
        expected = _tags(yaml.compose(text, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        with pytest.raises(yaml.YAMLError):
            yaml.compose(text, Loader=_safe_loader())
        return
    assert _tags(yaml.compose(text, Loader=_safe_loader())) == expected
    assert _safe_loader().resolve is not yaml.CSafeLoader.resolve  # the one-call resolver is in use
