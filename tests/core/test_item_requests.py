"""The requests the item commands send, checked with botocore's Stubber: placeholders for
every name and value, values typed by the table, every page followed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from botocore.stub import Stubber

from ddbtool.errors import InputFileError, NotFoundError, UsageError
from ddbtool.items.expressions import Placeholders
from ddbtool.items.keyquery import KeyCondition, Selection, count, query
from ddbtool.items.keys import TableKeys
from ddbtool.items.partiql import execute, statement_kind
from ddbtool.items.putinput import check_items, read_items
from ddbtool.items.single import Update, delete_item, get_item, update_item
from ddbtool.items.where import filter_expression
from ddbtool.tables.live import parse

SHOP = {
    "TableName": "shop",
    "KeySchema": [{"AttributeName": "sk", "KeyType": "RANGE"}, {"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [
        {"AttributeName": "pk", "AttributeType": "S"},
        {"AttributeName": "sk", "AttributeType": "S"},
        {"AttributeName": "status", "AttributeType": "S"},
        {"AttributeName": "order_no", "AttributeType": "N"},
    ],
    "GlobalSecondaryIndexes": [
        {
            "IndexName": "by-status",
            "KeySchema": [
                {"AttributeName": "status", "KeyType": "HASH"},
                {"AttributeName": "order_no", "KeyType": "RANGE"},
            ],
            "Projection": {"ProjectionType": "ALL"},
        }
    ],
}
KEYS = TableKeys.from_live(parse(SHOP))
KEY = {"pk": {"S": "CUSTOMER#c1"}, "sk": {"S": "ORDER#7"}}


def test_keys_come_from_the_table_and_are_typed_by_it() -> None:
    assert KEYS.key.names == ("pk", "sk")
    assert KEYS.key_of("by-status").names == ("status", "order_no")
    assert KEYS.parse_key(["sk=007", "pk=CUSTOMER#c1"]) == {"pk": "CUSTOMER#c1", "sk": "007"}
    assert KEYS.value("order_no", "007") == Decimal(7)
    assert KEYS.value("total", "12.50") == Decimal("12.50")  # not a key: read as YAML
    assert KEYS.value("note", '"12"') == "12"
    assert KEYS.value("tags", "!!set {a, b}") == {"a", "b"}
    with pytest.raises(
        UsageError, match=r"name the full primary key of shop as pk=VALUE sk=VALUE \(missing sk\)"
    ):
        KEYS.parse_key(["pk=x"])
    with pytest.raises(UsageError, match="not key status"):
        KEYS.parse_key(["pk=x", "sk=y", "status=z"])
    with pytest.raises(UsageError, match="no index 'nope' \\(its indexes: by-status\\)"):
        KEYS.key_of("nope")
    with pytest.raises(UsageError, match="--consistent does not work on a global index"):
        KEYS.key_of("by-status", consistent=True)


def test_get_projects_reserved_words_through_placeholders(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    stubber.add_response(
        "get_item",
        {"Item": {**KEY, "name": {"S": "Ada"}, "count": {"N": "12345678901234567890123456789012345678"}}},
        {
            "TableName": "shop",
            "Key": KEY,
            "ConsistentRead": True,
            "ProjectionExpression": "#n0, #n1",
            "ExpressionAttributeNames": {"#n0": "name", "#n1": "count"},
        },
    )
    stubber.add_response("get_item", {}, {"TableName": "shop", "Key": KEY, "ConsistentRead": False})
    key = {"pk": "CUSTOMER#c1", "sk": "ORDER#7"}
    item = get_item(client, "shop", key, consistent=True, attributes=["name", "count"])
    assert item["count"] == Decimal("12345678901234567890123456789012345678")
    with pytest.raises(NotFoundError, match="no item pk=CUSTOMER#c1 sk=ORDER#7 in shop"):
        get_item(client, "shop", key)


def test_update_puts_every_name_and_value_behind_a_placeholder(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    change = Update(set={"status": "paid", "name": "Ada"}, remove=["size"], add={"count": Decimal(1)})
    stubber.add_response(
        "update_item",
        {"Attributes": {**KEY, "status": {"S": "paid"}}},
        {
            "TableName": "shop",
            "Key": KEY,
            "UpdateExpression": "SET #n0 = :v0, #n1 = :v1 REMOVE #n2 ADD #n3 :v2",
            "ConditionExpression": "attribute_exists(#n4)",
            "ReturnValues": "ALL_NEW",
            "ExpressionAttributeNames": {
                "#n0": "status",
                "#n1": "name",
                "#n2": "size",
                "#n3": "count",
                "#n4": "pk",
            },
            "ExpressionAttributeValues": {":v0": {"S": "paid"}, ":v1": {"S": "Ada"}, ":v2": {"N": "1"}},
        },
    )
    stubber.add_client_error("update_item", "ConditionalCheckFailedException")
    key = {"pk": "CUSTOMER#c1", "sk": "ORDER#7"}
    assert update_item(client, "shop", key, change)["status"] == "paid"
    with pytest.raises(NotFoundError, match="pass --upsert to create it"):
        update_item(client, "shop", key, change)


def test_upsert_has_no_condition(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    stubber.add_response(
        "update_item",
        {"Attributes": KEY},
        {
            "TableName": "shop",
            "Key": KEY,
            "UpdateExpression": "REMOVE #n0",
            "ReturnValues": "ALL_NEW",
            "ExpressionAttributeNames": {"#n0": "status"},
        },
    )
    update_item(
        client, "shop", {"pk": "CUSTOMER#c1", "sk": "ORDER#7"}, Update(remove=["status"]), upsert=True
    )


def test_an_update_that_dynamodb_would_refuse_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="nothing to update"):
        Update().check(KEYS.key)
    with pytest.raises(UsageError, match="sk is part of the key"):
        Update(set={"sk": "x"}).check(KEYS.key)
    with pytest.raises(UsageError, match="status is changed twice"):
        Update(set={"status": "x"}, remove=["status"]).check(KEYS.key)


def test_delete_returns_what_was_there(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    request = {"TableName": "shop", "Key": KEY, "ReturnValues": "ALL_OLD"}
    stubber.add_response("delete_item", {"Attributes": {**KEY, "total": {"N": "9"}}}, request)
    stubber.add_response("delete_item", {}, request)
    key = {"pk": "CUSTOMER#c1", "sk": "ORDER#7"}
    assert delete_item(client, "shop", key) == {**key, "total": Decimal(9)}
    assert delete_item(client, "shop", key) is None


def test_query_follows_every_page_with_typed_placeholders(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    stubber.add_response("describe_table", {"Table": SHOP}, {"TableName": "shop"})
    request = {
        "TableName": "shop",
        "ConsistentRead": False,
        "IndexName": "by-status",
        "KeyConditionExpression": "#n0 = :v0 AND #n1 BETWEEN :v1 AND :v2",
        "ScanIndexForward": False,
        "FilterExpression": "#n2 > :v3 AND begins_with(#n3, :v4) AND attribute_exists(#n4)",
        "ProjectionExpression": "#n3, #n2",
        "ExpressionAttributeNames": {
            "#n0": "status",
            "#n1": "order_no",
            "#n2": "total",
            "#n3": "sk",
            "#n4": "count",
        },
        "ExpressionAttributeValues": {
            ":v0": {"S": "paid"},
            ":v1": {"N": "1"},
            ":v2": {"N": "10"},
            ":v3": {"N": "100"},
            ":v4": {"S": "ORDER#"},
        },
    }
    last = {"status": {"S": "paid"}, "order_no": {"N": "2"}, **KEY}
    stubber.add_response("query", {"Items": [{"sk": {"S": "ORDER#2"}}], "LastEvaluatedKey": last}, request)
    stubber.add_response(
        "query", {"Items": [{"sk": {"S": "ORDER#1"}}]}, {**request, "ExclusiveStartKey": last}
    )
    selection = Selection(
        "shop",
        KeyCondition("paid", "between", ("1", "10")),
        index="by-status",
        where=["total > 100", "begins_with(sk, ORDER#)", "exists(count)"],
        attributes=["sk", "total"],
        reverse=True,
    )
    found = query(client, selection)
    assert found.key == ("status", "order_no")
    assert list(found.items) == [{"sk": "ORDER#2"}, {"sk": "ORDER#1"}]


def test_count_sums_every_page(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    stubber.add_response("describe_table", {"Table": SHOP}, {"TableName": "shop"})
    request = {
        "TableName": "shop",
        "ConsistentRead": False,
        "KeyConditionExpression": "#n0 = :v0",
        "Select": "COUNT",
        "ExpressionAttributeNames": {"#n0": "pk"},
        "ExpressionAttributeValues": {":v0": {"S": "CUSTOMER#c1"}},
    }
    stubber.add_response("query", {"Count": 3, "LastEvaluatedKey": KEY}, request)
    stubber.add_response("query", {"Count": 2}, {**request, "ExclusiveStartKey": KEY})
    assert count(client, Selection("shop", KeyCondition("CUSTOMER#c1"))) == 5


def test_where_mini_language() -> None:
    names = Placeholders()
    expression = filter_expression(
        ["status <> open", "contains(tags, red)", "not_exists(shipped)"], KEYS, names
    )
    assert expression == "#n0 <> :v0 AND contains(#n1, :v1) AND attribute_not_exists(#n2)"
    assert names.request()["ExpressionAttributeValues"] == {":v0": {"S": "open"}, ":v1": {"S": "red"}}
    for bad in ("status ~ open", "status =", "exists()", "begins_with(a)"):
        with pytest.raises(UsageError, match="--where"):
            filter_expression([bad], KEYS, Placeholders())


def test_a_sort_condition_needs_a_sort_key() -> None:
    hash_only = TableKeys.from_live(
        parse({**SHOP, "KeySchema": [SHOP["KeySchema"][1]], "GlobalSecondaryIndexes": []})
    )
    with pytest.raises(UsageError, match="no sort key"):
        KeyCondition("x", "=", ("y",)).expression(hash_only.key, hash_only, Placeholders())


def test_partiql_follows_next_token_with_typed_parameters(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    statement = 'SELECT * FROM "shop" WHERE pk = ? AND order_no > ?'
    request = {
        "Statement": statement,
        "ConsistentRead": False,
        "Parameters": [{"S": "CUSTOMER#c1"}, {"N": "2"}],
    }
    stubber.add_response("execute_statement", {"Items": [KEY], "NextToken": "t1"}, request)
    stubber.add_response("execute_statement", {"Items": [KEY]}, {**request, "NextToken": "t1"})
    assert len(list(execute(client, statement, ["CUSTOMER#c1", Decimal(2)]))) == 2
    assert [statement_kind(s) for s in ("select 1", " INSERT x", "Update", "delete", "EXISTS")] == [
        "select",
        "insert",
        "update",
        "delete",
        "other",
    ]


def test_put_input_in_every_form_keeps_numbers_exact() -> None:
    big = "12345678901234567890123456789012345678"
    one = read_items(f'{{"pk": "a", "sk": "b", "n": {big}, "f": 0.1}}', "ITEM")
    assert one[0].item == {"pk": "a", "sk": "b", "n": Decimal(big), "f": Decimal("0.1")}
    lines = read_items('{"pk": "a", "sk": "1"}\n\n{"pk": "a", "sk": "2"}\n', "x.jsonl")
    assert [(entry.item["sk"], entry.line) for entry in lines] == [("1", 1), ("2", 3)]
    array = read_items('[{"pk": "a", "sk": "1"}, {"pk": "a", "sk": "2"}]', "x.json")
    assert [entry.field for entry in array] == ["[0]", "[1]"]
    yaml = read_items("- {pk: a, sk: '1', s: !!set {1, 2}}\n- {pk: a, sk: '2', b: !!binary aGk=}\n", "x.yaml")
    assert yaml[0].item["s"] == {Decimal(1), Decimal(2)} and yaml[1].item["b"] == b"hi"
    assert [entry.line for entry in yaml] == [1, 2]
    with pytest.raises(InputFileError, match=r"x\.jsonl:2: not JSON"):
        read_items('{"pk": "a"}\n{"pk": \n', "x.jsonl")
    with pytest.raises(InputFileError, match="an item is an object"):
        read_items("[1]", "x.json")


def test_put_input_is_checked_as_a_whole_before_writing() -> None:
    items = read_items(
        '{"pk": "a", "sk": "1"}\n{"pk": "a", "sk": "1"}\n{"pk": "a", "order_no": "x", "sk": "2"}\n', "x.jsonl"
    )
    with pytest.raises(InputFileError) as raised:
        check_items(items, KEYS.types, KEYS.key.names)
    assert raised.value.lines() == [
        "x.jsonl:2: the same key as line 1: an item is put once",
        "x.jsonl:3: key attribute 'order_no' must be a number, found str 'x'",
    ]
