"""One canonical layout for the data files, so hand edits and tool edits look the same.

Canonical means: the emitter configuration of `store.roundtrip_yaml()` (2-space mappings,
list items indented under their key, one line per value), keys in the order of the models,
task keys in the order of the `Task` model (`TASK_KEY_ORDER`, and likewise inside log entries and
milestones), block-style lists and mappings, strings quoted only where YAML needs it (single quotes),
text in NFC, LF line ends and one final newline. Comments are kept. The registry, groups and
indicators files keep their authors' key order (the registry puts `generic` next to the name on purpose).

Formatting never changes what a file says: the result is re-read and compared with the
original (values and comments) before anything is written.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from ctr199.models import AgenciesFile, GroupsFile, IndicatorsFile, Task, model_in
from ctr199.record import Record
from ctr199.store import (
    AGENCIES_FILE,
    GROUPS_FILE,
    INDICATORS_FILE,
    TASKS_DIR,
    ChangedMeanwhile,
    YamlError,
    atomic_write,
    dump_roundtrip,
    iter_yaml_files,
    load_fast,
    load_roundtrip,
    read_text,
    unchanged_since_read,
)
from ctr199.text import nfc

_FILE_MODELS: dict[str, type[Record]] = {
    GROUPS_FILE: GroupsFile,
    AGENCIES_FILE: AgenciesFile,
    INDICATORS_FILE: IndicatorsFile,
}
# A leading "---" (document start) makes ruamel drop the comments above it; one document needs none.
_DOCUMENT_START = re.compile(r"\A((?:[ \t]*(?:#[^\n]*)?\n)*)---[ \t]*(?:\n|\Z)")
_DOCUMENT_END = re.compile(r"\n\.\.\.[ \t]*\n?\Z")


class FormatError(Exception):
    """A file that cannot be put in canonical layout without changing what it says."""


def model_for(path: Path) -> type[Record] | None:
    """The schema a data file follows, judged by its place; None for YAML that is not ours."""
    if path.suffix not in (".yaml", ".yml"):
        return None
    if path.parent.name == TASKS_DIR:
        return Task
    return _FILE_MODELS.get(path.name)


def yaml_string(text: str) -> str:
    """`text` (NFC) as the canonical YAML string: a literal block when multi-line, else plain.

    Plain means "quoted only where needed": the emitter (`store.roundtrip_yaml`) adds quotes.
    """
    text = nfc(str(text))  # str(): drop a ScalarString subclass and the quoting it carries
    return LiteralScalarString(text) if "\n" in text else text


def format_text(text: str, path: Path, *, key_order: type[Record] | None = None) -> str:
    """The canonical layout of one file's text, keys ordered as in `key_order`; raises `YamlError` or `FormatError`."""
    meaning = load_fast(path, text)  # also the clearest report of a broken file
    source = text.replace("\r\n", "\n")
    source = _DOCUMENT_END.sub("\n", _DOCUMENT_START.sub(r"\1", source, count=1), count=1)
    tree = load_roundtrip(path, source)
    if tree is None:
        raise FormatError("tệp rỗng; không có gì để định dạng")
    tree = _canonical(tree, key_order)
    formatted = nfc(dump_roundtrip(tree))
    formatted = formatted.rstrip("\n") + "\n"
    _verify(meaning, text, formatted, path)
    return formatted


def _canonical(node: Any, model: type[Record] | None) -> Any:
    if isinstance(node, CommentedMap):
        for index, key in enumerate(list(node)):
            if type(key) is not str and isinstance(key, str):  # a quoted key: drop the quotes
                comment = node.ca.items.pop(key, None)
                value = node.pop(key)
                node.insert(index, str(key), value)
                if comment is not None:
                    node.ca.items[str(key)] = comment
        fields = model.model_fields if model is not None else {}
        if fields:
            rank = {name: position for position, name in enumerate(fields)}
            keys = list(node)
            wanted = sorted(keys, key=lambda k: rank.get(k, len(rank)))
            if wanted != keys:
                for key in wanted:
                    node.move_to_end(key)
        for key in list(node):
            sub = model_in(fields[key].annotation) if key in fields else None
            # Plain assignment would keep a quoted string quoted (ruamel preserves the old style).
            OrderedDict.__setitem__(node, key, _canonical(node[key], sub))
        if node:
            node.fa.set_block_style()
        return node
    if isinstance(node, CommentedSeq):
        for index, item in enumerate(node):
            list.__setitem__(node, index, _canonical(item, model))
        if node:
            node.fa.set_block_style()
        return node
    if isinstance(node, str):
        return yaml_string(node)
    return node


# ---------------------------------------------------------------- never change what a file says


def _verify(meaning: Any, before: str, after: str, path: Path) -> None:
    if _nfc_deep(meaning) != load_fast(path, after):
        raise FormatError("định dạng lại sẽ đổi giá trị trong tệp; sửa tay (xem ctr199 validate)")
    if "#" not in before:
        return
    lost = _comments(before) - _comments(after)
    if lost:
        shown = next(iter(lost.elements()))
        raise FormatError(f'định dạng lại sẽ làm mất chú thích "{shown}"; chuyển chú thích lên dòng riêng rồi thử lại')


def _nfc_deep(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [_nfc_deep(item) for item in value]
    if isinstance(value, dict):
        return {_nfc_deep(k): _nfc_deep(v) for k, v in value.items()}
    return value


def _comments(text: str) -> Counter[str]:
    """The comments of a YAML text (NFC): every '#' that starts a comment, outside every token."""
    text = nfc(text)
    spans = [(token.start_mark.index, token.end_mark.index) for token in yaml.scan(text, Loader=yaml.SafeLoader)]
    found: Counter[str] = Counter()
    for match in re.finditer(r"(?:^|(?<=[ \t]))#[^\n]*", text, flags=re.MULTILINE):
        start = match.start()
        if not any(begin <= start < end for begin, end in spans):
            found[match.group(0).rstrip()] += 1
    return found


# ---------------------------------------------------------------- files


@dataclass
class FileFormat:
    """What `fmt` found for one file."""

    path: Path
    changed: bool = False
    error: str = ""
    line: int = 1
    col: int = 1


@dataclass
class FormatReport:
    files: list[FileFormat] = field(default_factory=list)

    @property
    def changed(self) -> list[FileFormat]:
        return [f for f in self.files if f.changed]

    @property
    def failed(self) -> list[FileFormat]:
        return [f for f in self.files if f.error]


def format_paths(paths: list[Path], *, write: bool) -> FormatReport:
    """Put every data file under `paths` in canonical layout (or, without `write`, say which are not).

    YAML files that are not data files (CI workflows, pre-commit configuration) are left alone.
    """
    report = FormatReport()
    for path in iter_yaml_files(paths):
        model = model_for(path)
        if model is None:
            continue
        result = FileFormat(path)
        report.files.append(result)
        try:
            text = read_text(path)
            formatted = format_text(text, path, key_order=Task if model is Task else None)
        except YamlError as exc:
            result.error, result.line, result.col = exc.message, exc.line, exc.col
            continue
        except FormatError as exc:
            result.error = str(exc)
            continue
        result.changed = formatted.encode("utf-8") != path.read_bytes()
        if result.changed and write:
            try:
                atomic_write(path, formatted, before_replace=functools.partial(unchanged_since_read, path, text))
            except ChangedMeanwhile as exc:
                result.error, result.changed = str(exc), False
    return report
