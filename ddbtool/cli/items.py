"""Data commands: seed (YAML seed files in) and scan (every item out)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ddbtool import render
from ddbtool.apps import App, installed
from ddbtool.cli.app import announce, app
from ddbtool.cli.options import (
    DryRun,
    Dump,
    DumpOutput,
    JmesPath,
    MaxWcu,
    TableArgument,
    TableOption,
    TableOrJson,
    TableOrJsonOutput,
    TargetCommand,
    WriteConcurrency,
    connect,
    kept,
    kept_params,
)
from ddbtool.errors import (
    DdbtoolError,
    IncompleteOutputError,
    InputFileError,
    Interrupted,
    UsageError,
    from_botocore,
)
from ddbtool.project import seed_files, seed_keys, table_name

if TYPE_CHECKING:
    from ddbtool.items.scan import Scan
    from ddbtool.tables.design import Entity


def _seed_options_key(app: App) -> str:
    return f"ddbtool.seed.{app.name}"


class SeedCommand(TargetCommand):
    """`seed`: the target options and the seed options of every installed app (App.seed_options)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for each in installed():
            if each.seed_options is not None:
                self.params.extend(kept_params(each.seed_options(), _seed_options_key(each)))


@app.command("seed", cls=SeedCommand)
def seed(
    ctx: typer.Context,
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="FILE", help="Seed files (default: every *.yaml in ./seeds).", show_default=False
        ),
    ] = None,
    dry_run: DryRun = False,
    concurrency: WriteConcurrency = None,
    max_wcu: MaxWcu = None,
    output: TableOrJsonOutput = TableOrJson.table,
) -> None:
    """Write the items of YAML seed files, and the sections of the apps installed.

    Every file is validated first (exit 2, nothing written, one line per
    problem). Items go in batches of 25, retried until each one lands. Running
    it again leaves exactly the same items. Ends with items per kind and speed.
    Installed apps may add options of their own (below the target options).

    Examples:

    \b
      ddbtool seed
      ddbtool seed seeds/demo.yaml --dry-run
      ddbtool seed --prod --region us-east-1 --output json
    """
    from ddbtool.items.pace import Pace
    from ddbtool.items.seed import SeedExecutor, check_seed, write_seed
    from ddbtool.items.seedfile import load_seeds

    connection = connect(ctx)
    paths = seed_files(files)
    client = connection.dynamodb()
    app_options = {each.name: kept(ctx, _seed_options_key(each)) for each in installed()}
    plan = load_seeds(paths, seed_keys(client), app_options)
    tables = plan.tables()
    execute: SeedExecutor = check_seed if dry_run else write_seed
    with render.progress(len(plan.items), "seeding") as advance:
        result = execute(
            client,
            plan,
            on_start=lambda names: announce(connection, f"seeding {', '.join(names)}"),
            on_progress=advance,
            pace=Pace(concurrency, max_wcu),
        )
    seconds = result.seconds
    counts = plan.counts()
    total = len(plan.items)
    rate = round(total / seconds) if seconds else None
    summary = {
        "tables": tables,
        "dry_run": dry_run,
        "items": counts,
        "total": total,
        "seconds": None if seconds is None else round(seconds, 3),
        "items_per_second": rate,
    }
    render.emit(
        summary,
        output,
        table=lambda _: render.print_table(["kind", "items"], [*counts.items(), ("total", total)]),
    )
    if seconds is None:
        render.info(f"dry run: {total} items in {len(paths)} files are valid; nothing was written")
    else:
        render.success(f"wrote {total} items to {', '.join(tables)} in {seconds:.2f} s ({rate} items/s)")
        for note in result.notes:
            render.info(note)


