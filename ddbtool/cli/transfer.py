"""Transfer commands: export and import (local files, or DynamoDB's own S3 engine) and their status."""

from __future__ import annotations

import sys
import time
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ddbtool import render
from ddbtool.cli.app import announce, app
from ddbtool.cli.options import MaxWcu, TableOption, TargetCommand, WriteConcurrency, connect
from ddbtool.errors import UsageError
from ddbtool.project import table_name

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from ddbtool.items.importer import TableShape


class DumpFormat(str, Enum):
    dynamodb = "dynamodb"
    plain = "plain"


S3Option = Annotated[
    str | None,
    typer.Option(
        "--s3",
        metavar="s3://BUCKET/PREFIX",
        help="Use DynamoDB's own S3 export/import instead of a local file.",
        show_default=False,
    ),
]
NoWait = Annotated[bool, typer.Option("--no-wait", help="Start it and return; see it with *-status.")]
Resume = Annotated[bool, typer.Option("--resume", help="Go on from the checkpoint an interrupted run left.")]


@app.command("export", cls=TargetCommand)
def export(
    ctx: typer.Context,
    table: TableOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write here (.gz compresses); default stdout.",
            show_default=False,
        ),
    ] = None,
    form: Annotated[
        DumpFormat,
        typer.Option("--format", help='dynamodb: typed {"Item": ...} lines, lossless; plain: plain JSON.'),
    ] = DumpFormat.dynamodb,
    segments: Annotated[
        int, typer.Option("--segments", min=1, max=1000, help="Scan N segments in parallel.")
    ] = 1,
    segment: Annotated[
        int | None,
        typer.Option(
            "--segment",
            min=0,
            metavar="I",
            help="Export only segment I (with --total-segments).",
            show_default=False,
        ),
    ] = None,
    total_segments: Annotated[
        int | None,
        typer.Option(
            "--total-segments",
            min=1,
            max=1000000,
            metavar="N",
            help="How many shares --segment is one of.",
            show_default=False,
        ),
    ] = None,
    resume: Resume = False,
    page_size: Annotated[
        int | None,
        typer.Option(
            "--page-size", min=1, help="Items per Scan call (default: up to 1 MB).", show_default=False
        ),
    ] = None,
    s3: S3Option = None,
    incremental_since: Annotated[
        str | None,
        typer.Option(
            "--incremental-since",
            metavar="TIME",
            help="With --s3: only changes since TIME (ISO-8601 with a zone).",
            show_default=False,
        ),
    ] = None,
    no_wait: NoWait = False,
) -> None:
    """Write every item of a table as JSON lines, streamed, resumable.

    One {"Item": {...}} line per item in DynamoDB's typed JSON (the shape of
    AWS's S3 exports: sets, binary and every digit survive), or --format plain.
    With -o FILE a checkpoint beside it (FILE.checkpoint.json) records each
    segment's place after every page; after a crash or Ctrl-C, --resume goes
    on with nothing lost or doubled. The file appears only when complete.

    With --s3, DynamoDB exports the table itself (ExportTableToPointInTime,
    point-in-time recovery required) and this waits unless --no-wait.

    Examples:

    \b
      ddbtool export -o backup.jsonl.gz
      ddbtool export -t orders --segments 4 -o backup.jsonl.gz --resume
      ddbtool export --segment 0 --total-segments 3 -o part0.jsonl
      ddbtool export --format plain | jq -c 'select(.pk | startswith("CUSTOMER#"))'
      ddbtool export --s3 s3://my-backups/orders --prod
    """
    connection = connect(ctx)
    name = table_name(table)
    if s3:
        if (
            output
            or resume
            or page_size
            or segment is not None
            or total_segments is not None
            or segments != 1
        ):
            raise UsageError(
                "--s3 exports with DynamoDB's engine: leave out -o, --resume and the segment options"
            )
        from ddbtool.cli.s3transfer import export_s3

        export_s3(connection, name, s3, incremental_since, no_wait)
        return
    if incremental_since or no_wait:
        raise UsageError("--incremental-since and --no-wait go with --s3")
    from ddbtool.items.export import ExportPlan, approximate_count, export_to_file, export_to_stream

    compress = bool(output and output.name.endswith(".gz"))
    plan = ExportPlan.build(
        name, form.value, segments=segments, segment=segment, total_segments=total_segments, compress=compress
    )
    if output is None and resume:
        raise UsageError("--resume needs -o FILE: standard output cannot be cut back to a checkpoint")
    client = connection.dynamodb()
    total = approximate_count(client, name) // (plan.total_segments // len(plan.segments))
    started = time.perf_counter()
    with render.progress(total or None, f"exporting {name}") as advance:
        if output is None:
            result = export_to_stream(
                client, plan, sys.stdout.buffer, page_size=page_size, on_progress=advance
            )
        else:
            result = export_to_file(
                client, plan, output, resume=resume, page_size=page_size, on_progress=advance
            )
    seconds = time.perf_counter() - started
    done = result.items - result.resumed_from
    earlier = f" (and {result.resumed_from:,} before the resume)" if result.resumed_from else ""
    render.success(
        f"exported {done:,} items{earlier} of {name} to {result.output} "
        f"in {seconds:.2f} s ({done / seconds if seconds else 0:,.0f} items/s)"
    )


