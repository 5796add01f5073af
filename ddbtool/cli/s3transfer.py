"""The S3 side of export and import (DynamoDB's own engine), and export-status / import-status."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ddbtool import render
from ddbtool.aws import Connection
from ddbtool.cli.app import announce, app
from ddbtool.cli.options import JmesPath, TableOption, TableOrJson, TableOrJsonOutput, TargetCommand, connect
from ddbtool.errors import UsageError
from ddbtool.project import definitions, table_name


def export_s3(connection: Connection, table: str, url: str, since_text: str | None, no_wait: bool) -> None:
    """`export --s3`: start ExportTableToPointInTime, wait unless told not to, show the result."""
    from ddbtool.items import s3transfer
    from ddbtool.times import parse_timestamp

    where = s3transfer.S3Location.parse(url)
    since = None
    if since_text:
        try:
            since = parse_timestamp(since_text)
        except ValueError:
            raise UsageError(
                f"--incremental-since {since_text!r} is not an ISO-8601 time with a zone; "
                "write it like 2024-01-01T00:00:00Z"
            ) from None
    announce(connection, f"exporting {table} to {where}")
    started = s3transfer.start_export(connection, table, where, since=since)
    arn = started["ExportArn"]
    render.info(f"export {arn} started")
    if no_wait:
        render.print_pairs(_pairs(started, _EXPORT_FIELDS))
        render.info("see how it goes with `ddbtool export-status`")
        return
    with render.status(f"waiting for the export of {table} (minutes on AWS)"):
        finished = s3transfer.wait_export(connection, arn)
    render.print_pairs(_pairs(finished, _EXPORT_FIELDS))
    render.success(f"exported {finished.get('ItemCount', '?')} items of {table} to {where}")


_EXPORT_FIELDS = (
    "ExportArn",
    "ExportStatus",
    "ExportType",
    "ExportTime",
    "S3Bucket",
    "S3Prefix",
    "ExportManifest",
    "ItemCount",
    "BilledSizeBytes",
    "FailureCode",
    "FailureMessage",
)
_IMPORT_FIELDS = (
    "ImportArn",
    "ImportStatus",
    "TableArn",
    "StartTime",
    "EndTime",
    "ProcessedItemCount",
    "ImportedItemCount",
    "ErrorCount",
    "ProcessedSizeBytes",
    "FailureCode",
    "FailureMessage",
)


def _pairs(found: dict[str, Any], fields: tuple[str, ...]) -> list[tuple[str, Any]]:
    return [(name, found[name]) for name in fields if found.get(name) is not None]


def import_s3(connection: Connection, url: str, files: list[Path] | None, no_wait: bool) -> None:
    """`import --s3`: start ImportTable for the one definition given, wait unless told not to, report."""
    from ddbtool.items import s3transfer

    where = s3transfer.S3Location.parse(url)
    defined = definitions(files)
    if len(defined) != 1:
        raise UsageError(
            f"{len(defined)} tables are defined; name the one to create: ddbtool import --s3 URL FILE"
        )
    spec = defined[0]
    announce(connection, f"importing {where} into a new table {spec.name}")
    started = s3transfer.start_import(connection, spec, where)
    arn = started["ImportArn"]
    render.info(f"import {arn} started")
    later = [name for name in s3transfer.LATER if getattr(spec, name)]
    if no_wait:
        render.print_pairs(_pairs(started, _IMPORT_FIELDS))
        if later:
            render.warn(f"ImportTable cannot set {', '.join(later)}; without waiting, they are not applied")
        return
    with render.status(f"waiting for the import into {spec.name} (minutes on AWS)"):
        finished = s3transfer.wait_import(connection, arn)
        applied = s3transfer.finish_table(connection.dynamodb(), spec, finished["TableArn"])
    render.print_pairs(_pairs(finished, _IMPORT_FIELDS))
    if applied:
        render.info(f"then set {', '.join(applied)}")
    render.success(
        f"imported {finished.get('ImportedItemCount', 0)} of {finished.get('ProcessedItemCount', 0)} items "
        f"into {spec.name}, {finished.get('ErrorCount', 0)} errors"
    )


ArnArguments = Annotated[
    list[str] | None, typer.Argument(metavar="ARN...", help="Show these only.", show_default=False)
]


@app.command("export-status", cls=TargetCommand)
def export_status(
    ctx: typer.Context,
    arns: ArnArguments = None,
    table: TableOption = None,
    output: TableOrJsonOutput = TableOrJson.table,
    jmespath: JmesPath = None,
) -> None:
    """List the S3 exports of a table (or describe the ARNs given): status, items, where.

    Examples:

    \b
      ddbtool export-status --prod
      ddbtool export-status --prod -o json --query "[?status=='FAILED'].arn"
      ddbtool export-status arn:aws:dynamodb:us-east-1:123456789012:table/t/export/0171 --output json
    """
    from ddbtool.items import s3transfer
    from ddbtool.tables.live import require

    connection = connect(ctx)
    client = connection.dynamodb()
    if arns:
        found = [s3transfer.describe_export(client, arn) for arn in arns]
    else:
        table_arn = require(client, table_name(table)).arn
        found = list(s3transfer.list_exports(client, table_arn))
    _print_status(found, _EXPORT_FIELDS, output, jmespath)


@app.command("import-status", cls=TargetCommand)
def import_status(
    ctx: typer.Context,
    arns: ArnArguments = None,
    output: TableOrJsonOutput = TableOrJson.table,
    jmespath: JmesPath = None,
) -> None:
    """List recent ImportTable runs (or describe the ARNs given): status and item counts.

    Examples:

    \b
      ddbtool import-status --prod
      ddbtool import-status arn:aws:dynamodb:us-east-1:123456789012:table/t/import/0171 --output json
    """
    from ddbtool.items import s3transfer

    connection = connect(ctx)
    client = connection.dynamodb()
    if arns:
        found = [s3transfer.describe_import(client, arn) for arn in arns]
    else:
        found = list(s3transfer.list_imports(client))
    _print_status(found, _IMPORT_FIELDS, output, jmespath)


def _print_status(
    found: list[dict[str, Any]], fields: tuple[str, ...], output: TableOrJson, jmespath: str | None
) -> None:
    from ddbtool.items.s3transfer import summaries

    rows = summaries(found, fields)
    shown = [name for name in fields if any(row[name] is not None for row in rows)] or list(fields[:2])
    render.emit(
        rows,
        output,
        table=lambda rows: render.print_table(
            shown, [[row[n] for n in shown] for row in rows], wrap=shown[:1]
        ),
        query=jmespath,
    )
    render.info(f"{len(rows)} found")
