"""Option and argument values from their text, without pydantic where the text is plainly valid.

Typer converts every parameter of a command through a pydantic TypeAdapter,
which imports pydantic and builds an adapter apiece: some 60 ms before any
command does anything. The plain cases (text, a whole or decimal number within
its range, one of a choice's values, a path without checks, a flag's
True or False, a value not given) are converted here
to what Typer would give; anything else (a bad number, an unknown choice, a
type not listed here) still goes to Typer, so its messages stay Typer's.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any, get_args

_WHOLE = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")

Leaf = Callable[[Any], Any]


class _NotPlain(Exception):
    """The value is not a plain case: Typer decides."""


def runtime_param(descriptor: Any, typers: Callable[[], Any]) -> Any:
    """What a parameter's `get_runtime_param` returns: quick for plain types, else `typers()`, Typer's own."""
    leaf = leaf_of(descriptor)
    return typers() if leaf is None else _Quick(leaf, descriptor.is_list, typers)


class _Quick:
    """What Typer's runtime parameter does (`coerce`), for values `leaf` converts."""

    def __init__(self, leaf: Leaf, is_list: bool, typers: Callable[[], Any]) -> None:
        self.leaf, self.is_list, self.typers = leaf, is_list, typers

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        many = bool(param.multiple or param.nargs == -1)
        if value is None:
            return () if many else None
        try:
            if many and self.is_list and isinstance(value, (list, tuple)):
                return [self.leaf(each) for each in value]
            if not many and not self.is_list:
                return self.leaf(value)
        except _NotPlain:
            pass
        return self.typers().coerce(value, param=param, ctx=ctx)


def leaf_of(descriptor: Any) -> Leaf | None:
    """How to convert one plain value of the parameter `descriptor` describes, if it is a plain type."""
    info = descriptor.parameter_info
    annotation = descriptor.annotation
    if descriptor.is_list:
        (annotation,) = get_args(annotation) or (None,)
    if info.parser is not None or getattr(info, "click_type", None) is not None or info.clamp:
        return None
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return _choice(annotation)
    if annotation is str:
        return _text
    if annotation is bool:
        return _flag
    if annotation is int:
        return _number(int, _WHOLE, info.min, info.max)
    if annotation is float:
        return _number(float, _DECIMAL, info.min, info.max)
    if annotation is Path and _unchecked(info):
        return _path
    return None


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise _NotPlain


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _NotPlain


def _number(kind: type[Any], pattern: re.Pattern[str], low: Any, high: Any) -> Leaf:
    def convert(value: Any) -> Any:
        if isinstance(value, str) and pattern.fullmatch(value):
            number = kind(value)
        elif type(value) is kind:
            number = value
        else:
            raise _NotPlain
        if (low is not None and number < low) or (high is not None and number > high):
            raise _NotPlain
        return number

    return convert


def _choice(enum: type[Enum]) -> Leaf:
    by_value = {str(member.value): member for member in enum}

    def convert(value: Any) -> Any:
        if isinstance(value, enum):
            return value
        if isinstance(value, str) and value in by_value:
            return by_value[value]
        raise _NotPlain

    return convert


def _unchecked(info: Any) -> bool:
    """A path option with none of Typer's checks: it converts the text, and stats only to check reading."""
    return (
        not info.exists
        and info.file_okay
        and info.dir_okay
        and not info.writable
        and not info.resolve_path
        and not info.allow_dash
        and info.path_type is None
    )


def _path(value: Any) -> Path:
    if isinstance(value, Path):
        path = value
    elif isinstance(value, str) and value:
        path = Path(value)
    else:
        raise _NotPlain
    if path.exists() and not os.access(path, os.R_OK):
        raise _NotPlain  # Typer refuses it: `readable` is on by default
    return path
