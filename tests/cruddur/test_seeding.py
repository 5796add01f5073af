"""Seeding converges: group items through the pattern E move, user items by update (moto in-process)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ddbtool.apps.cruddur.inbox import converge_groups, conversation_groups
from ddbtool.apps.cruddur.model import group_item, user_key
from ddbtool.items.seed import update_attributes
from ddbtool.values import to_dynamo

from ..messaging import ANDREW, BAYKO, NEW_YEAR_GROUP, NEW_YEAR_MESSAGES, NEW_YEAR_START, seed

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
