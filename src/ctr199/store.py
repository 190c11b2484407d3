"""Reading and writing the YAML data files.

Two readers on purpose: a fast safe one (libyaml through PyYAML) for every run, and
ruamel.yaml's round-trip reader, which knows where each node sits, for locating errors
and for edits that must leave untouched lines byte-identical.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError as RuamelMarkedError

from ctr199.models import TASK_KEY_ORDER, Group, Task

MAX_FILE_BYTES = 1_000_000
TASKS_DIR = "tasks"
GROUPS_FILE = "groups.yaml"
AGENCIES_FILE = "agencies.yaml"
INDICATORS_FILE = "indicators.yaml"


class YamlError(Exception):
    """A file that cannot be read as safe YAML; carries its position (1-based)."""

    def __init__(self, path: Path, message: str, line: int = 1, col: int = 1, code: str = "yaml-syntax"):
        super().__init__(message)
        self.path = path
        self.message = message
        self.line = line
        self.col = col
        self.code = code


@dataclass(frozen=True)
class DataDir:
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

    def task_files(self) -> list[Path]:
        if not self.tasks.is_dir():
            return []
        return sorted(p for p in self.tasks.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())

    def task_path(self, task_id: int) -> Path:
        return self.tasks / f"{task_id:03d}.yaml"


def find_data_dir(start: Path | None = None) -> Path | None:
    """The nearest `data/` holding `tasks/`, from `start` upwards (so any sub-folder works)."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / TASKS_DIR).is_dir() and (folder / GROUPS_FILE).exists():
            return folder
        candidate = folder / "data"
        if (candidate / TASKS_DIR).is_dir():
            return candidate
    return None


# ---------------------------------------------------------------- fast safe reading


class _SafeLoader(yaml.CSafeLoader):  # libyaml's parser, Python construction
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
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "khóa không hợp lệ (không phải giá trị đơn)", key_node.start_mark
                ) from None
            if duplicate:
                first = seen[key].start_mark.line + 1
                raise yaml.constructor.ConstructorError(
                    None, None, f'khóa "{key}" bị lặp (lần đầu ở dòng {first}); giữ một lần', key_node.start_mark
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep)


_NO_ALIASES = "không dùng neo/bí danh YAML (&, *) trong tệp dữ liệu; viết giá trị trực tiếp"
MAX_DEPTH = 32  # task files nest 4 levels; anything far deeper is hostile or broken


