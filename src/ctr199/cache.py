"""A cache of checked data files, so that a run reads one file instead of parsing every YAML file.

For each data file the cache keeps what checking that file alone found: the validated model (as
JSON-like data), its located findings, and extra derived data (a task's milestones). An entry is used
only while the file's size, mtime, ctime and inode are unchanged, and the whole cache only for the
same code (a digest of ctr199's sources and the Python and library versions). Checks that depend on
other files or on the date — agencies, groups, duplicate ids, "after the as-of date" — are never
cached: `checks` re-runs them on every load.

The body holds only plain values (dicts, lists, strings, numbers), written with `marshal`: reading it
builds values and cannot run code (unlike pickle), and it is 4× faster to write and 25% faster to
read than JSON for 10,000 tasks. It is trusted only behind its header: right format, same code, same
data folder, CRC of the body, and a file owned by the user, in the per-user cache folder (or
`CTR199_CACHE_DIR`), never in the data repository, where someone else could plant one. Anything
else is ignored and rewritten. Failing to write (read-only disk, no home folder) is silent: the run
is only slower."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import marshal
import operator
import os
import sys
import tempfile
import time
import types
import typing
import zlib
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar

from ctr199.models import Milestone, Task
from ctr199.programme import TaskHead, TaskRecord
from ctr199.record import Record
from ctr199.report import Finding, Severity, display_path

ENV_DIR = "CTR199_CACHE_DIR"
ENV_OFF = "CTR199_NO_CACHE"
FORMAT = 2  # 2: records encoded as lists of values (`encode`)
SHARDS = 16
# A file changed less than this long ago may change again within the same timestamp tick
# (coarse clocks of FAT or network drives), so it is checked but not cached.
RACY_NS = 2_000_000_000

M = TypeVar("M", bound=Record)
Key = list[int]  # size, mtime_ns, ctime_ns, inode

_override: bool | None = None


def set_enabled(value: bool | None) -> None:
    """Force the cache on or off for this process (`--no-cache`); None follows `CTR199_NO_CACHE`."""
    global _override
    _override = value


def enabled() -> bool:
    if _override is not None:
        return _override
    return os.environ.get(ENV_OFF, "").strip().lower() in ("", "0", "false", "no")


def cache_dir() -> Path:
    configured = os.environ.get(ENV_DIR)
    if configured:
        return Path(configured)
    if sys.platform.startswith("linux"):  # platformdirs' rule, without its import on every run
        base = os.environ.get("XDG_CACHE_HOME", "").strip()
        return Path(base or Path.home() / ".cache") / "ctr199"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("ctr199", appauthor=False))


def file_key(info: os.stat_result) -> Key:
    """What identifies this version of a file."""
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


class Entry:
    """The cached result of checking one file; turned back into objects only on request."""

    def __init__(self, raw: list[Any]):
        self.raw = raw

    def model(self, model: type[M]) -> M | None:
        data = self.raw[1]
        return None if data is None else rebuild(model, data)

    def findings(self, path: Path) -> list[Finding]:
        shown = display_path(path) if self.raw[2] else ""
        return [
            Finding.from_fields(
                {
                    "path": shown,
                    "line": line,
                    "col": col,
                    "severity": Severity(severity),
                    "code": code,
                    "message": message,
                }
            )
            for line, col, severity, code, message in self.raw[2]
        ]

    @property
    def extra(self) -> Any:
        return self.raw[3]


def finding_rows(findings: list[Finding]) -> list[list[Any]]:
    """Findings as an entry keeps them (their file is the entry's)."""
    return [[f.line, f.col, f.severity.value, f.code, f.message] for f in findings]


class CheckCache:
    """Cached file results of one data directory, read once; the parts that changed are written back.

    The entries are spread over `SHARDS` files by name, so that after one edit only a sixteenth of
    the cache of a large programme is written again.
    """

    def __init__(
        self, root: str, folder: Path | None, entries: dict[str, list[Any]], shard_of: dict[str, int] | None = None
    ):
        self.root = root  # the data folder, resolved: what a shard's header names
        self.folder = folder
        self.entries = entries
        # The shard each entry was read from: `save` sorts 10,000 names without hashing each again.
        self.shard_of = shard_of if shard_of is not None else {}
        self.fresh: dict[str, list[Any]] = {}
        self.changed: set[int] = set()  # shards to write
        self.started_ns = time.time_ns()

    @classmethod
    def disabled(cls) -> CheckCache:
        return cls("", None, {})

    @classmethod
    def open(cls, root: Path) -> CheckCache:
        """The cache of `root`; empty where missing, unreadable, damaged or made by other code."""
        try:
            resolved = str(root.resolve())
            folder = cache_dir() / hashlib.blake2b(resolved.encode(), digest_size=12).hexdigest()
        except (OSError, RuntimeError, ValueError):
            return cls.disabled()
        entries: dict[str, list[Any]] = {}
        shard_of: dict[str, int] = {}
        for shard in range(SHARDS):
            files = _read(folder / f"{shard:02d}.cache", resolved)
            entries.update(files)
            shard_of.update(dict.fromkeys(files, shard))
        return cls(resolved, folder, entries, shard_of)

    def get(self, name: str, key: Key) -> Entry | None:
        raw = self.entries.get(name)
        if type(raw) is not list or len(raw) != 4 or raw[0] != key:
            return None
        self.fresh[name] = raw
        return Entry(raw)

    def keeps(self, key: Key) -> bool:
        """Whether a file of `key` would be kept (not with `--no-cache`, nor when just modified, see
        RACY_NS): the caller need not encode what would not be kept."""
        return self.folder is not None and key[1] <= self.started_ns - RACY_NS

    def put(self, name: str, key: Key, model: Record | None, findings: list[Finding]) -> None:
        """Keep what checking a file found: its record (None when the file cannot be read) and findings."""
        if self.keeps(key):
            self.put_entry(name, [key, None if model is None else encode(model), finding_rows(findings), None])

    def put_entry(self, name: str, raw: list[Any]) -> None:
        """Keep an entry made already (a task's, with its blob and head: see `loading`), if its file may be kept."""
        if self.keeps(raw[0]):
            self.fresh[name] = raw
            self.changed.add(_shard(name))

    def forget(self, name: str) -> None:
        """Drop an entry that could not be used (it will be written anew)."""
        self.fresh.pop(name, None)
        self.changed.add(_shard(name))

    def save(self) -> None:
        """Write the shards that changed (entries made, or no longer used); silently skip when that fails."""
        if self.folder is None:
            return
        changed = self.changed | {_shard(name) for name in self.entries.keys() - self.fresh.keys()}
        if not changed:
            return
        shards: dict[int, dict[str, list[Any]]] = {shard: {} for shard in changed}
        shard_of = self.shard_of
        for name, raw in self.fresh.items():
            number = shard_of.get(name)
            shard = shards.get(_shard(name) if number is None else number)
            if shard is not None:
                shard[name] = raw
        with contextlib.suppress(OSError):
            for number, files in shards.items():
                body = marshal.dumps({"files": files})
                header = {"format": FORMAT, "code": code_digest(), "root": self.root, "body": _checksum(body)}
                _write(self.folder / f"{number:02d}.cache", json.dumps(header).encode() + b"\n" + body)


def _shard(name: str) -> int:
    return zlib.crc32(name.encode("utf-8", "surrogateescape")) % SHARDS  # a name may not be UTF-8


def _read(file: Path, root: str) -> dict[str, list[Any]]:
    try:
        with file.open("rb") as handle:
            if hasattr(os, "getuid") and os.fstat(handle.fileno()).st_uid != os.getuid():
                return {}  # someone else's file: never trust it
            header = json.loads(handle.readline())
            body = handle.read()
        if (
            not isinstance(header, dict)
            or header.get("format") != FORMAT
            or header.get("code") != code_digest()
            or header.get("root") != root
            or header.get("body") != _checksum(body)
        ):
            return {}
        files = marshal.loads(body)["files"]
        return files if isinstance(files, dict) else {}
    except (OSError, ValueError, KeyError, TypeError, EOFError):
        return {}


def _checksum(body: bytes) -> str:
    # Guards against a damaged file (the folder is the user's own, so not against forgery); CRC-32 is
    # several times faster than a cryptographic digest on the megabytes of a large programme.
    return f"crc32:{zlib.crc32(body):08x}"


def _write(file: Path, content: bytes) -> None:
    """Replace `file` atomically (no fsync: losing a cache costs only time)."""
    file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{file.name}.", suffix=".tmp", dir=file.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        tmp.replace(file)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@functools.cache
def code_digest() -> str:
    """Digest of everything that decides what checking a file finds: our sources and the libraries' versions."""
    digest = hashlib.blake2b(digest_size=16)
    libraries = "|".join(_installed(name) for name in ("pydantic", "pydantic_core", "yaml"))
    digest.update(f"{sys.version}|{libraries}".encode())
    package = Path(__file__).resolve().parent
    # Size and modification time of each source: any edit or reinstall changes them, and unlike
    # reading every source on every run, it costs next to nothing.
    for source in sorted(package.rglob("*.py")):
        info = source.stat()
        digest.update(f"{source.relative_to(package).as_posix()}:{info.st_size}:{info.st_mtime_ns}".encode())
    return digest.hexdigest()


def _installed(package: str) -> str:
    """Which version of `package` is installed, without importing it (a cached run needs none of
    pydantic and PyYAML): where it is, and its size and time, which any reinstall changes."""
    from importlib.util import find_spec

    spec = find_spec(package)
    origin = spec.origin if spec is not None else None
    if origin is None:
        return "none"
    stat = Path(origin).stat()
    return f"{origin}:{stat.st_size}:{stat.st_mtime_ns}"


# ---------------------------------------------------------------- records to plain values and back


def encode(record: Record) -> list[Any]:
    """A record as the cache keeps it: its values in field order (no names: a tenth of a large
    programme's cache is the names again), nested records likewise, dates as day numbers,
    enumerations as their values, decimals as text.

    Only the fields `rebuild` converts back are converted here (`_plan`); texts, numbers and lists of
    texts are kept as they are."""
    fields = record.__dict__
    values = [fields[name] for name in record.model_fields]
    for index, each, convert in _encoders(type(record)):
        value = values[index]
        if each:
            if value:
                values[index] = [convert(item) for item in value]
        elif value is not None:
            values[index] = convert(value)
    return values


def _encoders(model: type[Record]) -> list[tuple[int, bool, Callable[[Any], Any]]]:
    """For each field `_plan` converts back: its place, whether a list, and the conversion (of an item)."""
    made = _ENCODERS.get(model)
    if made is None:
        names = list(model.model_fields)
        made = _ENCODERS[model] = []
        for name, each, _ in _plan(model):
            annotation = _optional_of(_plain(model.model_fields[name].annotation))
            made.append((names.index(name), each, _encoder(typing.get_args(annotation)[0] if each else annotation)))
    return made


_ENCODERS: dict[type[Record], list[tuple[int, bool, Callable[[Any], Any]]]] = {}


def _encoder(annotation: Any) -> Callable[[Any], Any]:
    """The inverse of `_converter`: a value of this type as the cache keeps it."""
    annotation = _plain(annotation)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = _encoder(_optional_of(annotation))
        return functools.partial(_optional, inner)
    if origin is list:
        return functools.partial(_each, _encoder(args[0]))
    if origin is dict:
        return functools.partial(_values, _encoder(args[1]))
    if isinstance(annotation, type):
        if issubclass(annotation, Record):
            return encode
        if issubclass(annotation, Enum):
            return operator.attrgetter("value")
        if annotation is date:
            return date.toordinal
        if annotation is Decimal:
            return str
    return _as_is


def _as_is(value: Any) -> Any:
    return value


# ---------------------------------------------------------------- a task: its head apart, the rest rebuilt on use


def encode_task(record: TaskRecord) -> bytes:
    """A task and its milestones as one `marshal` blob: reading the cache copies it, and only a run
    that uses the task decodes it (`decode_task`)."""
    return marshal.dumps([encode(record.task), [encode(milestone) for milestone in record.milestones]])


def decode_task(blob: bytes) -> tuple[Task, tuple[Milestone, ...]]:
    task, milestones = marshal.loads(blob)
    return rebuild(Task, task), tuple([rebuild(Milestone, item) for item in milestones])


def encode_head(head: TaskHead) -> list[Any]:
    """The head as the cache keeps it. Its texts and list of leads are shared between tasks (the same
    few dozen agencies): `marshal` then writes each once and reading makes each once."""
    last = None if head.last_recorded is None else head.last_recorded.toordinal()
    lead = tuple(sys.intern(name) for name in head.lead)
    lead = _SHARED.setdefault(lead, lead)
    subgroup = None if head.subgroup is None else sys.intern(head.subgroup)
    return [head.id, head.group, subgroup, lead, sys.intern(head.authority), last]


_SHARED: dict[tuple[str, ...], tuple[str, ...]] = {}


def task_head(data: Any) -> TaskHead:
    """The head `encode_head` kept; TypeError or ValueError for anything else."""
    task_id, group, subgroup, lead, authority, last = data
    if type(lead) is not tuple:
        raise TypeError("not a task head")
    return TaskHead(task_id, group, subgroup, lead, authority, last and date.fromordinal(last))


def rebuild(model: type[M], data: list[Any]) -> M:
    """The record `encode` gave `data` for, built without checking it again.

    The data was checked when it was cached, and the cache's digest guarantees it is what was
    written. Skipping the check is what makes a cached run fast, and what lets it run without pydantic.
    """
    build = _BUILDERS.get(model) or _builder(model)
    return typing.cast(M, build(data))


def _builder(model: type[Record]) -> Callable[[list[Any]], Record]:
    """A function that builds a `model` record from its encoded values, written for that record.

    A large programme rebuilds tens of thousands of records a run; a function per record type that
    unpacks the values and converts only the fields that need it (as `dataclasses` writes `__init__`)
    takes a third of the time of a loop over the fields. Field names are the record's own
    identifiers; a wrong number of values raises ValueError, which makes the file be checked again.
    """
    names = list(model.model_fields)
    steps = {name: (each, convert) for name, each, convert in _plan(model)}
    env: dict[str, Any] = {"new": model.__new__, "cls": model, "set_fields": _set}
    values = []
    for number, name in enumerate(names):
        value = f"v{number}"
        if name in steps:
            each, env[f"c{number}"] = steps[name]
            if each:
                value = f"[c{number}(x) for x in v{number}] if v{number} else v{number}"
            else:
                value = f"v{number} if v{number} is None else c{number}(v{number})"
        values.append(f"{name!r}: {value}")
    unpacked = "".join(f"v{number}, " for number in range(len(names)))
    source = (
        "def build(data):\n"
        f"    {unpacked}= data\n"
        "    record = new(cls)\n"
        f"    set_fields(record, '__dict__', {{{', '.join(values)}}})\n"
        "    return record\n"
    )
    exec(source, env)  # the source is made above from the record's field names only
    build: Callable[[list[Any]], Record] = env["build"]
    _BUILDERS[model] = build
    return build


_BUILDERS: dict[type[Record], Callable[[list[Any]], Record]] = {}
_set = object.__setattr__


# Fields that `encode` does not keep as they are: name, whether a list, how to convert (an item).
_Plan = tuple[tuple[str, bool, Callable[[Any], Any]], ...]


def _plan(model: type[Record]) -> _Plan:
    made = _PLANS.get(model)
    if made is not None:
        return made
    steps = []
    for name, field in model.model_fields.items():
        annotation = _optional_of(_plain(field.annotation))  # None is kept as it is
        each = typing.get_origin(annotation) is list
        convert = _converter(typing.get_args(annotation)[0] if each else annotation)
        if convert is not None:
            steps.append((name, each, convert))
    _PLANS[model] = plan = tuple(steps)
    return plan


_PLANS: dict[type[Record], _Plan] = {}


def _plain(annotation: Any) -> Any:
    """The type without its `Annotated` validators."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _optional_of(annotation: Any) -> Any:
    """`X` for `X | None` (and for `X`)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(options) != 1:
            raise TypeError(f"cannot rebuild {annotation!r} from JSON")
        return _plain(options[0])
    return annotation


def _converter(annotation: Any) -> Callable[[Any], Any] | None:
    """How to turn the encoded form of a value of this type back into the value; None: as it is."""
    annotation = _plain(annotation)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = _converter(_optional_of(annotation))
        return None if inner is None else functools.partial(_optional, inner)
    if origin is list:
        inner = _converter(args[0])
        return None if inner is None else functools.partial(_each, inner)
    if origin is dict:  # keys are strings in JSON and in every data file
        inner = _converter(args[1])
        return None if inner is None else functools.partial(_values, inner)
    if origin is typing.Literal or annotation in (str, int, bool, float):
        return None
    if isinstance(annotation, type):
        if issubclass(annotation, Record):
            return _BUILDERS.get(annotation) or _builder(annotation)
        if issubclass(annotation, Enum):
            return annotation._value2member_map_.__getitem__  # what Enum(value) does, minus its overhead
        if annotation is date:
            return date.fromordinal
        if annotation is Decimal:
            return Decimal
    raise TypeError(f"cannot rebuild {annotation!r} from JSON")


def _optional(convert: Callable[[Any], Any], value: Any) -> Any:
    return None if value is None else convert(value)


def _values(convert: Callable[[Any], Any], mapping: dict[str, Any]) -> dict[str, Any]:
    return {key: convert(value) for key, value in mapping.items()}


def _each(convert: Callable[[Any], Any], values: list[Any]) -> list[Any]:
    return [convert(value) for value in values] if values else []
