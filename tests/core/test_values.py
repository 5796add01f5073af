"""Values: typed <-> plain <-> JSON/CSV text, DynamoDB's rules on items, and user lookups."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from ddbtool.apps.cruddur.model import User, user_item
from ddbtool.apps.cruddur.users import DynamoUsers, get_user, require_user
from ddbtool.errors import NotFoundError, UsageError
from ddbtool.limits import MAX_ITEM_BYTES, item_problems, require_valid_items, set_member_problem
from ddbtool.tables.admin import load_table
from ddbtool.tables.spec import KeySchema, TableSpec
from ddbtool.values import cell_text, from_dynamo, json_text, number_text, to_dynamo

LONG = "12345678901234567890.123456789"


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


# --- text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (LONG, LONG),  # through float this was 1.2345678901234567e+19
        ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
        ("1E+3", "1000"),  # integers stay integers, as DynamoDB returns them
        ("1.50", "1.5"),
        ("0.0000001", "0.0000001"),  # Decimal's own str() would say 1E-7
        ("-2", "-2"),
        ("1E-130", "0." + "0" * 129 + "1"),
    ],
)
def test_numbers_keep_every_digit(stored: str, shown: str) -> None:
    number = Decimal(stored)
    assert number_text(number) == shown
    assert json_text({"n": number}) == f'{{"n": {shown}}}'
    assert json.loads(json_text(number), parse_float=Decimal, parse_int=Decimal) == number
    assert cell_text(number) == shown


def test_json_text_of_every_kind() -> None:
    item = {
        "s": 'say "hi"\nü',
        "i": Decimal(7),
        "ns": {Decimal("10"), Decimal("9.5")},
        "ss": {"b", "a"},
        "bs": {b"\x02", b"\x01"},
        "b": b"\x00\xff",
        "null": None,
        "t": True,
        "l": [Decimal("0.1"), {"m": []}],
    }
    assert json_text(item) == (
        '{"s": "say \\"hi\\"\\nü", "i": 7, "ns": [9.5, 10], "ss": ["a", "b"], "bs": ["AQ==", "Ag=="], '
        '"b": "AP8=", "null": null, "t": true, "l": [0.1, {"m": []}]}'
    )
    plain = {"a": [1, "x", {"b": None}], "c": {}, "d": [], "e": 2.5}
    assert json_text(plain, indent=2) == json.dumps(plain, indent=2)
    assert json_text(plain) == json.dumps(plain)


def test_cells_are_text_and_nested_values_json() -> None:
    assert [cell_text(v) for v in (None, "x", True, b"\x01", 3)] == ["", "x", "true", "AQ==", "3"]
    assert cell_text({"n": Decimal(LONG)}) == f'{{"n": {LONG}}}'
    assert cell_text({"b", "a"}) == '["a", "b"]'


# --- DynamoDB's rules ----------------------------------------------------------------


def nested(levels: int, leaf: Any = "leaf") -> Any:
    value: Any = leaf
    for _ in range(levels):
        value = {"a": value}
    return value


def messages(item: dict[str, Any], **keys: Any) -> list[str]:
    return [f"{p.field}: {p.message}" if p.field else p.message for p in item_problems(item, **keys)]


def test_nesting_counts_the_item_as_the_first_of_32_levels() -> None:
    # What DynamoDB Local 3.3.1 accepts: 31 maps or lists inside an attribute, not 32.
    assert messages({"pk": "a", "deep": nested(31), "list": [[[["x"]]]]}) == []
    assert messages({"pk": "a", "deep": nested(32)}) == [
        "deep" + ".a" * 31 + ": nested deeper than DynamoDB's 32 levels (the item is the first)"
    ]
    assert len(messages({"pk": "a", "deep": nested(31, leaf={})})) == 1  # an empty map is a level too
    assert len(messages({"pk": "a", "deep": nested(31, leaf=[])})) == 1
    assert messages({"pk": "a", "deep": nested(31, leaf={"x"})}) == []  # a set is not


def test_sets_need_one_type_and_a_member() -> None:
    assert messages({"tags": set()}) == ["tags: an empty set; DynamoDB sets hold at least one value"]
    assert messages({"m": {"mixed": {"a", Decimal(1)}}}) == [
        "m.mixed: a set holds values of one type: all text, all numbers or all binary"
    ]
    assert messages({"s": {True}}) == ["s: a set holds text, numbers or binary, not bool True"]
    assert messages({"ok": {Decimal(1), Decimal("2.5")}, "bs": {b"x"}}) == []


def test_set_members_written_twice_are_duplicates() -> None:
    assert set_member_problem([1, Decimal("1.0")]) == "1 is in the set twice; a set holds each value once"
    assert set_member_problem(["a", "a"]) == "'a' is in the set twice; a set holds each value once"
    assert set_member_problem(["a", "b"]) is None


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("1" * 39, f"{'1' * 39} has 39 significant digits; DynamoDB keeps at most 38"),
        ("1E+126", "1E+126 is too large; DynamoDB numbers stay below 1E+126"),
        ("-1E+126", "-1E+126 is too large; DynamoDB numbers stay below 1E+126"),
        ("1E-131", "1E-131 is too close to zero; DynamoDB numbers are 0 or at least 1E-130"),
    ],
)
def test_numbers_out_of_dynamodbs_range(number: str, problem: str) -> None:
    assert messages({"n": Decimal(number)}) == [f"n: {problem}"]
    assert messages({"n": [Decimal(number)]}) == [f"n[0]: {problem}"]


def test_numbers_at_the_edges_of_dynamodbs_range() -> None:
    edges = ["1" * 38 + "00", "9." + "9" * 37 + "E+125", "1E-130", "-1E-130", "0", LONG]
    assert messages({f"n{i}": Decimal(n) for i, n in enumerate(edges)}) == []


def test_floats_and_other_types_are_named() -> None:
    assert (
        messages({"f": 1.5, "o": object()})[0] == "f: 1.5 is a float; DynamoDB numbers are exact: use Decimal"
    )
    assert messages({"": "x"}) == ["'' is not an attribute name: use non-empty text"]


def test_key_attributes_of_the_table_and_its_indexes() -> None:
    types = {"pk": "S", "sk": "N", "gsi_pk": "S", "gsi_n": "N"}
    keys = {"key_types": types, "table_key": ("pk", "sk")}
    assert messages({"pk": "a", "sk": Decimal(1)}, **keys) == []  # index keys may be absent
    assert messages({"pk": "", "sk": Decimal(1), "gsi_pk": "", "gsi_n": "x"}, **keys) == [
        "key attribute 'pk' must be 1 to 2048 bytes",
        "key attribute 'gsi_pk' must be at least 1 byte; an index key cannot be empty",
        "key attribute 'gsi_n' must be a number, found str 'x'",
    ]
    assert messages({"sk": "x", "gsi_pk": b"\x01"}, **keys) == [
        "key attribute 'pk' (text) is missing",
        "key attribute 'sk' must be a number, found str 'x'",
        "key attribute 'gsi_pk' must be text, found bytes b'\\x01'",
    ]


def test_item_size_limit() -> None:
    assert messages({"pk": "a", "body": "x" * (MAX_ITEM_BYTES - 7)}) == []  # names count: 2 + 4
    assert messages({"pk": "a", "body": "x" * (MAX_ITEM_BYTES - 6)}) == [
        f"the item is {MAX_ITEM_BYTES + 1:,} bytes; DynamoDB allows at most {MAX_ITEM_BYTES:,}"
    ]


def test_a_write_path_refuses_the_first_bad_item_in_one_line() -> None:
    good = {"pk": "a", "sk": "1"}
    with pytest.raises(UsageError) as raised:
        require_valid_items(
            [good, {"pk": "b", "sk": "2", "tags": set(), "n": Decimal("1E+200")}], {}, ("pk", "sk")
        )
    assert raised.value.lines() == [
        "item pk='b', sk='2': tags: an empty set; DynamoDB sets hold at least one value "
        "(and 1 more problems); nothing was written"
    ]
    require_valid_items([good], {}, ("pk", "sk"))


# --- users ---------------------------------------------------------------------------


def test_user_lookup_by_handle(dynamodb: Any) -> None:
    load_table(dynamodb, TableSpec("users", {"pk": "S", "sk": "S"}, KeySchema("pk", "sk")))
    andrew = User("0a1b", "andrewbrown", "Andrew Brown", "sub-1")
    dynamodb.put_item(TableName="users", Item=to_dynamo(user_item(andrew)))
    assert get_user(dynamodb, "users", "andrewbrown") == andrew
    assert get_user(dynamodb, "users", "nobody") is None
    with pytest.raises(NotFoundError, match="no user with handle 'nobody'"):
        require_user(DynamoUsers(dynamodb, "users"), "nobody")


def test_conversion_agrees_with_boto3s_serializer_and_deserializer_on_every_type() -> None:
    from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer

    class Attributes(dict[str, Any]):  # a mapping that is not exactly a dict (YAML's, say)
        pass

    item = {
        "s": "é",
        "n": Decimal("-12345678901234567890.123456789"),
        "i": 7,
        "e": Decimal("1E+5"),
        "t": True,
        "f": False,
        "z": None,
        "b": b"\x00\xff",
        "ss": {"a", "b"},
        "ns": {Decimal(1), Decimal("2.5")},
        "bs": {b"x", b"y"},
        "l": [Decimal(1), "two", [None], {"deep": b"3"}],
        "m": Attributes(inner={"x": Decimal("0.10")}),
        "tuple": ("a", Decimal(2)),
    }
    typed = to_dynamo(item)
    assert typed == {name: TypeSerializer().serialize(value) for name, value in item.items()}
    expected = {name: TypeDeserializer().deserialize(value) for name, value in typed.items()}
    plain = from_dynamo(typed)
    assert plain["b"] == b"\x00\xff" and expected["b"] == Binary(b"\x00\xff")
    assert plain["bs"] == {b"x", b"y"}
    assert {k: v for k, v in plain.items() if k not in ("b", "bs", "l")} == {
        k: v for k, v in expected.items() if k not in ("b", "bs", "l")
    }
    assert plain["l"] == [Decimal(1), "two", [None], {"deep": b"3"}]


def test_numbers_dynamodb_cannot_hold_and_floats_are_refused_on_the_way_out() -> None:
    from decimal import Inexact, Rounded

    with pytest.raises((Inexact, Rounded)):
        to_dynamo({"n": Decimal("1." + "1" * 40)})
    with pytest.raises(TypeError):
        to_dynamo({"n": Decimal("Infinity")})
    with pytest.raises(TypeError):
        to_dynamo({"nested": {"n": 1.5}})
