"""Reading and writing the YAML data files.

Two readers on purpose: a fast safe one (libyaml through PyYAML) for every run, and
ruamel.yaml's round-trip reader, which knows where each node sits, for locating errors
and for edits that must leave untouched lines byte-identical.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import io
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ctr199.models import TASK_KEY_ORDER, Group, Task, UnreadDate, date_problem

if TYPE_CHECKING:
    from ruamel.yaml import YAML

# PyYAML and ruamel.yaml are imported where they are used: a run answered from the cache needs neither.

MAX_FILE_BYTES = 1_000_000
TASKS_DIR = "tasks"
GROUPS_FILE = "groups.yaml"
AGENCIES_FILE = "agencies.yaml"
INDICATORS_FILE = "indicators.yaml"
PROGRAMME_FILE = "programme.yaml"


class YamlError(Exception):
    """A file that cannot be read as safe YAML; carries its position (1-based)."""

    def __init__(self, path: Path, message: str, line: int = 1, col: int = 1, code: str = "yaml-syntax"):
        super().__init__(message)
        self.path = path
        self.message = message
        self.line = line
        self.col = col
        self.code = code


class DataDir(NamedTuple):
    """Where the programme's files live."""

    root: Path

    @property
    def tasks(self) -> Path:
        return self.root / TASKS_DIR

    @property
    def groups(self) -> Path:
        return self.root / GROUPS_FILE

    @property
    def agencies(self) -> Path:
        return self.root / AGENCIES_FILE

    @property
    def indicators(self) -> Path:
        return self.root / INDICATORS_FILE

    @property
    def programme(self) -> Path:
        return self.root / PROGRAMME_FILE

    def task_files(self) -> list[Path]:
        return [path for path, _ in self.task_files_stat()]

    def task_files_stat(self) -> list[tuple[Path, os.stat_result]]:
        """The task files, sorted by name, each with its `stat` (which callers need anyway, e.g. the cache)."""
        return [(self.tasks / name, info) for name, info in self.task_names_stat()]

    def task_names_stat(self) -> list[tuple[str, os.stat_result]]:
        """The names of the task files, sorted, each with its `stat`: for a load of many files, which
        makes each file's `Path` only when it needs it."""
        try:
            names = os.listdir(self.tasks)  # noqa: PTH208 (names, not 10,000 Path objects)
        except (FileNotFoundError, NotADirectoryError):
            return []
        found = []
        with _directory(self.tasks) as stat_in_dir:
            for name in names:
                dot = name.rfind(".")
                if dot > 0 and name[dot:] in (".yaml", ".yml"):  # as Path.suffix: ".yaml" alone has none
                    try:
                        info = stat_in_dir(name)
                    except OSError:
                        continue
                    if stat.S_ISREG(info.st_mode):
                        found.append((name, info))
        found.sort(key=lambda item: item[0])
        return found

    def task_path(self, task_id: int) -> Path:
        return self.tasks / f"{task_id:03d}.yaml"


