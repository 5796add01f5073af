"""A live table: DescribeTable (and, when asked, its TTL, backups and tags) parsed once, typed.

Every other module reads a table's description through `LiveTable`; nothing
else knows DescribeTable's field names. The settings DescribeTable leaves out
cost a call each, so `describe` reads them only when asked, and a field that
was not read is None.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from ddbtool.errors import MissingTableError
from ddbtool.tables.spec import Capacity, KeySchema

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

IndexKind = Literal["global", "local"]


@dataclass(frozen=True)
class LiveIndex:
    """A global or local secondary index as DynamoDB describes it."""

    name: str
    kind: IndexKind
    key: KeySchema
    projection: str = "ALL"
    include: tuple[str, ...] = ()
    capacity: Capacity | None = None  # provisioned global indexes only
    status: str = "ACTIVE"  # local indexes have no status of their own
    item_count: int | None = None


@dataclass(frozen=True)
class LiveTable:
    """What DescribeTable says of a table, and what else `describe` was asked to read."""

    name: str
    arn: str
    status: str
    key: KeySchema
    attributes: Mapping[str, str]  # the typed attributes (S, N or B) its keys and indexes use
    billing: str = "PROVISIONED"  # a table created before on-demand existed has no billing summary
    capacity: Capacity | None = None  # PROVISIONED only
    global_indexes: tuple[LiveIndex, ...] = ()
    local_indexes: tuple[LiveIndex, ...] = ()
    stream: str | None = None  # the view type while a stream is enabled
    latest_stream_arn: str | None = None  # kept after the stream is turned off
    deletion_protection: bool = False
    table_class: str = "STANDARD"
    item_count: int | None = None
    size_bytes: int | None = None
    # Read only when `describe` is asked to (one call each); None when not read.
    ttl: str | None = None
    ttl_status: str | None = None
    point_in_time_recovery: bool | None = None
    tags: Mapping[str, str] | None = None

    @property
    def indexes(self) -> tuple[LiveIndex, ...]:
        return self.global_indexes + self.local_indexes

    @property
    def stream_arn(self) -> str | None:
        """The table's current stream, or None when none is enabled."""
        return self.latest_stream_arn if self.stream else None

    @property
    def active(self) -> bool:
        """The table and every global index are ACTIVE: DynamoDB takes the next change."""
        return self.status == "ACTIVE" and all(i.status == "ACTIVE" for i in self.global_indexes)

    def typed(self, key: KeySchema) -> tuple[tuple[str, str], ...]:
        """A key's attributes, partition first, each with its type."""
        return tuple((name, self.attributes[name]) for name in key.names)


def describe(
    client: DynamoDBClient, name: str, *, ttl: bool = False, backups: bool = False, tags: bool = False
) -> LiveTable | None:
    """The live table, or None if there is none of that name.

    `ttl`, `backups` (point-in-time recovery) and `tags` each add the call
    that reads that setting. An endpoint without that call (DynamoDB Local has
    neither backups nor tags) leaves the setting None.
    """
    try:
        found = parse(client.describe_table(TableName=name)["Table"])
    except client.exceptions.ResourceNotFoundException:
        return None
    extra: dict[str, Any] = {}
    if ttl:
        described = client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        extra["ttl_status"] = described.get("TimeToLiveStatus", "DISABLED")
        if extra["ttl_status"] in ("ENABLED", "ENABLING"):
            extra["ttl"] = described.get("AttributeName")
    if backups:
        try:
            continuous = client.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
        except client.exceptions.ClientError as exc:
            if not _unsupported(exc):
                raise
        else:
            recovery = continuous.get("PointInTimeRecoveryDescription", {})
            extra["point_in_time_recovery"] = recovery.get("PointInTimeRecoveryStatus") == "ENABLED"
    if tags:
        try:
            pages = client.get_paginator("list_tags_of_resource").paginate(ResourceArn=found.arn)
            extra["tags"] = {tag["Key"]: tag["Value"] for page in pages for tag in page.get("Tags", [])}
        except client.exceptions.ClientError as exc:
            if not _unsupported(exc):
                raise
    return replace(found, **extra) if extra else found


