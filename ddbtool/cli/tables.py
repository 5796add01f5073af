"""Table commands: schema-load, delete-table, list-tables, describe-table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ddbtool import render
from ddbtool.cli.app import announce, app, confirm, show_warnings
from ddbtool.cli.completion import complete_table
from ddbtool.cli.options import (
    Definitions,
    DryRun,
    JmesPath,
    TableArgument,
    TableOption,
    TableOrJson,
    TableOrJsonOutput,
    TargetCommand,
    Yes,
    connect,
)
from ddbtool.errors import UsageError
from ddbtool.project import SCHEMAS, definitions, table_name

if TYPE_CHECKING:
    from ddbtool.tables.live import LiveTable


@app.command("schema-load", cls=TargetCommand)
def schema_load(
    ctx: typer.Context,
    files: Definitions = None,
    dry_run: DryRun = False,
    plan: Annotated[
        bool,
        typer.Option("--plan", help="Show the steps from each live table to its file; change nothing."),
    ] = False,
    apply: Annotated[
        bool, typer.Option("--apply", help="Make those steps, after showing them and asking.")
    ] = False,
    replace_indexes: Annotated[
        bool,
        typer.Option(
            "--replace-indexes",
            help="With --plan/--apply: a global index whose keys or projection changed is deleted "
            "and created again (its queries fail meanwhile).",
        ),
    ] = False,
    yes: Yes = False,
    output: TableOrJsonOutput = TableOrJson.table,
) -> None:
    """Create the tables of YAML definitions and wait until they are ACTIVE.

    Every file is validated first; nothing is created if any is wrong. A table
    that already exists and matches its file is "up to date" (exit 0); one that
    differs lists the differences and exits 1.

    --plan lists, for each table, the calls that would bring it to its file, in
    the order DynamoDB allows, and what each waits for (exit 1 if a change needs
    the table recreated). --apply makes them, waiting for the table and its
    indexes between steps; interrupted, run it again. It asks first on a
    terminal; with no terminal it needs --yes unless the endpoint is loopback.

    Examples:

    \b
      ddbtool schema-load
      ddbtool schema-load schemas/orders.yaml --prod --region us-east-1
      ddbtool schema-load --dry-run > create-table.json
      ddbtool schema-load --plan --output json
      ddbtool schema-load --apply --prod --yes
    """
    from ddbtool.tables.admin import load_table

    if plan and apply:
        raise UsageError("--plan shows what --apply does: pass one of them")
    if dry_run and (plan or apply):
        raise UsageError("--dry-run prints CreateTable requests; --plan shows changes: pass one of them")
    if replace_indexes and not (plan or apply):
        raise UsageError("--replace-indexes goes with --plan or --apply")
    connection = connect(ctx)
    specs = definitions(files)
    show_warnings(specs)
    if dry_run:
        # One document per table, each as `aws dynamodb create-table --cli-input-json` takes it.
        render.emit((spec.create_request() for spec in specs), "jsonl")
        return
    if plan or apply:
        from ddbtool.cli import schemaplan

        found = schemaplan.plans(connection, specs, replace_indexes=replace_indexes)
        if apply:
            schemaplan.apply(connection, found, output, yes=yes)
        else:
            schemaplan.show(found, output)
            schemaplan.refuse_recreate(found)
        return
    announce(connection, "loading table definitions")
    client = connection.dynamodb()
    results = [load_table(client, spec) for spec in specs]
    render.emit(
        [vars(r) for r in results],
        output,
        table=lambda rows: render.print_table(
            ["table", "status", "differences"],
            [(r["table"], r["status"], "\n".join(r["differences"])) for r in rows],
            wrap=["differences"],
        ),
    )
    differing = [r.table for r in results if r.status == "differs"]
    if differing:
        render.error(
            f"{', '.join(differing)} differ from the definition: `ddbtool schema-load --plan` "
            "shows the steps to change them, `--apply` makes them"
        )
        raise typer.Exit(1)


@app.command("delete-table", cls=TargetCommand)
def delete_table(
    ctx: typer.Context,
    tables: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="TABLE",
            help="Tables to delete (default: those of ./schemas).",
            show_default=False,
            autocompletion=complete_table,
        ),
    ] = None,
    if_exists: Annotated[bool, typer.Option("--if-exists", help="A missing table is not an error.")] = False,
    yes: Yes = False,
) -> None:
    """Delete tables and wait until they are gone.

    Asks first on a terminal. With no terminal it refuses unless --yes is given,
    except on a loopback endpoint (localhost, 127.0.0.0/8, ::1).

    Examples:

    \b
      ddbtool delete-table orders
      ddbtool delete-table --if-exists --yes
    """
    from ddbtool.tables.admin import delete_table as delete
    from ddbtool.yamlfile import yaml_files

    connection = connect(ctx)
    if not tables and not yaml_files(SCHEMAS):
        raise UsageError(
            f"no table named and no table definitions in ./{SCHEMAS}: "
            "pass TABLE... or run from the app's folder"
        )
    names = tables or [spec.name for spec in definitions(None)]
    confirm(connection, f"Delete {', '.join(names)}? Every item in them is lost.", yes=yes)
    announce(connection, "deleting tables")
    client = connection.dynamodb()
    for name in names:
        if delete(client, name, if_exists=if_exists):
            render.success(f"deleted {name}")
        else:
            render.info(f"{name} does not exist; nothing to delete")


@app.command("list-tables", cls=TargetCommand)
def list_tables(
    ctx: typer.Context, output: TableOrJsonOutput = TableOrJson.table, jmespath: JmesPath = None
) -> None:
    """List every table at the target, every page.

    Examples:

    \b
      ddbtool list-tables
      ddbtool list-tables --prod --output json | jq -r '.[]'
      ddbtool list-tables -o json --query "[?starts_with(@, 'staging-')]"
    """
    from ddbtool.tables.admin import list_tables as names

    connection = connect(ctx)
    found = names(connection.dynamodb())
    render.emit(
        found,
        output,
        table=lambda names: render.print_table(["table"], [(n,) for n in names]),
        query=jmespath,
    )
    if not found:
        render.info(f"no tables at {connection.describe()}; create them with `ddbtool schema-load`")
        if note := connection.separate_databases_note():
            render.info(note)


@app.command("describe-table", cls=TargetCommand)
def describe_table(
    ctx: typer.Context,
    table: TableArgument = None,
    table_option: TableOption = None,
    output: TableOrJsonOutput = TableOrJson.table,
    jmespath: JmesPath = None,
) -> None:
    """Show a table's keys, indexes, billing, stream, TTL, item count and status.

    Item counts come from DescribeTable, which AWS refreshes about every six hours.

    Examples:

    \b
      ddbtool describe-table orders
      ddbtool describe-table --output json | jq .indexes
      ddbtool describe-table orders -o json --query 'indexes[].name'
    """
    from ddbtool.tables.live import require, summary

    connection = connect(ctx)
    found = require(connection.dynamodb(), table_name(table_option, table), ttl=True)
    render.emit(summary(found), output, table=lambda _: _describe(found), query=jmespath)


def _describe(found: LiveTable) -> None:
    """describe-table's table view: a field/value table, then the indexes."""

    def key(name: str | None) -> str:
        return f"{name} ({found.attributes[name]})" if name else "-"

    capacity = found.capacity
    render.print_pairs(
        [
            ("table", found.name),
            ("status", found.status),
            ("partition key", key(found.key.partition)),
            ("sort key", key(found.key.sort)),
            (
                "billing",
                found.billing + (f" (read {capacity.read}, write {capacity.write})" if capacity else ""),
            ),
            ("stream", found.stream or "off"),
            ("ttl", found.ttl or "off"),
            ("deletion protection", "on" if found.deletion_protection else "off"),
            ("items (approx.)", found.item_count),
            ("size (bytes)", found.size_bytes),
        ],
        title=found.name,
    )
    if found.indexes:
        render.print_table(
            ["index", "kind", "partition", "sort", "projection", "status"],
            [
                (
                    i.name,
                    i.kind,
                    i.key.partition,
                    i.key.sort or "-",
                    i.projection + (f" {list(i.include)}" if i.include else ""),
                    i.status,
                )
                for i in found.indexes
            ],
        )
