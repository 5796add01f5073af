"""DynamoDB's own export to S3 and import from S3: start, wait, list, describe.

For tables past what one machine reads in reasonable time, AWS's engine does
the work: ExportTableToPointInTime reads from the point-in-time backup (no read
capacity used), ImportTable creates a new table from files in S3 (no write
capacity used). This module only starts, watches and reports them; the S3
client comes from the same Connection as the DynamoDB one, so both follow the
same target (moto's server serves both on one port).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ddbtool.errors import AwsError, DdbtoolError, UsageError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from ddbtool.aws import Connection
    from ddbtool.tables.spec import TableSpec

_S3_URL = re.compile(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(.*))?")
# Where an S3 export keeps its data files under the prefix it was given.
_EXPORT_DATA = re.compile(r"(?:^|/)AWSDynamoDB/[^/]+/data/")
_COMPRESSION = {".gz": "GZIP", ".zst": "ZSTD"}
TURN_ON_PITR = (
    "aws dynamodb update-continuous-backups --table-name {table} "
    "--point-in-time-recovery-specification PointInTimeRecoveryEnabled=true"
)


@dataclass(frozen=True)
class S3Location:
    bucket: str
    prefix: str

    @classmethod
    def parse(cls, url: str) -> S3Location:
        found = _S3_URL.fullmatch(url)
        if not found:
            raise UsageError(f"{url!r} is not an S3 location: write it as s3://BUCKET/PREFIX")
        return cls(found.group(1), (found.group(2) or "").strip("/"))

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"


def _poll(connection: Connection, delay: int | None) -> dict[str, int]:
    """Waiter settings: locally the work is done in a moment; on AWS it takes minutes (up to 6 hours)."""
    delay = delay or (1 if connection.is_local else 20)
    return {"Delay": delay, "MaxAttempts": 6 * 3600 // delay}


# --- export -----------------------------------------------------------------------------


def start_export(
    connection: Connection, table: str, where: S3Location, *, since: datetime | None = None
) -> dict[str, Any]:
    """Start ExportTableToPointInTime (full, or incremental from `since` to now); its description."""
    client = connection.dynamodb()
    from ddbtool.tables.live import require

    arn = require(client, table).arn
    _require_bucket(connection, where)
    request: dict[str, Any] = {
        "TableArn": arn,
        "S3Bucket": where.bucket,
        "ExportFormat": "DYNAMODB_JSON",
    }
    if where.prefix:
        request["S3Prefix"] = where.prefix
    if since is not None:
        request["ExportType"] = "INCREMENTAL_EXPORT"
        request["IncrementalExportSpecification"] = {
            "ExportFromTime": since,
            "ExportToTime": datetime.now(since.tzinfo),
            "ExportViewType": "NEW_AND_OLD_IMAGES",
        }
    try:
        return client.export_table_to_point_in_time(**request)["ExportDescription"]  # type: ignore[return-value]
    except client.exceptions.PointInTimeRecoveryUnavailableException:
        raise DdbtoolError(
            f"point-in-time recovery is off for {table}, and S3 exports read from it; turn it on "
            "(billed per GB stored) with `point_in_time_recovery: true` in its definition and "
            f"`ddbtool schema-load --apply`, or `{TURN_ON_PITR.format(table=table)}`, then export again"
        ) from None


def wait_export(connection: Connection, arn: str, delay: int | None = None) -> dict[str, Any]:
    """Wait until the export completes; its description. DdbtoolError with AWS's reason if it fails."""
    client = connection.dynamodb()
    _wait(client, "export_completed", {"ExportArn": arn}, _poll(connection, delay))
    return describe_export(client, arn)


def describe_export(client: DynamoDBClient, arn: str) -> dict[str, Any]:
    return client.describe_export(ExportArn=arn)["ExportDescription"]  # type: ignore[return-value]


def list_exports(client: DynamoDBClient, table_arn: str | None = None) -> Iterator[dict[str, Any]]:
    """Recent exports (of one table, or all), every page."""
    return _every_page(client.list_exports, "ExportSummaries", table_arn)


def _every_page(call: Callable[..., Any], field: str, table_arn: str | None) -> Iterator[dict[str, Any]]:
    """Every entry of a NextToken-paged listing (botocore has no paginator for these two)."""
    params: dict[str, Any] = {"TableArn": table_arn} if table_arn else {}
    while True:
        page = call(**params)
        yield from (dict(entry) for entry in page.get(field, []))
        if not page.get("NextToken"):
            return
        params["NextToken"] = page["NextToken"]


# --- import -----------------------------------------------------------------------------

# Settings ImportTable cannot take; they are applied once the table exists.
LATER = ("stream", "ttl", "deletion_protection", "tags")


