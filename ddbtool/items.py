"""Items between DynamoDB's typed form and plain Python values.

Plain values are what TypeDeserializer gives: str, Decimal (never float),
bool, None, bytes (boto3's Binary is unwrapped), set, list, dict.
"""

from __future__ import annotations

from collections.abc import Mapping
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
