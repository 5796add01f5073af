"""Running a declared pattern: the plan (options checked, filter and projection added) and the read."""

from __future__ import annotations

from typing import Any

import pytest

from ddbtool.errors import NotFoundError, UsageError
from ddbtool.items.patternquery import plan_read, read
from ddbtool.tables.admin import load_table
from ddbtool.tables.definition import load_definitions

from ..support import ROOT

[SHOP] = load_definitions([ROOT / "tests" / "examples" / "shop" / "schemas" / "shop.yaml"])
PATTERNS = {pattern.name: pattern for pattern in SHOP.patterns}


def test_the_limit_is_the_patterns_unless_told_otherwise() -> None:
    orders = PATTERNS["customer-orders"]
    assert plan_read(orders, ["customer_id=c1"]).limit == 20
    assert plan_read(orders, ["customer_id=c1"], limit=3).limit == 3
    assert plan_read(orders, ["customer_id=c1"], read_all=True).limit is None
    assert plan_read(orders, ["customer_id=c1"], limit=3).explained()["Limit"] == 3
    with pytest.raises(UsageError, match="--limit N or --all, not both"):
        plan_read(orders, ["customer_id=c1"], limit=3, read_all=True)


def test_filter_and_projection_share_the_key_conditions_placeholders() -> None:
    planned = plan_read(
        PATTERNS["customer-orders"], ["customer_id=c1"], where=["status = paid"], attributes=["status"]
    )
    assert planned.request["FilterExpression"] == "#n2 = :v2"
    assert planned.request["ProjectionExpression"] == "#n2"
    assert planned.request["ExpressionAttributeNames"] == {"#n0": "pk", "#n1": "sk", "#n2": "status"}
    assert planned.request["ExpressionAttributeValues"][":v2"] == {"S": "paid"}


def test_arguments_are_name_value_once_each() -> None:
    with pytest.raises(UsageError, match="'c1' is not NAME=VALUE"):
        plan_read(PATTERNS["customer"], ["c1"])
    with pytest.raises(UsageError, match="customer_id is given twice"):
        plan_read(PATTERNS["customer"], ["customer_id=a", "customer_id=b"])
    with pytest.raises(UsageError, match="is a GetItem, which reads one item"):
        plan_read(PATTERNS["customer"], ["customer_id=a"], read_all=True)


def test_a_get_item_that_finds_nothing_is_not_found(dynamodb: Any) -> None:
    load_table(dynamodb, SHOP)
    dynamodb.put_item(TableName="shop", Item={"pk": {"S": "CUSTOMER#c1"}, "sk": {"S": "PROFILE"}})
    found = read(dynamodb, plan_read(PATTERNS["customer"], ["customer_id=c1"]))
    assert list(found.items) == [{"pk": "CUSTOMER#c1", "sk": "PROFILE"}]
    with pytest.raises(NotFoundError, match="no item pk='CUSTOMER#c2', sk='PROFILE' in shop"):
        read(dynamodb, plan_read(PATTERNS["customer"], ["customer_id=c2"]))