@contextlib.contextmanager
def _directory(folder: Path) -> Iterator[Callable[[str], os.stat_result]]:
    """`stat` of names inside `folder`: relative to an open folder where the system allows it,
    which spares building and resolving ten thousand full paths."""
    if os.stat not in os.supports_dir_fd:
        yield lambda name: (folder / name).stat()
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        yield lambda name: os.stat(name, dir_fd=fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------- fast safe reading

_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
# Scalars built by PyYAML's safe constructors; any other tag takes the general (slower) path.
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_PLAIN_SCALAR_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp"))


@functools.cache
def _safe_loader() -> Any:
    """The loader class, made on first use so that runs answered from the cache never import PyYAML."""
    import yaml

    class SafeLoader(yaml.CSafeLoader):  # libyaml's parser, Python construction
        """Safe loader that also refuses duplicate keys and anchors/aliases.

        Data files never need aliases, and refusing them closes the "billion laughs"
        expansion before anything is built.
        """

        def construct_document(self, node: yaml.Node) -> Any:
            _refuse_shared_nodes(node)
            return super().construct_document(node)

        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
            seen: dict[Any, yaml.Node] = {}
            for key_node, _ in node.value:
                _check_key(seen, self.construct_object(key_node, deep=True), key_node)
            return super().construct_mapping(node, deep)

        def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
            """A date as YAML reads it; one that is no date (2026-02-30) or has a time of day is kept as written.

            Data files hold days only: the checks then name the value as the file has it.
            """
            if len(node.value) > len("2026-03-15"):  # a time follows the day
                return UnreadDate(node.value)
            try:
                return super().construct_yaml_timestamp(node)
            except ValueError:
                return UnreadDate(node.value)

    SafeLoader.add_constructor(_TIMESTAMP_TAG, SafeLoader.construct_yaml_timestamp)
    if not SafeLoader.yaml_path_resolvers:
        _resolve_in_one_call(SafeLoader)
    return SafeLoader


def _resolve_in_one_call(loader: Any) -> None:
    """PyYAML's tag resolution for `loader`, in one Python call per node instead of three.

    libyaml composes the nodes but asks Python for every node's tag: `descend_resolver`,
    `resolve`, `ascend_resolver` — ~400,000 calls for 10,000 task files, a fifth of their parse.
    Without path resolvers (none is registered: checked by the caller) the first and the last do
    nothing, and `resolve` is PyYAML's own rule: a plain scalar gets the tag of the first implicit
    resolver for its first character (then those for any character) whose pattern matches, any
    other node its kind's default tag. The resolvers are listed once here per first character
    (`tests/test_store_fast.py` compares the tags with PyYAML's on every resolver's values).
    """
    import yaml

    table = loader.yaml_implicit_resolvers
    anywhere = table.get(None, [])
    by_first = {first: [*resolvers, *anywhere] for first, resolvers in table.items() if first is not None}
    scalar, default_scalar = yaml.ScalarNode, loader.DEFAULT_SCALAR_TAG
    defaults = {yaml.SequenceNode: loader.DEFAULT_SEQUENCE_TAG, yaml.MappingNode: loader.DEFAULT_MAPPING_TAG}

    def resolve(self: Any, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is scalar:
            if implicit[0]:
                for tag, pattern in by_first.get(value[:1], anywhere):
                    if pattern.match(value):
                        return tag
            return default_scalar
        return defaults[kind]

    def nothing(self: Any, *_: Any) -> None:
        return None

    loader.resolve = resolve
    loader.descend_resolver = loader.ascend_resolver = nothing


def _unsafe(message: str, node: Any) -> Exception:
    import yaml

    return yaml.constructor.ConstructorError(None, None, message, node.start_mark)


def _check_key(seen: dict[Any, Any], key: Any, key_node: Any) -> None:
    try:
        duplicate = key in seen
    except TypeError:
        raise _unsafe("khóa không hợp lệ (không phải giá trị đơn)", key_node) from None
    if duplicate:
        first = seen[key].start_mark.line + 1
        raise _unsafe(f'khóa "{key}" bị lặp (lần đầu ở dòng {first}); giữ một lần', key_node)
    seen[key] = key_node


_NO_ALIASES = "không dùng neo/bí danh YAML (&, *) trong tệp dữ liệu; viết giá trị trực tiếp"
MAX_DEPTH = 32  # task files nest 4 levels; anything far deeper is hostile or broken


def _refuse_shared_nodes(root: Any) -> None:
    import yaml

    seen: set[int] = set()
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise _unsafe(_NO_ALIASES, node)
        if depth > MAX_DEPTH:
            raise _unsafe(f"cấu trúc lồng nhau quá sâu (quá {MAX_DEPTH} cấp)", node)
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend(((key, depth + 1), (value, depth + 1)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)


class _Unusual(Exception):
    """A node the quick builder leaves to PyYAML's constructors (a tag other than plain data)."""


class _Builder:
    """Python data of a composed document, as the safe loader would build it, but faster.

    PyYAML builds every value through several Python calls; plain strings, lists and
    mappings (nearly all of a data file) need none of that. (A class rather than a nested
    function: a recursive closure is a reference cycle, and loading runs with the collector paused.)
    """

    def __init__(self, loader: Any):
        import yaml

        self.loader = loader
        self.constructors = loader.yaml_constructors
        self.scalar, self.sequence = yaml.ScalarNode, yaml.SequenceNode

    def build(self, node: Any, depth: int = 1) -> Any:
        if depth > MAX_DEPTH:
            raise _unsafe(f"cấu trúc lồng nhau quá sâu (quá {MAX_DEPTH} cấp)", node)
        kind = node.__class__
        tag = node.tag
        if kind is self.scalar:
            if tag == _STR_TAG:
                return node.value
            if tag not in _PLAIN_SCALAR_TAGS:
                raise _Unusual
            return self.constructors[tag](self.loader, node)
        if kind is self.sequence:
            if tag != _SEQ_TAG:
                raise _Unusual
            return [self.build(item, depth + 1) for item in node.value]
        if tag != _MAP_TAG:
            raise _Unusual
        seen: dict[Any, Any] = {}
        keys = []
        for key_node, _ in node.value:  # every key first, as the safe loader checks them
            if key_node.__class__ is not self.scalar or key_node.tag not in _KEY_TAGS:
                raise _Unusual  # merge keys (<<), complex keys: PyYAML's rules apply
            key = self.build(key_node, depth + 1)
            _check_key(seen, key, key_node)
            keys.append(key)
        return {key: self.build(value, depth + 1) for key, (_, value) in zip(keys, node.value, strict=True)}


_KEY_TAGS = frozenset({_STR_TAG, *_PLAIN_SCALAR_TAGS})


def _read_capped(path: Path) -> bytes:
    """The file's bytes, at most one more than MAX_FILE_BYTES (enough to know it is too large).

    `os.read` rather than `Path.read_bytes`: a third of the time for 10,000 small files (no buffered
    file object, no size query first), and a file of gigabytes is never read whole.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        chunks = []
        left = MAX_FILE_BYTES + 1
        while left > 0:
            chunk = os.read(fd, left)
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: Path) -> str:
    """The file as text: UTF-8 (a BOM is tolerated), size-capped, with a located error otherwise."""
    try:
        raw = _read_capped(path)
        if len(raw) > MAX_FILE_BYTES:
            size = path.stat().st_size  # what was read stops one byte past the limit
            shown = f"{size:,} byte" if size > MAX_FILE_BYTES else f"hơn {MAX_FILE_BYTES:,} byte"
            raise YamlError(path, f"tệp quá lớn ({shown}; tối đa {MAX_FILE_BYTES:,})", code="file-shape")
    except OSError as exc:
        raise YamlError(path, f"không đọc được tệp: {exc.strerror or exc}", code="file-shape") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlError(
            path,
            f"byte 0x{raw[exc.start]:02x} không phải UTF-8; "
            "lưu lại tệp với mã hóa UTF-8 (không dùng Windows-1258/Latin-1)",
            line,
            col,
            "yaml-encoding",
        ) from None


# ---------------------------------------------------------------- git merge conflicts

_CONFLICT_MARKERS = ("<<<<<<<", "=======", ">>>>>>>", "|||||||")


def refuse_conflict_markers(path: Path, text: str) -> None:
    """Raise a `merge-conflict` `YamlError` when `text` still holds git's conflict markers.

    Checked on the raw text, before YAML: markers inside a quoted or block value parse as text
    and would pass unseen. Only a line *beginning* with a marker counts, as git writes them.
    """
    if not ("<<<<<<<" in text or ">>>>>>>" in text or "\n=======" in text or text.startswith("=======")):
        return
    spans = conflict_spans(text)
    if not spans:
        return
    shown = ", ".join(f"{first}–{last}" if last != first else f"{first}" for first, last in spans)
    raise YamlError(
        path,
        f"còn dấu xung đột git (dòng {shown}) chưa giải quyết: giữ một bên, xóa các dòng <<<<<<<, ======= và >>>>>>> "
        "(hoặc git checkout --ours/--theirs tệp này), rồi chạy ctr199 validate",
        spans[0][0],
        1,
        "merge-conflict",
    )


def conflict_spans(text: str) -> list[tuple[int, int]]:
    """The (first, last) line numbers (1-based) of each conflict: from `<<<<<<<` to its `>>>>>>>`.

    A marker outside such a block (a half-deleted conflict) is a span of its own line.
    """
    spans: list[tuple[int, int]] = []
    start: int | None = None
    last = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.startswith(_CONFLICT_MARKERS):
            continue
        if line.startswith("<<<<<<<"):
            if start is not None:  # a new conflict before the last one closed
                spans.append((start, last))
            start = number
        elif line.startswith(">>>>>>>"):
            spans.append((start if start is not None else number, number))
            start = None
        elif start is None:
            spans.append((number, number))
        last = number
    if start is not None:
        spans.append((start, last))
    return spans


def load_fast(path: Path, text: str | None = None) -> Any:
    """Parse one file with the fast safe loader; raise `YamlError` with the position."""
    return load_fast_located(path, text)[0]


def load_fast_located(path: Path, text: str | None = None) -> tuple[Any, Any]:
    """Like `load_fast`, also returning the document's node tree (None for an empty file).

    The nodes carry line and column marks, so findings are located without parsing again.
    """
    import yaml

    text = read_text(path) if text is None else text
    refuse_conflict_markers(path, text)
    loader = _safe_loader()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        if "&" in text or "*" in text:  # without these characters there can be no anchor or alias
            _refuse_shared_nodes(node)  # (the builder below checks the depth of the others)
        try:
            return _Builder(loader).build(node), node
        except _Unusual:
            return loader.construct_document(node), node
    except (yaml.YAMLError, RecursionError) as exc:
        raise yaml_error(path, text, exc) from None
    finally:
        loader.dispose()


def yaml_error(path: Path, text: str, exc: Exception) -> YamlError:
    """What PyYAML's error means for the user, located."""
    import yaml

    if isinstance(exc, RecursionError):
        return YamlError(path, "cấu trúc lồng nhau quá sâu", code="file-shape")
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        # An unclosed [ or { shows up lines later, where the next key is; the message says "[ opened here".
        unclosed = "did not find expected ','" in (exc.problem or "")
        if exc.context_mark is not None and (unclosed or mark is None or mark.line > text.rstrip().count("\n")):
            mark = exc.context_mark  # the error surfaced later: point at where the open quote/bracket began
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return YamlError(path, _yaml_message(exc, text, mark), line, col, _yaml_code(exc))
    return YamlError(path, f"YAML không hợp lệ: {exc}")


def locate_node(root: Any, loc: tuple[str | int, ...], *, at_key: bool = False) -> tuple[int, int]:
    """1-based line and column of the node at `loc` in a tree from `load_fast_located`.

    Same answers as `locate` on a round-trip tree: a mapping entry points at its key, a plain
    value at itself, a missing step at its nearest existing parent.
    """
    import yaml

    line, col = 1, 1
    node = root
    for depth, part in enumerate(loc):
        if isinstance(node, yaml.MappingNode):
            found = next((pair for pair in node.value if _is_key(pair[0], part)), None)
            if found is None:
                break
            key, value = found
            line, col = key.start_mark.line + 1, key.start_mark.column + 1
            last_key = at_key and depth == len(loc) - 1
            written = value.end_mark.index > value.start_mark.index  # not an empty `key:`
            if not last_key and isinstance(value, yaml.ScalarNode) and written:
                line, col = value.start_mark.line + 1, value.start_mark.column + 1
            node = value
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
        else:
            break
    return line, col


def _node_at(root: Any, loc: tuple[str | int, ...]) -> Any:
    """The node at `loc` in a tree from `load_fast_located`, or None."""
    import yaml

    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((value for key, value in node.value if _is_key(key, part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            return None
    return node


def scalar_at(root: Any, loc: tuple[str | int, ...]) -> str | None:
    """The text of the plain value at `loc` in a tree from `load_fast_located`, as the file writes it (or None)."""
    import yaml

    node = _node_at(root, loc)
    return node.value if isinstance(node, yaml.ScalarNode) else None


def locate_in_scalar(root: Any, loc: tuple[str | int, ...], offset: int, text: str) -> tuple[int, int]:
    """1-based line and column of character `offset` of the string value at `loc`.

    Exact for a value written on one line, plain or quoted (without backslash escapes); any other
    value (a block scalar, a folded line, escapes) gives the value's own start, as `locate_node`.
    """
    import yaml

    line, col = locate_node(root, loc)
    node = _node_at(root, loc)
    if not isinstance(node, yaml.ScalarNode) or node.start_mark.line != node.end_mark.line:
        return line, col
    raw = text[node.start_mark.index : node.end_mark.index]
    shift = _raw_shift(raw, node.style, node.value, offset)
    return (line, col + shift) if shift is not None else (line, col)


def _raw_shift(raw: str, style: str | None, value: str, offset: int) -> int | None:
    """Characters from the start of `raw` (a scalar as written) to character `offset` of its `value`."""
    if not 0 <= offset <= len(value):
        return None
    if not style:  # plain: None from PyYAML's Python loader, "" from its C loader
        return offset if raw == value else None
    if style == '"':
        return 1 + offset if "\\" not in raw and raw[1:-1] == value else None
    if style == "'":
        inner = raw[1:-1]
        if inner.replace("''", "'") != value:
            return None
        position = read = 0
        while read < offset:
            position += 2 if inner.startswith("''", position) else 1
            read += 1
        return 1 + position
    return None


def _is_key(node: Any, part: str | int) -> bool:
    return getattr(node, "value", None) == (part if isinstance(part, str) else str(part))


def _yaml_code(exc: Any) -> str:
    import yaml

    return "yaml-unsafe" if isinstance(exc, yaml.constructor.ConstructorError) else "yaml-syntax"


_SYNTAX_HINTS = (
    ("end of stream", "quoted scalar", "dấu nháy mở ở đây nhưng không đóng; thêm dấu nháy đóng cuối chuỗi"),
    ("did not find expected ',' or ']'", "", "dấu [ mở ở đây nhưng không đóng (hoặc thiếu dấu phẩy)"),
    ("did not find expected ',' or '}'", "", "dấu { mở ở đây nhưng không đóng (hoặc thiếu dấu phẩy)"),
    ("mapping values are not allowed", "", "dấu ':' không hợp lệ ở đây; đặt cả giá trị trong dấu nháy kép \"…\""),
    ("could not find expected ':'", "", "thiếu dấu ':' sau tên trường"),
    ("did not find expected key", "", "thụt lề không khớp với các dòng trên"),
    ("did not find expected '-'", "", "thụt lề của danh sách không khớp"),
    ("found undefined alias", "", "không dùng bí danh YAML (*) trong tệp dữ liệu"),
)


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    return lines[line][column : column + 1] if 0 <= line < len(lines) else ""


def _yaml_message(exc: Any, text: str, mark: Any) -> str:
    import yaml

    problem = exc.problem or ""
    if "could not determine a constructor for the tag" in problem:
        tag = problem.split("tag", 1)[1].strip(" '")
        return f"thẻ YAML {tag} không được phép (chỉ dùng YAML thuần: chuỗi, số, ngày, danh sách, bảng)"
    if mark is not None and _char_at(text, mark.line, mark.column) == "\t":
        return "có ký tự TAB; YAML chỉ dùng dấu cách để thụt lề — thay TAB bằng dấu cách"
    if isinstance(exc, yaml.constructor.ConstructorError):
        return problem
    for needle, context, hint in _SYNTAX_HINTS:
        if needle in problem and context in (exc.context or ""):
            return f"YAML sai cú pháp: {hint}"
    context = f"{exc.context}, " if exc.context else ""
    return f"YAML sai cú pháp: {context}{problem}".rstrip(", ")


# ---------------------------------------------------------------- round trip and positions


def roundtrip_yaml() -> YAML:
    """The one YAML emitter configuration: what `fmt` and every edit write."""
    from ruamel.yaml import YAML

    rt = YAML(typ="rt")
    rt.Constructor = _roundtrip_constructor()
    rt.preserve_quotes = True
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 4096  # long Vietnamese sentences stay on one line, so diffs show whole cells
    rt.allow_unicode = True
    rt.representer.add_representer(Decimal, _represent_decimal)
    rt.representer.add_representer(str, _represent_str)
    # One date object written twice (`completed_on` and its log entry) must not become an &anchor/*alias:
    # data files refuse aliases. Collections keep ruamel's own rule, which also decides how None is
    # written (an empty value, as the shipped files have it, needs ruamel's record of represented objects).
    keeps_alias = rt.representer.ignore_aliases
    rt.representer.ignore_aliases = lambda data: not isinstance(data, dict | list) or keeps_alias(data)
    return rt


class _NoDate(Exception):
    """A plain value shaped like a date that is none (2026-02-30), met by the round-trip reader."""

    def __init__(self, node: Any):
        super().__init__(node.value)
        self.node = node


@functools.cache
def _roundtrip_constructor() -> Any:
    """ruamel's round-trip constructor, except that a date that is none stops the reading with its place.

    (ruamel would raise a bare ValueError.) The round trip serves `fmt` and the edits, which
    refuse such a file; the fast reader keeps the value for `validate` to report.
    """
    from ruamel.yaml.constructor import RoundTripConstructor

    class Constructor(RoundTripConstructor):
        def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
            try:
                return super().construct_yaml_timestamp(node, values)
            except ValueError:
                raise _NoDate(node) from None

    Constructor.add_constructor(_TIMESTAMP_TAG, Constructor.construct_yaml_timestamp)
    return Constructor


@functools.cache
def _yaml11_resolver() -> Any:
    import yaml

    return yaml.resolver.Resolver()


def _represent_str(representer: Any, value: str) -> Any:
    # ruamel writes YAML 1.2, where `yes`, `off` or `12:30` are plain strings; the fast reader
    # (YAML 1.1) would read them back as a boolean or a number, so they are quoted.
    import yaml

    implicit = _yaml11_resolver().resolve(yaml.ScalarNode, value, (True, False))
    return representer.represent_scalar(_STR_TAG, value, style="'" if implicit != _STR_TAG else None)


def _represent_decimal(representer: Any, value: Decimal) -> Any:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return representer.represent_scalar(tag, text)


def load_roundtrip(path: Path, text: str | None = None) -> Any:
    """Parse with ruamel round-trip (keeps comments, order, positions)."""
    from ruamel.yaml.error import MarkedYAMLError as RuamelMarkedError

    text = read_text(path) if text is None else text
    refuse_conflict_markers(path, text)
    try:
        return roundtrip_yaml().load(text)
    except _NoDate as exc:
        mark = exc.node.start_mark
        problem = date_problem(UnreadDate(exc.node.value)) or f'"{exc.node.value}" không phải một ngày'
        raise YamlError(path, problem, mark.line + 1, mark.column + 1, "date") from None
    except RecursionError:
        raise YamlError(path, "cấu trúc lồng nhau quá sâu", code="file-shape") from None
    except RuamelMarkedError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlError(path, f"YAML sai cú pháp: {exc.problem}", line, col) from None


def locate(tree: Any, loc: tuple[str | int, ...], *, at_key: bool = False) -> tuple[int, int]:
    """1-based line and column of the node at `loc` (or of its nearest existing parent).

    With `at_key`, the last step points at the key itself (an unknown field) rather than its value.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    line, col = 1, 1
    node = tree
    for depth, part in enumerate(loc):
        if isinstance(node, CommentedMap) and part in node:
            # Point at the key: that is where the eye goes to fix a wrong or unknown field.
            key_line, key_col = node.lc.key(part)
            line, col = key_line + 1, key_col + 1
            value = node[part]
            last_key = at_key and depth == len(loc) - 1
            if not last_key and not isinstance(value, CommentedMap | CommentedSeq):
                value_line, value_col = node.lc.value(part)
                line, col = value_line + 1, value_col + 1
            node = value
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            item_line, item_col = node.lc.item(part)
            line, col = item_line + 1, item_col + 1
            node = node[part]
        else:
            break
    return line, col


def dump_canonical(data: Any) -> str:
    """Serialise plain data (dicts in the wanted key order) or a round-trip tree in the canonical layout."""
    stream = io.StringIO()
    roundtrip_yaml().dump(data, stream)
    return stream.getvalue()


dump_roundtrip = dump_canonical  # what the editors call it: they dump the tree `load_roundtrip` gave


# ---------------------------------------------------------------- writing


_OS_REASONS = {
    errno.EACCES: "không đủ quyền (tệp hoặc thư mục chỉ đọc, hoặc của người dùng khác)",
    errno.EPERM: "không đủ quyền (tệp hoặc thư mục chỉ đọc, hoặc của người dùng khác)",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
    errno.ENOSPC: "ổ đĩa hết chỗ trống",
    errno.EDQUOT: "vượt hạn mức dung lượng được cấp",
    errno.ENOENT: "không có tệp hoặc thư mục này",
}


def os_reason(exc: OSError) -> str:
    """Why an operating-system call failed, in Vietnamese where the reason is a common one."""
    return _OS_REASONS.get(exc.errno or 0) or exc.strerror or str(exc)


class WriteError(OSError):
    """A file that could not be written; what was there before is left exactly as it was."""

    def __init__(self, path: Path, cause: OSError, reason: str | None = None):
        super().__init__(cause.errno, reason or os_reason(cause), str(path))
        self.path = path

    def __str__(self) -> str:
        from ctr199.report import display_path

        kept = "tệp cũ giữ nguyên" if self.path.exists() else "chưa tạo tệp"
        return f"không ghi được {display_path(self.path)}: {self.strerror}; {kept}"


def atomic_write(path: Path, text: str | bytes, *, before_replace: Callable[[], None] | None = None) -> None:
    """Replace `path` with `text` (UTF-8) or raw bytes so that a crash leaves the old or the new file, never half.

    `before_replace` runs once the new content is safely on disk, just before the rename; raising
    there (say, because someone else changed the file meanwhile) leaves `path` untouched. A failed
    write (no permission, disk full) raises `WriteError` and leaves no temporary file behind.
    """
    directory = path.parent
    data = text.encode("utf-8") if isinstance(text, str) else text
    _refuse_read_only(path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise WriteError(path, exc) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if before_replace is not None:
            before_replace()
        if path.exists():
            tmp.chmod(path.stat().st_mode & 0o7777)
        else:
            tmp.chmod(0o644)
        tmp.replace(path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError) and not isinstance(exc, WriteError):
            raise WriteError(path, exc) from exc
        raise
    with contextlib.suppress(OSError):  # make the rename durable; not every filesystem allows it
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


class ChangedMeanwhile(Exception):
    """The file changed on disk between reading it and writing the edit (someone else saved it)."""

    def __init__(self, path: Path):
        from ctr199.report import display_path

        super().__init__(
            f"{display_path(path)} vừa bị thay đổi trong lúc ghi (người hoặc chương trình khác); "
            "không ghi gì — chạy lại lệnh"
        )


def unchanged_since_read(path: Path, text: str) -> None:
    """Raise `ChangedMeanwhile` unless `path` still holds `text`: the `before_replace` of every edit."""
    try:
        current = read_text(path)
    except YamlError:
        current = None
    if current != text:
        raise ChangedMeanwhile(path)


def _refuse_read_only(path: Path) -> None:
    """A file or folder marked read-only is not written, even by a user (root) the system would let through.

    The rename would replace a read-only file without complaint; the mark says someone wants it left alone.
    """
    for target, reason in ((path, "tệp đang đặt chỉ đọc"), (path.parent, "thư mục đang đặt chỉ đọc")):
        try:
            mode = target.stat().st_mode
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise WriteError(path, exc) from exc
        if target is path and not stat.S_ISREG(mode):
            # A device, a pipe or a socket (/dev/null): the rename would put a file in its place.
            reason = "không phải một tệp thường (thiết bị, ống dẫn…) nên không thay bằng tệp"
            raise WriteError(path, OSError(errno.EINVAL, reason), reason)
        if not mode & 0o222:
            raise WriteError(path, PermissionError(errno.EACCES, reason), reason)


def iter_yaml_files(paths: list[Path]) -> Iterator[Path]:
    """YAML files named directly or found (recursively) under named folders, sorted."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        else:
            yield path


# ---------------------------------------------------------------- canonical documents

# Keys written even when empty, so every file shows the same fields to whoever edits it.
_ALWAYS_WRITTEN = frozenset(
    {
        "id",
        "group",
        "title",
        "output",
        "deadline",
        "lead",
        "partners",
        "authority",
        "status",
        "completed_on",
        "completed_milestones",
        "log",
    }
)


def task_document(task: Task) -> dict[str, Any]:
    """The task as plain data in canonical key order, ready for `dump_canonical`."""
    data = task.model_dump(mode="python")
    document: dict[str, Any] = {}
    for key in TASK_KEY_ORDER:
        value = _plain(data[key])
        if key in _ALWAYS_WRITTEN or value not in (None, [], ""):
            document[key] = value
    return document


def _plain(value: Any) -> Any:
    """Model values as YAML-ready values: enums as their text, entries without empty extras."""
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        # A milestone's `due` is written even when empty (an ongoing milestone), next to its label.
        return {k: _plain(v) for k, v in value.items() if v not in (None, "") or (k == "due" and value.get("label"))}
    return value


def render_task(task: Task) -> str:
    return dump_canonical(task_document(task))


GROUPS_HEADER = "# Các nhóm nhiệm vụ của Phụ lục (tiêu đề giữ nguyên văn bản gốc).\n"


def render_groups(groups: list[Group]) -> str:
    """`groups.yaml` in canonical layout; groups without sub-groups carry no `subgroups` key."""
    documents = [group.model_dump(exclude={"subgroups"} if not group.subgroups else set()) for group in groups]
    return GROUPS_HEADER + dump_canonical({"groups": documents})
