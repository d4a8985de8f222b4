"""Shared machinery of the models: dict conversion both ways, read access by JSON key."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, overload

from ._enum import StringEnum as StringEnum  # where the models import it from
from ._timestamps import coerce_timestamp, format_timestamp, parse_timestamp

M = TypeVar("M", bound="Model")

Converter = Callable[[Any, str, bool], Any]

_SCALARS = frozenset({str, int, float, bool})


@dataclasses.dataclass
class Model:
    """Base of every model: a mutable dataclass whose field names are the JSON keys.

    Subclasses declare `_timestamps` (fields parsed as timestamps) and `_nested` (fields holding
    models: field name -> (model class, is a list)). Unknown JSON keys are kept in
    `additional_properties`. Read access by JSON key (`m["message_id"]`, `m.get(...)`, `in`,
    `keys()`) serves code written against 1.1.0, which returned dicts; a field's key returns the
    attribute as held (a datetime for a timestamp, a model for a nested object).
    """

    _timestamps: ClassVar[tuple[str, ...]] = ()
    _nested: ClassVar[dict[str, tuple[type[Model], bool]]] = {}
    _spec_cache: ClassVar[_Spec]

    additional_properties: dict[str, Any] = dataclasses.field(
        default_factory=dict, kw_only=True, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        for name in self._spec().lists:  # `Model(messages=None)` still gets its list
            if self.__dict__[name] is None:
                self.__dict__[name] = []
        for name in self._timestamps:
            value = self.__dict__[name]
            if isinstance(value, str):
                self.__dict__[name] = coerce_timestamp(value)

    if not TYPE_CHECKING:  # type checkers see the declared field, never a dynamic attribute

        def __getattr__(self, name: str) -> Any:
            # A model built from JSON gets its `additional_properties` on first use: most
            # responses have no unknown key, so most models never need the dict.
            if name == "additional_properties":  # setdefault: two threads get one dict
                return self.__dict__.setdefault(name, {})
            raise AttributeError(
                f"{type(self).__name__!r} object has no attribute {name!r}", name=name, obj=self
            )

    @classmethod
    def _spec(cls) -> _Spec:
        spec = cls.__dict__.get("_spec_cache")
        if spec is None:
            spec = _Spec(cls)
            cls._spec_cache = spec
        return spec

    @overload
    @classmethod
    def from_dictionary(cls: type[M], dictionary: None) -> None: ...

    @overload
    @classmethod
    def from_dictionary(cls: type[M], dictionary: Mapping[str, Any]) -> M: ...

    @classmethod
    def from_dictionary(cls: type[M], dictionary: Mapping[str, Any] | None) -> M | None:
        """Build the model from decoded JSON.

        Args:
            dictionary: a JSON object as decoded by `json.loads`, or None. It is not changed:
                the model holds a copy (its values, e.g. a `metadata` dict, are shared).

        Returns:
            The model (None for None). Unknown keys go to `additional_properties`; a null value
            leaves the field's default; timestamps become aware UTC datetimes.

        Raises:
            TypeError: if `dictionary` (or a nested object or array) has the wrong JSON type.
            ValueError: if a timestamp cannot be parsed.
        """
        if dictionary is None:
            return None
        if type(dictionary) is not dict and not isinstance(dictionary, Mapping):
            raise TypeError(
                f"{cls.__name__}.from_dictionary: expected a JSON object, "
                f"got {type(dictionary).__name__}"
            )
        spec = cls._spec()
        return spec.build({**spec.defaults, **dictionary}, owned=False)  # type: ignore[return-value]

    @classmethod
    def _adopt(cls: type[M], data: Any) -> M | None:
        """`from_dictionary` for decoded JSON that nobody else holds: the model takes it over.

        The dict (and the nested objects and arrays in it) become the models' own storage,
        changed in place, instead of being copied: a parsed response then creates a model
        object per JSON object and little else. Fields absent from the JSON read as their
        class defaults. Anything but a dict goes through `from_dictionary`.
        """
        if type(data) is dict:
            return cls._spec().build(data, owned=True)  # type: ignore[return-value]
        given: Mapping[str, Any] | None = data  # from_dictionary checks what it is
        return cls.from_dictionary(given)

    def to_dictionary(self) -> dict[str, Any]:
        """Return the JSON-ready form: JSON keys, None values skipped, nested models converted.

        Aware datetimes become UTC `...Z` text, naive ones `isoformat()` text with no offset;
        `additional_properties` are merged in (declared fields win on a clash).
        """
        spec = self._spec()
        attributes = self.__dict__
        out: dict[str, Any] = {}
        for name, default in spec.defaults.items():
            value = attributes.get(name, default)
            if value is not None:
                out[name] = value if type(value) in _SCALARS else to_json(value)
        for key, value in attributes.get("additional_properties", _NONE).items():
            if key not in spec.defaults:
                out[key] = to_json(value)
        return out

    def __getitem__(self, key: str) -> Any:
        if key in self._spec().defaults:
            return getattr(self, key)
        return self.__dict__.get("additional_properties", _NONE)[key]

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str) and key in self._spec().defaults:
            return getattr(self, key) is not None
        return key in self.__dict__.get("additional_properties", _NONE)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def keys(self) -> list[str]:
        """Return the JSON keys that have a value (the keys `to_dictionary` would produce)."""
        return [key for key, _ in self.items()]

    def items(self) -> list[tuple[str, Any]]:
        """Return the (JSON key, value) pairs that have a value, values as held (not converted)."""
        spec = self._spec()
        attributes = self.__dict__
        pairs = [
            (name, value)
            for name, default in spec.defaults.items()
            if (value := attributes.get(name, default)) is not None
        ]
        extra = attributes.get("additional_properties", _NONE)
        pairs.extend((k, v) for k, v in extra.items() if k not in spec.defaults)
        return pairs

    def get(self, key: str, default: Any = None) -> Any:
        """Return the value for a JSON key, or `default` if the key has no value."""
        if key in self._spec().defaults:
            value = getattr(self, key)
            return default if value is None else value
        return self.__dict__.get("additional_properties", _NONE).get(key, default)


_NONE: Mapping[str, Any] = MappingProxyType({})  # no additional properties (yet)


class _Spec:
    """What building a model from JSON and `to_dictionary` need to know about one class."""

    def __init__(self, cls: type[Model]) -> None:
        fields = [f for f in dataclasses.fields(cls) if f.name != "additional_properties"]
        self.cls = cls
        self.defaults: dict[str, Any] = {
            f.name: None if f.default is dataclasses.MISSING else f.default for f in fields
        }
        self.keyset = frozenset(self.defaults)
        # Response list fields (`default_factory=list`): a fresh empty list, never None.
        self.lists = tuple(f.name for f in fields if f.default_factory is list)
        self.fallbacks = tuple((k, v) for k, v in self.defaults.items() if v is not None)
        converters: dict[str, Converter] = {name: _timestamp for name in cls._timestamps}
        for name, (model, many) in cls._nested.items():
            converters[name] = _list_of(model) if many else _object_of(model)
        self.converters = tuple(converters.items())
        # Plain: only these keys, and no null where the default is not None (`_adopt_plain`).
        self.plain_keys = self.keyset.difference(converters)

    def build(self, data: dict[str, Any], owned: bool) -> Model:
        """The model whose storage is `data` (a dict of its own, changed in place).

        `owned`: the nested objects and arrays are the model's too (else they are copied).
        """
        if not self.keyset.issuperset(data):
            extra = {key: value for key, value in data.items() if key not in self.keyset}
            for key in extra:
                del data[key]
            data["additional_properties"] = extra
        for name, default in self.fallbacks:  # a null keeps a default that is not None
            if data.get(name, default) is None:
                data[name] = default
        for name, convert in self.converters:
            value = data.get(name)
            if value is not None:
                data[name] = convert(value, name, owned)
        for name in self.lists:
            if data.get(name) is None:
                data[name] = []
        model = self.cls.__new__(self.cls)
        model.__dict__ = data
        return model


def _timestamp(value: Any, field: str, owned: bool) -> Any:
    return parse_timestamp(value, field)


def _object_of(model: type[Model]) -> Converter:
    def convert(value: Any, field: str, owned: bool) -> Any:
        if not isinstance(value, Mapping):
            raise TypeError(f"{field}: expected a JSON object, got {type(value).__name__}")
        return model._adopt(value) if owned else model.from_dictionary(value)

    return convert


def _list_of(model: type[Model]) -> Converter:
    def convert(value: Any, field: str, owned: bool) -> Any:
        if not isinstance(value, list):
            raise TypeError(f"{field}: expected a JSON array, got {type(value).__name__}")
        spec = model._spec()
        if owned and _adopt_plain(spec, value):
            return value
        items = value if owned else [None] * len(value)
        for index, item in enumerate(value):
            try:
                if type(item) is dict:
                    items[index] = spec.build(item if owned else {**spec.defaults, **item}, owned)
                elif item is None:  # never a None in a model list
                    raise TypeError("expected a JSON object, got null")
                else:  # another mapping (copied), or the wrong type (TypeError)
                    items[index] = model.from_dictionary(item)
            except (TypeError, ValueError) as exc:
                raise type(exc)(f"{field}[{index}]: {exc}") from exc
        return items

    return convert


def _adopt_plain(spec: _Spec, items: list[Any]) -> bool:
    """Models in place of a JSON array's objects, if all are plain (`build` would only wrap)."""
    plain = spec.plain_keys.issuperset
    for item in items:
        if type(item) is not dict or not plain(item):
            return False
        for name in spec.lists:
            if item.get(name) is None:
                return False
        for name, default in spec.fallbacks:
            if item.get(name, default) is None:
                return False
    for index, item in enumerate(items):
        items[index] = model = object.__new__(spec.cls)
        model.__dict__ = item
    return True


def to_json(value: Any) -> Any:
    """Convert a value held by a model into JSON-ready data (models, datetimes, containers).

    Args:
        value: any attribute value.

    Returns:
        The value with models turned into dicts and datetimes into wire text.
    """
    if type(value) in _SCALARS:
        return value
    if isinstance(value, Model):
        return value.to_dictionary()
    if isinstance(value, datetime):
        return format_timestamp(value)
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {
            key: item if type(item) in _SCALARS else to_json(item) for key, item in value.items()
        }
    return value