def _refuse_shared_nodes(root: yaml.Node) -> None:
    seen: set[int] = set()
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "không dùng neo/bí danh YAML (&, *) trong tệp dữ liệu; viết giá trị trực tiếp",
                node.start_mark,
            )
        if depth > MAX_DEPTH:
            raise yaml.constructor.ConstructorError(
                None, None, f"cấu trúc lồng nhau quá sâu (quá {MAX_DEPTH} cấp)", node.start_mark
            )
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend(((key, depth + 1), (value, depth + 1)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)


def read_text(path: Path) -> str:
    """The file as text: UTF-8 (a BOM is tolerated), size-capped, with a located error otherwise."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise YamlError(path, f"tệp quá lớn ({size:,} byte; tối đa {MAX_FILE_BYTES:,})", code="file-shape")
        raw = path.read_bytes()
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


def load_fast(path: Path, text: str | None = None) -> Any:
    """Parse one file with the fast safe loader; raise `YamlError` with the position."""
    text = read_text(path) if text is None else text
    try:
        return yaml.load(text, Loader=_SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # An unclosed [ or { shows up lines later, where the next key is; the message says "[ opened here".
        unclosed = "did not find expected ','" in (exc.problem or "")
        if exc.context_mark is not None and (unclosed or mark is None or mark.line > text.rstrip().count("\n")):
            mark = exc.context_mark  # the error surfaced later: point at where the open quote/bracket began
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlError(path, _yaml_message(exc, text, mark), line, col, _yaml_code(exc)) from None
    except yaml.YAMLError as exc:
        raise YamlError(path, f"YAML không hợp lệ: {exc}") from None
    except RecursionError:
        raise YamlError(path, "cấu trúc lồng nhau quá sâu", code="file-shape") from None


def _yaml_code(exc: yaml.MarkedYAMLError) -> str:
    return "yaml-unsafe" if isinstance(exc, yaml.constructor.ConstructorError) else "yaml-syntax"


_SYNTAX_HINTS = (
    ("end of stream", "quoted scalar", "dấu ngoặc mở ở đây nhưng không đóng; thêm dấu ngoặc đóng cuối chuỗi"),
    ("did not find expected ',' or ']'", "", "dấu [ mở ở đây nhưng không đóng (hoặc thiếu dấu phẩy)"),
    ("did not find expected ',' or '}'", "", "dấu { mở ở đây nhưng không đóng (hoặc thiếu dấu phẩy)"),
    ("mapping values are not allowed", "", "dấu ':' không hợp lệ ở đây; đặt cả giá trị trong dấu ngoặc kép \"…\""),
    ("could not find expected ':'", "", "thiếu dấu ':' sau tên trường"),
    ("did not find expected key", "", "thụt lề không khớp với các dòng trên"),
    ("did not find expected '-'", "", "thụt lề của danh sách không khớp"),
    ("found undefined alias", "", "không dùng bí danh YAML (*) trong tệp dữ liệu"),
)


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    return lines[line][column : column + 1] if 0 <= line < len(lines) else ""


def _yaml_message(exc: yaml.MarkedYAMLError, text: str, mark: Any) -> str:
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
    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 4096  # long Vietnamese sentences stay on one line, so diffs show whole cells
    rt.allow_unicode = True
    rt.representer.add_representer(Decimal, _represent_decimal)
    rt.representer.add_representer(str, _represent_str)
    # One date object written twice (`completed_on` and its log entry) must not become an &anchor/*alias:
    # data files refuse aliases. Collections still go through ruamel's own rule.
    keeps_alias = rt.representer.ignore_aliases
    rt.representer.ignore_aliases = lambda data: not isinstance(data, dict | list) or keeps_alias(data)
    return rt


_YAML11 = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"


def _represent_str(representer: Any, value: str) -> Any:
    # ruamel writes YAML 1.2, where `yes`, `off` or `12:30` are plain strings; the fast reader
    # (YAML 1.1) would read them back as a boolean or a number, so they are quoted.
    implicit = _YAML11.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return representer.represent_scalar(_STR_TAG, value, style="'" if implicit != _STR_TAG else None)


def _represent_decimal(representer: Any, value: Decimal) -> Any:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return representer.represent_scalar(tag, text)


def load_roundtrip(path: Path, text: str | None = None) -> Any:
    """Parse with ruamel round-trip (keeps comments, order, positions)."""
    text = read_text(path) if text is None else text
    try:
        return roundtrip_yaml().load(text)
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
    """Serialise plain data (dicts in the wanted key order) in the canonical layout."""
    stream = io.StringIO()
    roundtrip_yaml().dump(data, stream)
    return stream.getvalue()


def dump_roundtrip(tree: Any) -> str:
    stream = io.StringIO()
    roundtrip_yaml().dump(tree, stream)
    return stream.getvalue()


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
        return {k: _plain(v) for k, v in value.items() if v not in (None, "") or k in ("due",)}
    return value


def render_task(task: Task) -> str:
    return dump_canonical(task_document(task))


GROUPS_HEADER = "# Các nhóm nhiệm vụ của Phụ lục (tiêu đề giữ nguyên văn bản gốc).\n"


def render_groups(groups: list[Group]) -> str:
    """`groups.yaml` in canonical layout; groups without sub-groups carry no `subgroups` key."""
    documents = [group.model_dump(exclude={"subgroups"} if not group.subgroups else set()) for group in groups]
    return GROUPS_HEADER + dump_canonical({"groups": documents})
