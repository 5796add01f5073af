"""DynamoDB's own export to S3 and import from S3, through one Connection, on moto in-process."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from ddbtool.aws import Connection, Target
from ddbtool.errors import DdbtoolError, UsageError
from ddbtool.items.dumpfile import read_items
from ddbtool.items.s3transfer import (
    S3Location,
    describe_import,
    list_exports,
    start_export,
    start_import,
    wait_export,
    wait_import,
)
from ddbtool.tables.admin import load_table
from ddbtool.tables.definition import load_definitions
from ddbtool.tables.live import require, summary

from ..support import SCHEMAS
from ..transfer import RICH_ITEM, fast_put, numbered_items

TABLE = "cruddur-messages"
SPEC = load_definitions([SCHEMAS / "cruddur-messages.yaml"])[0]
# moto's ImportTable parses JSON with its own reader, which drops an item holding an empty map.
ITEMS = [
    {**RICH_ITEM, "nested": {k: v for k, v in RICH_ITEM["nested"].items() if k != "empty map"}},
    *numbered_items(40),
]


@pytest.fixture
def connection(moto: None) -> Connection:
    # moto in-process answers AWS's own addresses, so the target is AWS itself.
    return Connection(Target(prod=True))


@pytest.fixture
def table(connection: Connection) -> Any:
    client = connection.dynamodb()
    load_table(client, SPEC)
    fast_put(client, TABLE, ITEMS)
    connection.client("s3").create_bucket(Bucket="backups")
    return client


def enable_pitr(client: Any) -> None:
    client.update_continuous_backups(
        TableName=TABLE, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )


@pytest.mark.parametrize(
    ("url", "bucket", "prefix"),
    [("s3://backups", "backups", ""), ("s3://my.backups/a/b/", "my.backups", "a/b")],
)
def test_s3_locations(url: str, bucket: str, prefix: str) -> None:
    assert S3Location.parse(url) == S3Location(bucket, prefix)


@pytest.mark.parametrize("url", ["backups/x", "s3://", "https://backups/x", "s3://UPPER/x"])
def test_bad_s3_locations_are_usage_errors(url: str) -> None:
    with pytest.raises(UsageError, match="s3://BUCKET/PREFIX"):
        S3Location.parse(url)


def test_export_without_point_in_time_recovery_says_how_to_turn_it_on(
    connection: Connection, table: Any
) -> None:
    with pytest.raises(DdbtoolError, match="point-in-time recovery is off") as caught:
        start_export(connection, TABLE, S3Location("backups", "x"))
    assert "PointInTimeRecoveryEnabled=true" in str(caught.value)


def test_export_to_a_missing_bucket_is_refused_before_it_starts(connection: Connection, table: Any) -> None:
    enable_pitr(table)
    with pytest.raises(UsageError, match="no bucket 'elsewhere'"):
        start_export(connection, TABLE, S3Location("elsewhere", "x"))


def test_export_then_import_into_a_new_table(connection: Connection, table: Any, tmp_path: Path) -> None:
    enable_pitr(table)
    started = start_export(connection, TABLE, S3Location("backups", "nightly"))
    finished = wait_export(connection, started["ExportArn"], delay=1)
    assert finished["ExportStatus"] == "COMPLETED"
    assert finished["ItemCount"] == len(ITEMS)
    table_arn = table.describe_table(TableName=TABLE)["Table"]["TableArn"]
    assert [e["ExportArn"] for e in list_exports(table, table_arn)] == [started["ExportArn"]]

    # The export's data files are dump files `ddbtool import` reads as they are.
    s3 = connection.client("s3")
    (key,) = [o["Key"] for o in s3.list_objects_v2(Bucket="backups")["Contents"]]
    data = tmp_path / "data.json.gz"
    data.write_bytes(s3.get_object(Bucket="backups", Key=key)["Body"].read())
    assert sorted(item["pk"] for _, item in read_items(data)) == sorted(i["pk"] for i in ITEMS)  # type: ignore[index]

    copy = dataclasses.replace(SPEC, name="restored")
    started_import = start_import(connection, copy, S3Location("backups", "nightly"))
    done = wait_import(connection, started_import["ImportArn"], delay=1)
    assert (done["ImportStatus"], done["ImportedItemCount"], done["ErrorCount"]) == (
        "COMPLETED",
        len(ITEMS),
        0,
    )
    assert describe_import(table, started_import["ImportArn"])["ImportArn"] == started_import["ImportArn"]
    restored = summary(require(table, "restored"))
    assert restored["key"] == {"partition": "pk", "sort": "sk"}
    assert [i["name"] for i in restored["indexes"]] == ["message-group-sk-index"]
    rich = table.get_item(TableName="restored", Key={"pk": {"S": RICH_ITEM["pk"]}, "sk": {"S": "META"}})
    assert rich["Item"]["size"] == {"N": "12345678901234567890123456789012345678"}


def test_import_refuses_an_existing_table_and_an_empty_prefix(connection: Connection, table: Any) -> None:
    with pytest.raises(DdbtoolError, match="already exists"):
        start_import(connection, SPEC, S3Location("backups", "nightly"))
    with pytest.raises(UsageError, match="no files at s3://backups/nothing"):
        start_import(connection, dataclasses.replace(SPEC, name="other"), S3Location("backups", "nothing"))