def start_import(connection: Connection, spec: TableSpec, where: S3Location) -> dict[str, Any]:
    """Start ImportTable creating `spec`'s table from the DynamoDB JSON files at `where`."""
    if spec.local_indexes:
        raise UsageError(
            f"{spec.source}: ImportTable cannot create local indexes "
            f"({', '.join(i.name for i in spec.local_indexes)}); "
            "import into a definition without them, or import the files with `ddbtool import FILE...`"
        )
    client = connection.dynamodb()
    from ddbtool.tables.live import describe

    if describe(client, spec.name) is not None:
        raise DdbtoolError(
            f"table {spec.name!r} already exists; ImportTable only creates new tables: "
            "delete it first, or import into it with `ddbtool import FILE...`"
        )
    prefix, compression = _data_files(connection, where)
    creation = {
        k: v
        for k, v in spec.create_request().items()
        if k
        in (
            "TableName",
            "AttributeDefinitions",
            "KeySchema",
            "BillingMode",
            "ProvisionedThroughput",
            "GlobalSecondaryIndexes",
        )
    }
    source: dict[str, Any] = {"S3Bucket": where.bucket}
    if prefix:
        source["S3KeyPrefix"] = prefix
    return client.import_table(  # type: ignore[return-value]
        S3BucketSource=source,  # type: ignore[arg-type]
        InputFormat="DYNAMODB_JSON",
        InputCompressionType=compression,  # type: ignore[arg-type]
        TableCreationParameters=creation,  # type: ignore[arg-type]
    )["ImportTableDescription"]


def _data_files(connection: Connection, where: S3Location) -> tuple[str, str]:
    """The prefix ImportTable should read and its compression.

    An S3 export also writes manifests beside its data; given the export's own
    prefix, only its `AWSDynamoDB/<id>/data/` folder holds items.
    """
    s3 = connection.client("s3")
    keys = [
        entry["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=where.bucket, Prefix=where.prefix)
        for entry in page.get("Contents", [])
    ]
    if not keys:
        raise UsageError(f"no files at {where}; give the prefix the export or your files were written under")
    folders = sorted({key[: match.end()] for key in keys if (match := _EXPORT_DATA.search(key))})
    if len(folders) > 1:
        raise UsageError(
            f"{where} holds {len(folders)} exports; name one: "
            + ", ".join(f"s3://{where.bucket}/{folder}" for folder in folders)
        )
    prefix = folders[0] if folders else where.prefix
    data = [key for key in keys if key.startswith(prefix)]
    kinds = {_COMPRESSION.get(re.sub(r"^.*(\.[^./]+)$", r"\1", key), "NONE") for key in data}
    if len(kinds) > 1:
        raise UsageError(f"{where} mixes compressed and uncompressed files; ImportTable reads one kind")
    return prefix, kinds.pop()


def wait_import(connection: Connection, arn: str, delay: int | None = None) -> dict[str, Any]:
    """Wait until the import completes; its description. DdbtoolError with AWS's reason if it fails."""
    client = connection.dynamodb()
    _wait(client, "import_completed", {"ImportArn": arn}, _poll(connection, delay))
    return describe_import(client, arn)


def finish_table(client: DynamoDBClient, spec: TableSpec, table_arn: str) -> list[str]:
    """Apply the settings ImportTable cannot take (stream, TTL, deletion protection, tags); what was done."""
    done = []
    if spec.stream:
        client.update_table(
            TableName=spec.name,
            StreamSpecification={"StreamEnabled": True, "StreamViewType": spec.stream},  # type: ignore[typeddict-item]
        )
        done.append(f"stream {spec.stream}")
    if spec.ttl:
        client.get_waiter("table_exists").wait(
            TableName=spec.name, WaiterConfig={"Delay": 1, "MaxAttempts": 600}
        )
        client.update_time_to_live(
            TableName=spec.name, TimeToLiveSpecification={"Enabled": True, "AttributeName": spec.ttl}
        )
        done.append(f"TTL on {spec.ttl}")
    if spec.deletion_protection:
        client.update_table(TableName=spec.name, DeletionProtectionEnabled=True)
        done.append("deletion protection")
    if spec.tags:
        client.tag_resource(ResourceArn=table_arn, Tags=[{"Key": k, "Value": v} for k, v in spec.tags])
        done.append(f"{len(spec.tags)} tags")
    return done


def describe_import(client: DynamoDBClient, arn: str) -> dict[str, Any]:
    return client.describe_import(ImportArn=arn)["ImportTableDescription"]  # type: ignore[return-value]


def list_imports(client: DynamoDBClient, table_arn: str | None = None) -> Iterator[dict[str, Any]]:
    """Recent imports (into one table, or all), every page."""
    return _every_page(client.list_imports, "ImportSummaryList", table_arn)


# --- shared -----------------------------------------------------------------------------


def _require_bucket(connection: Connection, where: S3Location) -> None:
    from botocore.exceptions import ClientError

    try:
        connection.client("s3").head_bucket(Bucket=where.bucket)
    except ClientError as exc:
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if status == 404:
            raise UsageError(f"there is no bucket {where.bucket!r}; create it, or name another") from None
        raise


def _wait(client: DynamoDBClient, waiter: str, params: dict[str, str], config: dict[str, int]) -> None:
    from botocore.exceptions import WaiterError

    try:
        client.get_waiter(waiter).wait(**params, WaiterConfig=config)  # type: ignore[call-overload]
    except WaiterError as exc:
        last: dict[str, Any] = dict(exc.last_response or {})
        found = last.get("ExportDescription") or last.get("ImportTableDescription") or {}
        status = found.get("ExportStatus") or found.get("ImportStatus") or "still running"
        reason = found.get("FailureMessage") or last.get("Error", {}).get("Message") or str(exc)
        code = found.get("FailureCode") or status
        raise AwsError(str(code), f"{status.lower()}: {reason}") from None


def summaries(descriptions: Sequence[dict[str, Any]], fields: Sequence[str]) -> list[dict[str, Any]]:
    """Only the named fields of each description, in that order (absent ones as None)."""
    return [{name: found.get(name) for name in fields} for found in descriptions]