@app.command("scan", cls=TargetCommand)
def scan(
    ctx: typer.Context,
    table: TableArgument = None,
    table_option: TableOption = None,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=1, help="Stop after N items.", show_default=False)
    ] = None,
    index: Annotated[
        str | None, typer.Option("--index", metavar="NAME", help="Scan this index instead of the table.")
    ] = None,
    consistent: Annotated[
        bool, typer.Option("--consistent", help="Strongly consistent reads (not on global indexes).")
    ] = False,
    segments: Annotated[
        int, typer.Option("--segments", min=1, max=1000, help="Parallel scan with N segments.")
    ] = 1,
    page_size: Annotated[
        int | None,
        typer.Option(
            "--page-size", min=1, help="Items per Scan call (default: up to 1 MB).", show_default=False
        ),
    ] = None,
    output: DumpOutput = Dump.table,
    jmespath: JmesPath = None,
) -> None:
    """Read every item of a table, page by page, and stream it out.

    Values are plain JSON: numbers with every digit, sets as sorted lists,
    binary as base64, null as null. CSV has a column for every attribute of
    every item (nested values as JSON). In the table view an installed app shows
    its own items its way; other items show every attribute.

    Examples:

    \b
      ddbtool scan
      ddbtool scan orders --output jsonl | jq -c 'select(.pk | startswith("ORDER#"))'
      ddbtool scan --index by-date --limit 10
      ddbtool scan --segments 4 --output csv > items.csv
      ddbtool scan orders -o json --query "[?total > \\`100\\`].sk"
    """
    from ddbtool.items.scan import scan as start

    connection = connect(ctx)
    found = start(
        connection.dynamodb(),
        table_name(table_option, table),
        index=index,
        consistent=consistent,
        segments=segments,
        limit=limit,
        page_size=page_size,
    )
    entities = declared_entities(found.table) if output is Dump.table else ()
    count = print_items(found, output, "scan", jmespath, entities=entities)
    source = f"{found.table} index {index}" if index else found.table
    render.info(f"{count} items from {source}")


def declared_entities(table: str) -> tuple[Entity, ...]:
    """The entities the table's definition in ./schemas declares, for the table view; none without one.

    A view is no reason to fail: a definition that does not load is only warned about.
    """
    from ddbtool.project import SCHEMAS, definitions
    from ddbtool.yamlfile import yaml_files

    if not yaml_files(SCHEMAS):
        return ()
    try:
        specs = definitions()
    except InputFileError as exc:
        render.warn(f"items shown without their entities: {exc.lines()[0]} (see `ddbtool lint`)")
        return ()
    return next((spec.entities for spec in specs if spec.name == table), ())


def print_items(
    found: Scan,
    output: Dump,
    operation: str,
    jmespath: str | None = None,
    *,
    entities: Sequence[Entity] = (),
) -> int:
    """Stream the items of a scan or query in the chosen format; return how many.

    A failure after some items were printed says the output is incomplete. The
    table view shows each item as an installed app sees it, else plainly.
    """
    from ddbtool.apps import shown

    read = [0]

    def counted() -> Iterator[dict[str, Any]]:
        for item in found.items:
            read[0] += 1
            yield item

    incomplete = (
        f"the output is incomplete: the {operation} stopped after {{}} items; "
        f"run it again for all of {found.table}"
    )

    def table(items: Iterable[dict[str, Any]]) -> None:
        if entities:
            _entity_tables(items, found.key, entities)
        else:
            render.item_table((shown(item, found.key) for item in items), found.key)

    try:
        return render.emit(
            counted(),
            output,
            leading=found.key,
            table=table,
            query=jmespath,
        )
    except KeyboardInterrupt:
        raise Interrupted(f"interrupted; {incomplete.format(read[0])}") from None
    except Exception as exc:
        cause = exc if isinstance(exc, DdbtoolError) else from_botocore(exc)
        if cause is None or isinstance(cause, UsageError):
            raise
        raise IncompleteOutputError(cause, incomplete.format(read[0])) from exc


def _entity_tables(items: Iterable[dict[str, Any]], key: Sequence[str], entities: Sequence[Entity]) -> None:
    """Tables of a hundred items at a time, one per entity, then the items of none as any item shows."""
    from ddbtool.apps import shown
    from ddbtool.items.entityview import sections

    chunks = iter(items)
    while chunk := list(islice(chunks, 100)):
        for section in sections(chunk, entities, key, lambda item: shown(item, key)):
            # Every column may wrap, so that each keeps some width however narrow the terminal.
            render.print_table(section.columns, section.rows, title=section.title, wrap=section.columns)
