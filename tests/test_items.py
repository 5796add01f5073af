"""Typed items, plain values, and user lookups."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ddbtool.errors import NotFoundError
from ddbtool.items import from_dynamo, to_dynamo
from ddbtool.model import User, user_item
from ddbtool.schema import KeySchema, TableSpec
from ddbtool.tables import load_table
from ddbtool.users import get_user, require_user


def test_round_trip_keeps_every_type() -> None:
    item = {
        "pk": "a",
        "n": Decimal("1.5"),
        "flag": True,
        "none": None,
        "blob": b"\x00\x01",
        "tags": {"x", "y"},
        "nested": {"list": [Decimal(1), "two", b"3"]},
    }
    typed = to_dynamo(item)
    assert typed["n"] == {"N": "1.5"} and typed["blob"] == {"B": b"\x00\x01"}
    assert from_dynamo(typed) == item


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        to_dynamo({"pk": "a", "n": 1.5})


def test_user_lookup_by_handle(dynamodb: Any) -> None:
    load_table(dynamodb, TableSpec("users", {"pk": "S", "sk": "S"}, KeySchema("pk", "sk")))
    andrew = User("0a1b", "andrewbrown", "Andrew Brown", "sub-1")
    dynamodb.put_item(TableName="users", Item=to_dynamo(user_item(andrew)))
    assert get_user(dynamodb, "users", "andrewbrown") == andrew
    assert get_user(dynamodb, "users", "nobody") is None
    with pytest.raises(NotFoundError, match="no user with handle 'nobody'"):
        require_user(dynamodb, "users", "nobody")
