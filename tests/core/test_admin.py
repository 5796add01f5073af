"""Table operations against moto in-process."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from ddbtool.errors import NotFoundError
from ddbtool.tables.admin import delete_table, list_tables, load_table
from ddbtool.tables.definition import load_definitions
from ddbtool.tables.live import describe, parse, require, summary
from ddbtool.tables.spec import KeySchema, TableSpec

from ..support import SCHEMAS


@pytest.fixture
def spec() -> Any:
    [spec] = load_definitions([SCHEMAS / "cruddur-messages.yaml"])
    return spec


def test_load_creates_then_reports_up_to_date(dynamodb: Any, spec: Any) -> None:
    assert load_table(dynamodb, spec).status == "created"
    table = describe(dynamodb, spec.name)
    assert table is not None and table.status == "ACTIVE" and table.active
    assert [i.name for i in table.global_indexes] == ["message-group-sk-index"]
    again = load_table(dynamodb, spec)
    assert (again.status, again.differences) == ("up to date", [])


def test_load_sets_ttl(dynamodb: Any, spec: Any) -> None:
    load_table(dynamodb, replace(spec, ttl="expires_at"))
    found = require(dynamodb, spec.name, ttl=True)
    assert (found.ttl, found.ttl_status) == ("expires_at", "ENABLED")
    assert require(dynamodb, spec.name).ttl is None  # not read unless asked


def test_existing_table_that_differs_is_reported_not_changed(dynamodb: Any, spec: Any) -> None:
    load_table(dynamodb, spec)
    result = load_table(dynamodb, replace(spec, stream="NEW_AND_OLD_IMAGES"))
    assert result.status == "differs"
    assert result.differences == ["stream: the file says NEW_AND_OLD_IMAGES, the table has NEW_IMAGE"]
    table = describe(dynamodb, spec.name)
    assert table is not None and table.stream == "NEW_IMAGE"


def test_delete_waits_until_gone(dynamodb: Any, spec: Any) -> None:
    load_table(dynamodb, spec)
    assert delete_table(dynamodb, spec.name) is True
    assert describe(dynamodb, spec.name) is None


def test_delete_missing_table(dynamodb: Any) -> None:
    with pytest.raises(NotFoundError, match="--if-exists"):
        delete_table(dynamodb, "no-such-table")
    assert delete_table(dynamodb, "no-such-table", if_exists=True) is False


def test_list_tables_reads_every_page(dynamodb: Any, spec: Any) -> None:
    names = [f"table-{n:03}" for n in range(105)]  # ListTables pages hold 100
    for name in names:
        load_table(dynamodb, TableSpec(name, {"pk": "S"}, KeySchema("pk")))
    assert list_tables(dynamodb) == names


def test_summary(dynamodb: Any, spec: Any) -> None:
    load_table(dynamodb, spec)
    found = summary(require(dynamodb, spec.name))
    assert found["key"] == {"partition": "pk", "sort": "sk"}
    assert found["billing"] == "PROVISIONED" and found["capacity"] == {"read": 5, "write": 5}
    assert found["stream"] == "NEW_IMAGE"
    assert found["indexes"][0]["name"] == "message-group-sk-index"
    assert found["item_count"] == 0


def test_summary_of_missing_table_suggests_schema_load(dynamodb: Any) -> None:
    with pytest.raises(NotFoundError, match="schema-load"):
        require(dynamodb, "nope")


def test_a_description_is_parsed_once_into_typed_fields() -> None:
    table = parse(
        {
            "TableName": "shop",
            "TableArn": "arn:aws:dynamodb:us-east-1:123456789012:table/shop",
            "TableStatus": "UPDATING",
            "KeySchema": [
                {"AttributeName": "sk", "KeyType": "RANGE"},
                {"AttributeName": "pk", "KeyType": "HASH"},
            ],
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
                {"AttributeName": "n", "AttributeType": "N"},
            ],
            "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
            "ProvisionedThroughput": {"ReadCapacityUnits": 0, "WriteCapacityUnits": 0},
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": "by-n",
                    "KeySchema": [{"AttributeName": "n", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a"]},
                    "IndexStatus": "CREATING",
                }
            ],
            "StreamSpecification": {"StreamEnabled": False},
            "LatestStreamArn": "arn:old-stream",
            "TableClassSummary": {"TableClass": "STANDARD_INFREQUENT_ACCESS"},
            "ItemCount": 3,
        }
    )
    assert table.key == KeySchema("pk", "sk") and table.typed(table.key) == (("pk", "S"), ("sk", "S"))
    assert (table.billing, table.capacity, table.table_class) == (
        "PAY_PER_REQUEST",
        None,
        "STANDARD_INFREQUENT_ACCESS",
    )
    [index] = table.global_indexes
    assert (index.key, index.projection, index.include, index.status) == (
        KeySchema("n"),
        "INCLUDE",
        ("a",),
        "CREATING",
    )
    assert not table.active
    # A stream turned off leaves its last ARN behind; it is not the table's stream.
    assert (table.stream, table.stream_arn, table.latest_stream_arn) == (None, None, "arn:old-stream")
    assert table.typed(table.global_indexes[0].key) == (("n", "N"),)