def require(
    client: DynamoDBClient, name: str, *, ttl: bool = False, backups: bool = False, tags: bool = False
) -> LiveTable:
    """The live table, or MissingTableError suggesting schema-load."""
    found = describe(client, name, ttl=ttl, backups=backups, tags=tags)
    if found is None:
        raise MissingTableError(f"table {name!r} does not exist here; create it with `ddbtool schema-load`")
    return found


def parse(table: Mapping[str, Any]) -> LiveTable:
    """DescribeTable's `Table` as a LiveTable."""
    billing = (table.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")
    provisioned = billing == "PROVISIONED"
    stream = table.get("StreamSpecification") or {}
    return LiveTable(
        name=table["TableName"],
        arn=table.get("TableArn", ""),
        status=table.get("TableStatus", "ACTIVE"),
        key=_key(table["KeySchema"]),
        attributes={a["AttributeName"]: a["AttributeType"] for a in table.get("AttributeDefinitions", [])},
        billing=billing,
        capacity=_capacity(table.get("ProvisionedThroughput")) if provisioned else None,
        global_indexes=tuple(
            _index(i, "global", provisioned) for i in table.get("GlobalSecondaryIndexes") or []
        ),
        local_indexes=tuple(_index(i, "local", False) for i in table.get("LocalSecondaryIndexes") or []),
        stream=stream.get("StreamViewType") if stream.get("StreamEnabled") else None,
        latest_stream_arn=table.get("LatestStreamArn"),
        deletion_protection=bool(table.get("DeletionProtectionEnabled", False)),
        table_class=(table.get("TableClassSummary") or {}).get("TableClass", "STANDARD"),
        item_count=table.get("ItemCount"),
        size_bytes=table.get("TableSizeBytes"),
    )


def summary(table: LiveTable) -> dict[str, Any]:
    """The plain summary `describe-table --output json` prints."""

    def keys(key: KeySchema) -> dict[str, str | None]:
        return {"partition": key.partition, "sort": key.sort}

    def units(capacity: Capacity | None) -> dict[str, int] | None:
        return {"read": capacity.read, "write": capacity.write} if capacity else None

    return {
        "table": table.name,
        "status": table.status,
        "arn": table.arn or None,
        "key": keys(table.key),
        "attributes": dict(table.attributes),
        "billing": table.billing,
        "capacity": units(table.capacity),
        "indexes": [
            {
                "name": index.name,
                "kind": index.kind,
                **keys(index.key),
                "projection": index.projection,
                "include": list(index.include),
                "status": index.status,
                "item_count": index.item_count,
            }
            for index in table.indexes
        ],
        "stream": table.stream,
        "stream_arn": table.latest_stream_arn,
        "ttl": table.ttl,
        "deletion_protection": table.deletion_protection,
        "item_count": table.item_count,
        "size_bytes": table.size_bytes,
    }


def _key(schema: Sequence[Mapping[str, str]]) -> KeySchema:
    roles = {k["KeyType"]: k["AttributeName"] for k in schema}
    return KeySchema(roles["HASH"], roles.get("RANGE"))


def _capacity(throughput: Mapping[str, Any] | None) -> Capacity | None:
    if not throughput:
        return None
    return Capacity(int(throughput.get("ReadCapacityUnits", 0)), int(throughput.get("WriteCapacityUnits", 0)))


def _index(index: Mapping[str, Any], kind: IndexKind, provisioned: bool) -> LiveIndex:
    projection = index.get("Projection") or {}
    return LiveIndex(
        name=index["IndexName"],
        kind=kind,
        key=_key(index["KeySchema"]),
        projection=projection.get("ProjectionType", "ALL"),
        include=tuple(projection.get("NonKeyAttributes") or ()),
        capacity=_capacity(index.get("ProvisionedThroughput")) if provisioned else None,
        status=index.get("IndexStatus", "ACTIVE"),
        item_count=index.get("ItemCount"),
    )


def _unsupported(exc: Exception) -> bool:
    """Whether the endpoint lacks the operation (DynamoDB Local: backups, tagging)."""
    code: str = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
    return code == "UnknownOperationException"
