"""DynamoDB values: typed <-> plain <-> JSON/CSV text, in one place.

Plain values are what TypeDeserializer gives, with binary unwrapped: str,
Decimal (never float), bool, None, bytes, set, list, dict. Every other module
converts through here, so a number keeps every digit from a YAML file to
DynamoDB and from DynamoDB to every output. What DynamoDB would refuse is
limits.py's business.
"""

from __future__ import annotations

import base64
import json
import json.encoder
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

# --- typed <-> plain -----------------------------------------------------------------


@cache
def _serializer() -> Any:
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer()


@cache
def _number_context() -> Any:
    from boto3.dynamodb.types import DYNAMODB_CONTEXT

    return DYNAMODB_CONTEXT


def to_dynamo(item: Mapping[str, Any]) -> dict[str, Any]:
    """A plain item (or key, or expression values) as DynamoDB's typed attribute values.

    Floats are refused (TypeError): use Decimal.
    """
    return {name: _typed(value) for name, value in item.items()}


def _typed(value: Any) -> dict[str, Any]:
    """What boto3's TypeSerializer gives, with the common exact types done here: every item of a
    bulk write passes through this, and the serializer's checks in order cost several times more."""
    kind = type(value)
    if kind is str:
        return {"S": value}
    if kind is dict:
        return {"M": {name: _typed(inner) for name, inner in value.items()}}
    if kind is Decimal:
        # The serializer's own rule: at most 38 digits (the context traps rounding), finite.
        text = str(_number_context().create_decimal(value))
        if text in ("Infinity", "NaN"):
            raise TypeError("Infinity and NaN not supported")
        return {"N": text}
    if kind is bool:
        return {"BOOL": value}
    if value is None:
        return {"NULL": True}
    if kind is list:
        return {"L": [_typed(inner) for inner in value]}
    return _serializer().serialize(value)  # type: ignore[no-any-return]


def from_dynamo(item: Mapping[str, Any]) -> dict[str, Any]:
    """A typed item (as the low-level client returns it) as plain values, binary as bytes."""
    return {name: from_dynamo_value(value) for name, value in item.items()}


def from_dynamo_value(value: Mapping[str, Any]) -> Any:
    """One typed value as plain, in one pass (TypeDeserializer's, with binary unwrapped)."""
    ((kind, raw),) = value.items()
    if kind == "S":
        return raw
    if kind == "N":
        return _number_context().create_decimal(raw)
    if kind == "M":
        return {name: from_dynamo_value(inner) for name, inner in raw.items()}
    if kind == "L":
        return [from_dynamo_value(inner) for inner in raw]
    if kind == "BOOL":
        return raw
    if kind == "NULL":
        return None
    if kind == "B":
        return bytes(raw)
    if kind == "SS":
        return set(raw)
    if kind == "NS":
        return {_number_context().create_decimal(member) for member in raw}
    if kind == "BS":
        return {bytes(member) for member in raw}
    raise TypeError(f"DynamoDB type {kind!r} is not known")


# --- YAML -> plain -------------------------------------------------------------------


def parse_number(text: str) -> Decimal:
    """A number written as text, exactly; ValueError if it is not a finite number."""
    try:
        number: Decimal | None = Decimal(text.replace("_", ""))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        # .inf and .nan are YAML floats, but DynamoDB numbers are finite.
        raise ValueError(f"{text} is not a number DynamoDB can store")
    return number


def from_yaml(value: Any) -> Any:
    """A loaded YAML value as a plain value: every number a Decimal, no line bookkeeping."""
    if type(value) is str:  # the most common value, first
        return value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Mapping):
        return {key: from_yaml(v) for key, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return {from_yaml(v) for v in value}
    if isinstance(value, list):
        return [from_yaml(v) for v in value]
    return value


# --- text -> plain -------------------------------------------------------------------


def from_json_text(text: str) -> Any:
    """A JSON document as plain values: every number a Decimal with every digit, never a float.

    ValueError (json's JSONDecodeError) names the line and column of a syntax error.
    """

    def number(literal: str) -> Decimal:
        return parse_number(literal)

    return json.loads(text, parse_float=number, parse_int=number, parse_constant=_no_constant)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number DynamoDB can store")


def from_text(text: str, kind: str) -> Any:
    """A value written on the command line, as the attribute type `kind` (S, N or B) says.

    Binary is written as base64. ValueError says what the text should look like.
    """
    if kind == "S":
        return text
    if kind == "N":
        return parse_number(text.strip())
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise ValueError(f"{text!r} is not base64; binary values are written as base64") from None


# --- plain -> text -------------------------------------------------------------------

_quote = json.encoder.encode_basestring  # JSON string literal, non-ASCII kept (C-accelerated)


def number_text(value: Decimal | int) -> str:
    """A number as DynamoDB writes it: every digit, no exponent, no trailing fractional zeros."""
    text = str(value)
    if "E" not in text and not ("." in text and text.endswith("0")):
        return text
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def json_text(value: Any, indent: int | None = None) -> str:
    """Plain values as JSON: numbers as JSON numbers with every digit, sets as sorted lists,
    binary as base64, None as null; `indent` spaces per level, or one line."""
    return _json(value, None if indent is None else " " * indent, "\n")


def _json(value: Any, indent: str | None, newline: str) -> str:
    kind = type(value)
    if kind is str:
        return _quote(value)
    if kind is Decimal:
        return number_text(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    if isinstance(value, Mapping):
        inner = newline + indent if indent is not None else ""
        parts = [f"{_quote(str(k))}: {_json(v, indent, inner)}" for k, v in value.items()]
        return _join("{", parts, "}", inner, newline)
    if isinstance(value, (list, tuple, set, frozenset)):
        inner = newline + indent if indent is not None else ""
        members = _sorted(value) if isinstance(value, (set, frozenset)) else value
        return _join("[", [_json(v, indent, inner) for v in members], "]", inner, newline)
    if isinstance(value, (bytes, bytearray)):
        return _quote(base64.b64encode(value).decode("ascii"))
    if isinstance(value, float):
        return json.dumps(value)  # not a DynamoDB value: a timing or a rate in a summary
    if isinstance(value, str):  # subclasses, such as an enum's value
        return _quote(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, Decimal):
        return number_text(value)
    raise TypeError(f"{kind.__name__} is not JSON serialisable")


def _join(opening: str, parts: list[str], closing: str, inner: str, newline: str) -> str:
    if not parts:
        return opening + closing
    if not inner:
        return opening + ", ".join(parts) + closing
    return opening + inner + ("," + inner).join(parts) + newline + closing


def _sorted(members: Iterable[Any]) -> list[Any]:
    try:
        return sorted(members)
    except TypeError:  # mixed types, which DynamoDB would refuse: any stable order will do
        return sorted(members, key=lambda m: (type(m).__name__, str(m)))


def cell_text(value: Any) -> str:
    """One value as a CSV or table cell: scalars as text (numbers with every digit), the rest as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, (bool, Decimal, Mapping, list, tuple, set, frozenset)):
        return json_text(value)
    return str(value)
