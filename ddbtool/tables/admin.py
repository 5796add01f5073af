"""Create, compare, list and delete tables. Returns data or raises."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from ddbtool.errors import AwsError, MissingTableError
from ddbtool.tables.apply import apply_plan
from ddbtool.tables.diff import differences
from ddbtool.tables.live import describe
from ddbtool.tables.plan import after_create
from ddbtool.tables.spec import TableSpec

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import WaiterConfigTypeDef

LoadStatus = Literal["created", "up to date", "differs"]


@dataclass(frozen=True)
class LoadResult:
    table: str
    status: LoadStatus
    differences: list[str] = field(default_factory=list)


# botocore's waiters poll every 20 s; local endpoints are ready at once and AWS
# usually within seconds, so poll every second, for up to ten minutes.
_WAIT: WaiterConfigTypeDef = {"Delay": 1, "MaxAttempts": 600}


def load_table(client: DynamoDBClient, spec: TableSpec) -> LoadResult:
    """Create the table if missing and wait until it is ACTIVE with its TTL and backups set.

    An existing table is compared with the definition instead of touched.
    """
    existing = describe(client, spec.name, ttl=True)
    if existing is not None:
        found = differences(spec, existing)
        return LoadResult(spec.name, "differs" if found else "up to date", found)
    try:
        client.create_table(**spec.create_request())
    except client.exceptions.ResourceInUseException:
        # Created by someone else between our describe and create: compare instead.
        return load_table(client, spec)
    client.get_waiter("table_exists").wait(TableName=spec.name, WaiterConfig=_WAIT)
    apply_plan(client, after_create(spec))
    return LoadResult(spec.name, "created")


def delete_table(client: DynamoDBClient, table: str, *, if_exists: bool = False) -> bool:
    """Delete a table and wait until it is gone. False if it was missing and `if_exists`."""
    try:
        client.delete_table(TableName=table)
    except client.exceptions.ResourceNotFoundException:
        if if_exists:
            return False
        raise MissingTableError(
            f"table {table!r} does not exist; pass --if-exists to ignore missing tables"
        ) from None
    except client.exceptions.ClientError as exc:
        error = exc.response.get("Error", {})
        if "deletion protection" in error.get("Message", "").lower():
            raise AwsError(
                error.get("Code", "ValidationException"),
                f"table {table!r} has deletion protection on; turn it off in its definition "
                "and in AWS before deleting it",
            ) from None
        raise
    client.get_waiter("table_not_exists").wait(TableName=table, WaiterConfig=_WAIT)
    return True


def list_tables(client: DynamoDBClient) -> list[str]:
    """Every table name, every page."""
    paginator = client.get_paginator("list_tables")
    return [name for page in paginator.paginate() for name in page.get("TableNames", [])]