@app.command("import", cls=TargetCommand)
def import_(
    ctx: typer.Context,
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="FILE...",
            help="Dump files (either format, .gz too, an S3 export's data files); "
            "with --s3, the table definition.",
            show_default=False,
        ),
    ] = None,
    table: TableOption = None,
    resume: Resume = False,
    concurrency: WriteConcurrency = None,
    max_wcu: MaxWcu = None,
    s3: S3Option = None,
    no_wait: NoWait = False,
) -> None:
    """Write the items of dump files into a table: checked whole first, then batched, resumable.

    Reads either line format (typed {"Item": ...} lines or plain JSON, told
    apart per line), gzipped or not, streamed. Every line is checked before
    the first write (each bad line named with file and line, exit 2, nothing
    written). Items go 25 to a BatchWriteItem, retried; a checkpoint beside the
    first file (FILE.import-checkpoint.json) records the line reached after
    each chunk, and --resume goes on from it. Of two lines with one key, the
    later wins.

    With --s3, DynamoDB's ImportTable creates the table from its definition
    (default: the one in ./schemas) and loads the files under the prefix.

    Examples:

    \b
      ddbtool import backup.jsonl.gz
      ddbtool import -t orders part0.jsonl part1.jsonl --resume
      ddbtool import export/AWSDynamoDB/*/data/*.json.gz
      ddbtool import --s3 s3://my-backups/orders schemas/orders.yaml --prod
    """
    connection = connect(ctx)
    if s3:
        if resume or table:
            raise UsageError("--s3 creates the table of a definition: leave out --resume and --table")
        from ddbtool.cli.s3transfer import import_s3

        import_s3(connection, s3, files, no_wait)
        return
    if no_wait:
        raise UsageError("--no-wait goes with --s3")
    if not files:
        raise UsageError("name the dump files to import: ddbtool import FILE...")
    from ddbtool.items.importer import check_files, import_files
    from ddbtool.items.pace import Pace
    from ddbtool.tables.live import require

    client = connection.dynamodb()
    shape = _shape(client, table_name(table))
    with render.progress(None, f"checking {len(files)} files") as checked:
        total = check_files(files, shape, on_progress=checked)
    announce(connection, f"importing {total:,} items into {shape.table}")
    require(client, shape.table)
    started = time.perf_counter()
    with render.progress(total, f"importing into {shape.table}") as advance:
        result = import_files(
            client, files, shape, resume=resume, pace=Pace(concurrency, max_wcu), on_progress=advance
        )
    seconds = time.perf_counter() - started
    done = result.items - result.resumed_from
    earlier = f" (and {result.resumed_from:,} before the resume)" if result.resumed_from else ""
    render.success(
        f"imported {done:,} items{earlier} into {shape.table} in {seconds:.2f} s "
        f"({done / seconds if seconds else 0:,.0f} items/s)"
    )


def _shape(client: DynamoDBClient, table: str) -> TableShape:
    """The key an item needs, from the table's definition in ./schemas, else from the live table."""
    from ddbtool.items.importer import TableShape
    from ddbtool.project import seed_keys

    key = seed_keys(client)(table)
    return TableShape(table, key.names, key.types)
