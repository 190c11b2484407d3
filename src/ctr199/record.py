"""Frozen records for the data files' contents, defined without pydantic.

Why not pydantic models: importing pydantic and defining the models costs ~120 ms on every run,
more than everything else a cached `ctr199 overdue` does. A run answered from the cache builds
records from already-checked data and never needs a validator, so the records are plain classes.
Data in the form the files store it (a file just edited) is read by `read_plain`, which takes only
values of exactly the field's type and leaves the rest to pydantic. Pydantic is imported for that
rest: the first time, `pydantic_model` makes for each record a pydantic model with the same name,
fields, defaults and constraints, so that pydantic's conversions, its errors (`ValidationError`,
with their `loc` and `type`) and its JSON Schema are those of a model declared by hand.

A record declares its fields as class annotations, with constraints and validators as `Annotated`
markers (`Limits`, `Before`, `After`) that `pydantic_model` turns into pydantic's own; defaults
are class values, `field(default_factory=list)` for a fresh list. Records keep the part of pydantic's model API
the code uses (`model_validate`, `model_dump`, `model_copy`, `model_fields`, `model_json_schema`),
so a record reads like the model it replaces.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, NamedTuple, TypeVar, dataclass_transform

if TYPE_CHECKING:
    from pydantic import BaseModel

R = TypeVar("R", bound="Record")

_MISSING: Any = object()


class Limits:
    """Constraints of a field, as keywords of pydantic's `Field` (`ge=1`, `min_length=1`, `pattern=…`)."""

    __slots__ = ("constraints",)

    def __init__(self, **constraints: Any) -> None:
        self.constraints = constraints


class Before:
    """A function that reads the value before pydantic checks its type (pydantic's `BeforeValidator`)."""

    __slots__ = ("function",)

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.function = function


class After:
    """A function that checks or normalises the value once it has its type (pydantic's `AfterValidator`)."""

    __slots__ = ("function",)

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.function = function


class _Factory:
    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def field(*, default_factory: Callable[[], Any]) -> Any:
    """The default of a field that gets a new value each time (`field(default_factory=list)`: a fresh list)."""
    return _Factory(default_factory)


