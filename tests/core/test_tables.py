"""Table operations against moto in-process."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from ddbtool.errors import NotFoundError
from ddbtool.tables.admin import delete_table, describe, list_tables, load_table, summary, ttl_attribute
from ddbtool.tables.definition import load_definitions
from ddbtool.tables.spec import KeySchema, TableSpec

from ..support import SCHEMAS


@pytest.fixture
def spec() -> Any:
    [spec] = load_definitions([SCHEMAS / "cruddur-messages.yaml"])
    return spec


def test_load_creates_then_reports_up_to_date(dynamodb: Any, spec: Any) -> None:
    assert load_table(dynamodb, spec).status == "created"
    table = describe(dynamodb, spec.name)
    assert table is not None and table["TableStatus"] == "ACTIVE"
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["message-group-sk-index"]
    again = load_table(dynamodb, spec)
    assert (again.status, again.differences) == ("up to date", [])


def test_load_sets_ttl(dynamodb: Any, spec: Any) -> None:
    load_table(dynamodb, replace(spec, ttl="expires_at"))
    assert ttl_attribute(dynamodb, spec.name) == "expires_at"


def test_existing_table_that_differs_is_reported_not_changed(dynamodb: Any, spec: Any) -> None:
    load_table(dynamodb, spec)
    result = load_table(dynamodb, replace(spec, stream="NEW_AND_OLD_IMAGES"))
    assert result.status == "differs"
    assert result.differences == ["stream: the file says NEW_AND_OLD_IMAGES, the table has NEW_IMAGE"]
    table = describe(dynamodb, spec.name)
    assert table is not None and table["StreamSpecification"]["StreamViewType"] == "NEW_IMAGE"


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
    found = summary(dynamodb, spec.name)
    assert found["key"] == {"partition": "pk", "sort": "sk"}
    assert found["billing"] == "PROVISIONED" and found["capacity"] == {"read": 5, "write": 5}
    assert found["stream"] == "NEW_IMAGE"
    assert found["indexes"][0]["name"] == "message-group-sk-index"
    assert found["item_count"] == 0


def test_summary_of_missing_table_suggests_schema_load(dynamodb: Any) -> None:
    with pytest.raises(NotFoundError, match="schema-load"):
        summary(dynamodb, "nope")
