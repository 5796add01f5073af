"""Items between DynamoDB's typed form and plain Python values.

Plain values are what TypeDeserializer gives: str, Decimal (never float),
bool, None, bytes (boto3's Binary is unwrapped), set, list, dict.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from typing import Any


@cache
def _serializer() -> Any:
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer()


@cache
def _deserializer() -> Any:
    from boto3.dynamodb.types import TypeDeserializer

    return TypeDeserializer()


def to_dynamo(item: Mapping[str, Any]) -> dict[str, Any]:
    """A plain item as DynamoDB's typed attribute values. Floats are refused: use Decimal."""
    serialize = _serializer().serialize
    return {name: serialize(value) for name, value in item.items()}


def from_dynamo(item: Mapping[str, Any]) -> dict[str, Any]:
    """A typed item (as the low-level client returns it) as plain values."""
    deserialize = _deserializer().deserialize
    return {name: _unwrap(deserialize(value)) for name, value in item.items()}


def _unwrap(value: Any) -> Any:
    if type(value).__name__ == "Binary":
        return bytes(value.value)
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    if isinstance(value, set) and value and type(next(iter(value))).__name__ == "Binary":
        return {bytes(v.value) for v in value}
    return value


# DynamoDB's item size limit: 400 KB, counting attribute names and values.
MAX_ITEM_BYTES = 400 * 1024


def item_size(item: Mapping[str, Any]) -> int:
    """An item's size in bytes as DynamoDB counts it against the 400 KB limit.

    Names and strings count their UTF-8 bytes, numbers one byte per two
    significant digits plus one, lists and maps 3 bytes plus 1 per element.
    """
    return sum(len(str(name).encode("utf-8")) + value_size(value) for name, value in item.items())


def value_size(value: Any) -> int:
    """One attribute value's size in bytes, by DynamoDB's rules."""
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    if value is None or isinstance(value, bool):
        return 1
    if isinstance(value, (int, Decimal)):
        digits = Decimal(value).normalize().as_tuple().digits
        return (len(digits) + 1) // 2 + 1
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    if isinstance(value, (set, frozenset)):
        return sum(value_size(v) for v in value)
    if isinstance(value, Mapping):
        return 3 + sum(len(str(k).encode("utf-8")) + value_size(v) + 1 for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return 3 + sum(value_size(v) + 1 for v in value)
    raise TypeError(f"{type(value).__name__} is not a DynamoDB value")
