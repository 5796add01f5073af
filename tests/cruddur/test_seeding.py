"""Seeding converges: group items through the pattern E move, user items by update (moto in-process)."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from ddbtool.apps.cruddur.inbox import converge_groups, conversation_groups
from ddbtool.apps.cruddur.model import group_item, user_key
from ddbtool.items.batch import RetryPolicy, UnwrittenItemsError
from ddbtool.items.pace import Pace
from ddbtool.items.seed import update_attributes, write_seed
from ddbtool.items.seedfile import SeedPlan, TableKey, load_seeds
from ddbtool.values import to_dynamo

from ..messaging import ANDREW, BAYKO, NEW_YEAR_GROUP, NEW_YEAR_MESSAGES, NEW_YEAR_START, create_table, seed

LAST = NEW_YEAR_START + timedelta(minutes=NEW_YEAR_MESSAGES - 1)


def wanted_at(minutes: int, text: str) -> list[dict[str, Any]]:
    at = LAST + timedelta(minutes=minutes)
    return [
        group_item(ANDREW, BAYKO, NEW_YEAR_GROUP, text, at),
        group_item(BAYKO, ANDREW, NEW_YEAR_GROUP, text, at),
    ]


def groups_now(client: Any, table: str) -> list[tuple[str, str, str]]:
    found = conversation_groups(client, table, NEW_YEAR_GROUP)
    return sorted((g["pk"], g["sk"], g["message"]) for g in found)


def test_a_newer_seed_moves_each_group_and_an_older_one_never_moves_it_back(dynamodb: Any) -> None:
    table = seed(dynamodb)
    newer = wanted_at(5, "the seed grew")
    assert converge_groups(dynamodb, table, newer) == 0
    assert groups_now(dynamodb, table) == sorted((g["pk"], g["sk"], g["message"]) for g in newer)

    assert converge_groups(dynamodb, table, wanted_at(0, "message 024")) == 2  # both kept newer
    assert groups_now(dynamodb, table) == sorted((g["pk"], g["sk"], g["message"]) for g in newer)


def test_missing_groups_are_written_and_stale_duplicates_deleted(dynamodb: Any) -> None:
    table = seed(dynamodb)
    [andrews, baykos] = wanted_at(0, "message 024")
    dynamodb.delete_item(TableName=table, Key=to_dynamo({"pk": baykos["pk"], "sk": baykos["sk"]}))
    older = group_item(ANDREW, BAYKO, NEW_YEAR_GROUP, "an old copy", NEW_YEAR_START)
    dynamodb.put_item(TableName=table, Item=to_dynamo(older))
    assert len(groups_now(dynamodb, table)) == 2  # Andrew twice, Bayko none

    converge_groups(dynamodb, table, [andrews, baykos])
    assert groups_now(dynamodb, table) == sorted((g["pk"], g["sk"], g["message"]) for g in (andrews, baykos))


def test_updating_a_user_keeps_attributes_the_seed_does_not_give(dynamodb: Any) -> None:
    table = seed(dynamodb)
    key = user_key("andrewbrown")
    dynamodb.update_item(
        TableName=table,
        Key=to_dynamo(key),
        UpdateExpression="SET cognito_user_id = :sub",
        ExpressionAttributeValues={":sub": {"S": "sub-1"}},
    )
    update_attributes(dynamodb, table, {**key, "user_display_name": "Andrew B."}, ("pk", "sk"))
    item = dynamodb.get_item(TableName=table, Key=to_dynamo(key))["Item"]
    assert item["cognito_user_id"] == {"S": "sub-1"}
    assert item["user_display_name"] == {"S": "Andrew B."}
    assert item["user_handle"] == {"S": "andrewbrown"}


# --- the app's writes run beside the batches ------------------------------------------------

SEEDS = Path(__file__).resolve().parents[2] / "seeds" / "cruddur.yaml"


def plan() -> SeedPlan:
    key = TableKey((("pk", "S"), ("sk", "S")), (("message_group_uuid", "S"),))
    return load_seeds([SEEDS], lambda table: key)


def test_users_and_groups_are_written_while_the_batches_are(dynamodb: Any) -> None:
    create_table(dynamodb)
    app_call = threading.Event()
    for operation in ("Query", "UpdateItem"):
        dynamodb.meta.events.register(f"before-call.dynamodb.{operation}", lambda **_: app_call.set())
    waited: list[bool] = []
    # Each batch waits (up to 10 s) for an app call: written after the batches, none would come.
    dynamodb.meta.events.register(
        "before-call.dynamodb.BatchWriteItem", lambda **_: waited.append(app_call.wait(10))
    )
    seeded = plan()
    write_seed(dynamodb, seeded, pace=Pace(2))
    assert waited and all(waited)
    stored = scan_all(dynamodb)
    assert len(stored) == len(seeded.items)


def test_an_app_write_that_stalls_fails_the_seed_naming_its_items(dynamodb: Any) -> None:
    create_table(dynamodb)

    def throttled(**_: Any) -> Any:
        http = AWSResponse("https://dynamodb.us-east-1.amazonaws.com/", 400, {}, None)
        return http, {"Error": {"Code": "ThrottlingException", "Message": "injected"}, "ResponseMetadata": {}}

    dynamodb.meta.events.register("before-call.dynamodb.UpdateItem", throttled)
    seeded = plan()
    with pytest.raises(UnwrittenItemsError) as caught:
        write_seed(dynamodb, seeded, pace=Pace(2), policy=RetryPolicy(max_stalls=2, base_seconds=0.0))
    users = {(s.item["pk"], s.item["sk"]) for s in seeded.items if s.kind == "user"}
    assert users <= {(key["pk"], key["sk"]) for key in caught.value.keys}
    assert "(ThrottlingException 2 times in a row)" in str(caught.value), caught.value


def scan_all(client: Any) -> list[dict[str, Any]]:
    pages = client.get_paginator("scan").paginate(TableName="cruddur-messages")
    return [item for page in pages for item in page["Items"]]
