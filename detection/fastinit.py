"""A faster ``__init__`` for frozen, slotted dataclasses built for every account of a scan.

The ``__init__`` that ``dataclasses`` writes for a frozen class stores each field with
``object.__setattr__(self, name, value)``, which looks the attribute up on the type for
every field. A scan builds a few dozen such objects per account (signals, evidence,
stakeholder roles, white-space cells...), so that look-up is a noticeable share of the
time. ``fast_init`` swaps in an ``__init__`` with the same signature and defaults that
stores each field through its slot descriptor directly: the same object, the same
immutability (``__setattr__`` still raises FrozenInstanceError), about twice as fast.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def _checked_fields(cls: type) -> tuple[dataclasses.Field, ...]:
    """The class's fields, or TypeError for a class this module cannot speed up safely."""
    if not dataclasses.is_dataclass(cls) or not cls.__dataclass_params__.frozen:
        raise TypeError(f"{cls.__name__} is not a frozen dataclass")
    fields = dataclasses.fields(cls)
    names = tuple(f.name for f in fields)
    if cls.__dict__.get("__slots__") != names:
        raise TypeError(f"{cls.__name__} is not slotted on exactly its fields")
    if len(cls.__dataclass_fields__) != len(fields):
        raise TypeError(f"{cls.__name__} has InitVar or ClassVar pseudo-fields")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has a __post_init__")
    for f in fields:
        if not f.init or f.kw_only:
            raise TypeError(f"{cls.__name__}.{f.name}: init=False / kw_only not supported")
    return fields


def fast_init(cls: type[T]) -> type[T]:
    """Class decorator (above ``@dataclass(frozen=True, slots=True)``): see module doc."""
    fields = _checked_fields(cls)
    env: dict[str, Any] = {"_FACTORY": object()}
    params, body = [], []
    for f in fields:
        setter = f"_set_{f.name}"
        env[setter] = cls.__dict__[f.name].__set__  # the slot's member descriptor
        value = f.name
        if f.default is not dataclasses.MISSING:
            env[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        elif f.default_factory is not dataclasses.MISSING:
            env[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_FACTORY")
            value = f"_factory_{f.name}() if {f.name} is _FACTORY else {f.name}"
        else:
            params.append(f.name)
        body.append(f"    {setter}(self, {value})")
    source = f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body or ["    pass"])
    namespace: dict[str, Any] = {}
    exec(source, env, namespace)  # noqa: S102 - generated from the class's own field names
    init = namespace["__init__"]
    original = cls.__init__
    init.__qualname__ = original.__qualname__
    init.__annotations__ = dict(original.__annotations__)
    init.__module__ = cls.__module__
    cls.__init__ = init
    return cls