class FieldSpec(NamedTuple):
    """One field of a record: its annotation (with its `Annotated` markers) and its default."""

    annotation: Any
    default: Any = _MISSING
    make: Callable[[], Any] | None = None

    def is_required(self) -> bool:
        return self.default is _MISSING and self.make is None


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(field,))
class Record:
    """A frozen record whose fields are its class annotations (see the module docstring).

    `class Name(Record, frozen=False)`: one whose fields may be set. `class Name(Record, checked=True)`:
    one whose constructor checks its values as the pydantic model would (and imports pydantic to do
    so); the records of a data file are, so that a record made by code (an edit, an import) is as
    checked as one read from a file. Records rebuilt from checked data skip it (`from_fields`).
    """

    model_fields: ClassVar[dict[str, FieldSpec]] = {}
    # Checks of the whole record, run after its fields are valid (pydantic's `model_validator(mode="after")`);
    # each takes the record and raises ValueError.
    whole_checks: ClassVar[tuple[Callable[[Any], None], ...]] = ()

    _frozen: ClassVar[bool] = True
    _checked: ClassVar[bool] = False

    def __init_subclass__(cls, *, frozen: bool = True, checked: bool | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._frozen = frozen
        if checked is not None:
            cls._checked = checked
        if not frozen:
            cls.__hash__ = None  # type: ignore[assignment]  # as for a mutable dataclass
        fields = dict(getattr(cls, "model_fields", {}))
        for name, annotation in inspect.get_annotations(cls).items():
            if name.startswith("_") or getattr(annotation, "__origin__", None) is ClassVar:
                continue
            value = cls.__dict__.get(name, _MISSING)
            if isinstance(value, _Factory):
                fields[name] = FieldSpec(annotation, make=value.make)
                delattr(cls, name)
            else:
                fields[name] = FieldSpec(annotation, value)
        cls.model_fields = fields

    def __init__(self, **values: Any) -> None:
        if self._checked:  # as a pydantic model: checked and normalised, or `ValidationError`
            made = self.model_validate(values)
            object.__setattr__(self, "__dict__", made.__dict__)
            return
        unknown = values.keys() - self.model_fields.keys()
        if unknown:
            raise TypeError(f"{type(self).__name__}: unknown fields {sorted(unknown)}")
        data = {}
        for name, spec in self.model_fields.items():
            if name in values:
                data[name] = values[name]
            elif spec.make is not None:
                data[name] = spec.make()
            elif spec.default is not _MISSING:
                data[name] = spec.default
            else:
                raise TypeError(f"{type(self).__name__}: missing field {name!r}")
        object.__setattr__(self, "__dict__", data)

    @classmethod
    def from_fields(cls: type[R], values: dict[str, Any]) -> R:
        """A record holding `values` as they are (every field present, nothing checked): for data that was checked."""
        record = cls.__new__(cls)
        object.__setattr__(record, "__dict__", values)
        return record

    # ---------------------------------------------------------------- frozen, compared by value

    def __setattr__(self, name: str, value: Any) -> None:
        if self._frozen:
            raise AttributeError(f"{type(self).__name__} is frozen: use model_copy(update=…)")
        if name not in self.model_fields:
            raise AttributeError(f"{type(self).__name__} has no field {name!r}")
        self.__dict__[name] = value

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((type(self), *self.__dict__.values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self.__dict__.items())
        return f"{type(self).__name__}({shown})"

    def __reduce__(self) -> tuple[Any, ...]:  # copy and pickle: rebuild from the fields
        return (_rebuilt, (type(self), dict(self.__dict__)))

    # ---------------------------------------------------------------- pydantic's model API, the part in use

    def model_copy(self: R, *, update: dict[str, Any] | None = None) -> R:
        """A copy with some fields replaced (not checked again, as with pydantic)."""
        values = dict(self.__dict__)
        if update:
            unknown = update.keys() - values.keys()
            if unknown:
                raise TypeError(f"{type(self).__name__}: unknown fields {sorted(unknown)}")
            values.update(update)
        return type(self).from_fields(values)

    def model_dump(self, *, mode: str = "python", exclude: Iterable[str] = ()) -> dict[str, Any]:
        """The fields as plain values: as they are (`python`), or as JSON would hold them (`json`:
        dates in ISO form, decimals as text, enumerations as their values) — pydantic's forms."""
        dump = _json_value if mode == "json" else plain_values
        left_out = set(exclude)
        return {name: dump(value) for name, value in self.__dict__.items() if name not in left_out}

    @classmethod
    def model_validate(cls: type[R], data: Any) -> R:
        """Check `data` against the record's schema; pydantic's `ValidationError` when it does not fit.

        Data already in the form the files store is read without pydantic (`read_plain`); pydantic
        checks everything else, and gives every refusal."""
        made = read_plain(cls, data)
        return made if made is not None else cls.validate_with_pydantic(data)

    @classmethod
    def validate_with_pydantic(cls: type[R], data: Any) -> R:
        """`model_validate` by pydantic alone (what `read_plain` must agree with)."""
        from pydantic import ValidationError

        model = pydantic_model(cls)
        try:
            return typing.cast(R, _to_record(model.model_validate(data)))
        except ValidationError as exc:
            # Records inside the data (an edit's log entries) are checked again as their fields; data read
            # from a file never holds one, so it is not walked looking for them.
            if not any(isinstance(error.get("input"), Record) for error in exc.errors()):
                raise
        return typing.cast(R, _to_record(model.model_validate(plain_values(data))))

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """A record as a field of a pydantic model (a change's log entry): taken as it is, or checked."""
        return _record_core_schema(cls)

    @classmethod
    def model_json_schema(cls) -> dict[str, Any]:
        return pydantic_model(cls).model_json_schema()


# ---------------------------------------------------------------- checking, with pydantic (imported on first use)


def pydantic_model(record: type[Record]) -> type[BaseModel]:
    """The pydantic model that checks `record`'s data (same name, fields, constraints and docstring)."""
    made = _MODELS.get(record)
    if made is not None:
        return made
    from pydantic import ConfigDict, create_model, model_validator

    fields: dict[str, Any] = {name: _field(spec) for name, spec in record.model_fields.items()}
    validators: dict[str, Any] = {}
    for number, check in enumerate(record.whole_checks):
        validators[f"_whole_{number}"] = model_validator(mode="after")(_whole(check))
    model: type[BaseModel] = create_model(
        record.__name__,
        __config__=ConfigDict(extra="forbid", frozen=True),
        __doc__=record.__doc__,
        __module__=record.__module__,
        __validators__=validators or None,
        **fields,
    )
    _RECORDS[model] = record
    _MODELS[record] = model
    return model


# Made once per process (a record's model and its nested records' models), and back again.
_MODELS: dict[type[Record], type[BaseModel]] = {}
_RECORDS: dict[type[BaseModel], type[Record]] = {}


def _whole(check: Callable[[Any], None]) -> Callable[[Any], Any]:
    def run(model: Any) -> Any:
        check(model)  # the model has the record's fields, so a record's check reads it alike
        return model

    return run


def _field(spec: FieldSpec) -> tuple[Any, Any]:
    from pydantic import Field

    annotation = _pydantic_type(spec.annotation)
    if spec.make is not None:
        return annotation, Field(default_factory=spec.make)
    return annotation, (... if spec.is_required() else spec.default)


def _pydantic_type(annotation: Any) -> Any:
    """`annotation` with records replaced by their pydantic models and markers by pydantic's own."""
    if isinstance(annotation, type) and issubclass(annotation, Record):
        return pydantic_model(annotation)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Annotated:
        return Annotated[(_pydantic_type(args[0]), *(_marker(meta) for meta in args[1:]))]
    if origin in (typing.Union, types.UnionType):
        return typing.Union[tuple(_pydantic_type(arg) for arg in args)]  # noqa: UP007 (a tuple of types)
    if origin is list:
        return list[_pydantic_type(args[0])]  # type: ignore[misc]
    if origin is dict:
        return dict[_pydantic_type(args[0]), _pydantic_type(args[1])]  # type: ignore[misc]
    return annotation


def _marker(meta: Any) -> Any:
    from pydantic import AfterValidator, BeforeValidator, Field

    if isinstance(meta, Limits):
        return Field(**meta.constraints)
    if isinstance(meta, Before):
        return BeforeValidator(meta.function)
    if isinstance(meta, After):
        return AfterValidator(meta.function)
    return meta


def _record_core_schema(record: type[Record]) -> Any:
    """How a pydantic model holds a record field: a record as it is, or data checked into one;
    dumped as the record dumps itself."""
    from pydantic_core import core_schema

    def read(value: Any) -> Any:
        return value if isinstance(value, record) else record.model_validate(value)

    def dump(value: Any, info: Any) -> Any:
        return value.model_dump(mode="json" if info.mode == "json" else "python")

    return core_schema.no_info_plain_validator_function(
        read, serialization=core_schema.plain_serializer_function_ser_schema(dump, info_arg=True)
    )


def _to_record(model: Any) -> Any:
    """A checked pydantic model, and the models in it, as records (only the fields that hold records
    are walked: a task's texts and numbers are taken as they are)."""
    record = _RECORDS[type(model)]
    values = dict(model.__dict__)
    for name, shape in _nested(record):
        value = values[name]
        if value is None:
            continue
        if shape is list:
            values[name] = [_to_record(item) for item in value]
        elif shape is dict:
            values[name] = {key: _to_record(item) for key, item in value.items()}
        else:
            values[name] = _to_record(value)
    return record.from_fields(values)


def _nested(record: type[Record]) -> list[tuple[str, type]]:
    """The fields of `record` that hold records: name, and how (list, dict, or one: `Record`)."""
    made = _NESTED.get(record)
    if made is None:
        made = _NESTED[record] = []
        for name, spec in record.model_fields.items():
            shape = _shape(spec.annotation)
            if shape is not None:
                made.append((name, shape))
    return made


_NESTED: dict[type[Record], list[tuple[str, type]]] = {}


def _shape(annotation: Any) -> type | None:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Annotated:
        return _shape(args[0])
    if origin in (typing.Union, types.UnionType):  # X | None: None is skipped above
        shapes = {_shape(arg) for arg in args if arg is not type(None)}
        if len(shapes) != 1:
            raise TypeError(f"cannot convert {annotation!r}")
        return shapes.pop()
    if origin is list:
        return list if _shape(args[0]) is Record else None
    if origin is dict:
        return dict if _shape(args[1]) is Record else None
    return Record if isinstance(annotation, type) and issubclass(annotation, Record) else None


# ---------------------------------------------------------------- reading stored data without pydantic


def read_plain(record: type[R], data: Any) -> R | None:
    """`data` as a `record` when it is plainly valid, or None: then pydantic must decide.

    Why: a file edited since the last run is read again, and importing pydantic and building its
    validators (~100 ms) cost more than checking the other 10,000 cached files. A file as ctr199 and
    staff write it holds values of exactly the field's type (a text for a text, a list for a list, a
    date or a date text for a date) that meet every constraint; such data is read here, through the
    field's own `Before`/`After` functions, to the record pydantic would make. Anything else — a
    number for a text, a boolean for a number, a tuple, an unknown key, a missing field, a value a
    function refuses — is left to pydantic, which converts it or says exactly what is wrong. So this
    reader never accepts what pydantic would refuse (`tests/test_record_plain.py` compares both on
    every shipped file and on thousands of altered ones), and a record type with a field it cannot
    read exactly as pydantic does (a pattern, a decimal, a union of types) has no plain reader.
    """
    reader = _plain_reader_of(record)
    if reader is None:
        return None
    try:
        return typing.cast(R, reader(data))
    except _Unsure:
        return None


def _plain_reader_of(record: type[Record]) -> Callable[[Any], Record] | None:
    """`record`'s plain reader, made on first use; None when its fields cannot all be read plainly."""
    reader = _PLAIN_READERS.get(record, _MISSING)
    if reader is _MISSING:
        reader = _PLAIN_READERS[record] = _plain_record_reader(record)
    return typing.cast(Callable[[Any], Record] | None, reader)


class _Unsure(Exception):
    """A value the plain reader leaves to pydantic."""


class _Unsupported(Exception):
    """An annotation the plain reader cannot read exactly as pydantic does."""


_PLAIN_READERS: dict[type[Record], Callable[[Any], Record] | None] = {}
_Read = Callable[[Any], Any]


def _plain_record_reader(record: type[Record]) -> Callable[[Any], Record] | None:
    try:
        fields = [(name, _plain_value_reader(spec.annotation), spec) for name, spec in record.model_fields.items()]
    except _Unsupported:
        return None
    checks = record.whole_checks

    def read(data: Any) -> Record:
        if type(data) is record:  # a record inside an edit's data is checked again as its fields
            data = data.__dict__
        elif type(data) is not dict:
            raise _Unsure
        if not data.keys() <= record.model_fields.keys():
            raise _Unsure  # an unknown key (or one that is not a text)
        values: dict[str, Any] = {}
        for name, read_value, spec in fields:
            if name in data:
                values[name] = read_value(data[name])
            elif spec.make is not None:
                values[name] = spec.make()
            elif spec.default is not _MISSING:
                values[name] = spec.default
            else:
                raise _Unsure  # missing: pydantic names it
        made = record.from_fields(values)
        for check in checks:
            _run(check, made)
        return made

    return read


def _run(function: Callable[[Any], Any], value: Any) -> Any:
    try:
        return function(value)
    except Exception:  # refused (or failed): pydantic runs it again and reports it as it should
        raise _Unsure from None


def _plain_value_reader(annotation: Any) -> _Read:
    """How a value of `annotation` is read, raising `_Unsure` for what pydantic must decide
    (`_Unsupported` when no value of it can be read plainly)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Annotated:
        return _plain_annotated_reader(args[0], args[1:])
    if origin in (typing.Union, types.UnionType):
        others = [arg for arg in args if arg is not type(None)]
        if len(others) != 1 or len(args) != 2:
            raise _Unsupported(annotation)  # a union of types: pydantic's "smart" choice is not copied
        inner = _plain_value_reader(others[0])
        return lambda value: None if value is None else inner(value)
    if origin is list:
        item = _plain_value_reader(args[0])

        def read_list(value: Any) -> Any:
            if type(value) is not list:
                raise _Unsure
            return [item(element) for element in value]

        return read_list
    if origin is typing.Literal and all(type(arg) is str for arg in args):
        allowed = frozenset(args)

        def read_literal(value: Any) -> Any:
            if type(value) is not str or value not in allowed:
                raise _Unsure
            return value

        return read_literal
    if isinstance(annotation, type) and issubclass(annotation, Record):
        nested = annotation

        def read_record(value: Any) -> Any:
            reader = _plain_reader_of(nested)  # on use: a record may hold its own kind
            if reader is None:
                raise _Unsure
            return reader(value)

        return read_record
    if annotation in (str, int, bool, date) or (isinstance(annotation, type) and issubclass(annotation, Enum)):
        exact = annotation  # no conversion: a bool is no int here, a datetime no date, a text no member

        def read_exact(value: Any) -> Any:
            if type(value) is not exact:
                raise _Unsure
            return value

        return read_exact
    raise _Unsupported(annotation)


# The constraints whose meaning is plain (pattern is not: Python's `$` also matches before a final newline).
_PLAIN_LIMITS: dict[str, Callable[[Any, Any], bool]] = {
    "ge": lambda value, bound: value >= bound,
    "gt": lambda value, bound: value > bound,
    "le": lambda value, bound: value <= bound,
    "lt": lambda value, bound: value < bound,
    "min_length": lambda value, bound: len(value) >= bound,
    "max_length": lambda value, bound: len(value) <= bound,
}


def _plain_annotated_reader(base: Any, markers: tuple[Any, ...]) -> _Read:
    befores = [marker.function for marker in markers if isinstance(marker, Before)]
    afters = [marker.function for marker in markers if isinstance(marker, After)]
    limits: list[tuple[Callable[[Any, Any], bool], Any]] = []
    for marker in markers:
        if isinstance(marker, Limits):
            for name, bound in marker.constraints.items():
                if name not in _PLAIN_LIMITS:
                    raise _Unsupported(name)
                limits.append((_PLAIN_LIMITS[name], bound))
        elif not isinstance(marker, Before | After):
            raise _Unsupported(marker)
    if len(befores) > 1:
        raise _Unsupported(markers)  # their order is pydantic's business
    if limits and typing.get_origin(base) is not list and base not in (str, int):
        raise _Unsupported(markers)
    inner = _plain_value_reader(base)

    def read_annotated(value: Any) -> Any:
        if befores:
            value = _run(befores[0], value)
        value = inner(value)
        # A limit holds before and after the functions alike, whichever order pydantic checks them in.
        for holds, bound in limits:
            if not holds(value, bound):
                raise _Unsure
        for function in afters:
            value = _run(function, value)
        for holds, bound in limits:
            if not holds(value, bound):
                raise _Unsure
        return value

    return read_annotated


# ---------------------------------------------------------------- dumping


def _rebuilt(cls: type[R], values: dict[str, Any]) -> R:
    return cls.from_fields(values)


def plain_values(value: Any) -> Any:
    """`value` with every record in it (at any depth) as its fields (`model_dump()`), for checking again."""
    if isinstance(value, Record):
        return value.model_dump()
    if isinstance(value, list | tuple):
        return [plain_values(item) for item in value]
    if isinstance(value, dict):
        return {key: plain_values(item) for key, item in value.items()}
    return value


def _json_value(value: Any) -> Any:
    if isinstance(value, Record):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_value(item) for key, item in value.items()}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
