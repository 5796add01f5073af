"""One item at a time, on any table: get, put, update and delete by primary key."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ddbtool import render
from ddbtool.cli.app import announce, app, confirm
from ddbtool.cli.options import (
    Dump,
    DumpOutput,
    JmesPath,
    MaxWcu,
    TableOption,
    TargetCommand,
    WriteConcurrency,
    Yes,
    connect,
)
from ddbtool.errors import UsageError
from ddbtool.project import table_name

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from ddbtool.items.keys import TableKeys

KeyArguments = Annotated[
    list[str],
    typer.Argument(
        metavar="NAME=VALUE...",
        help="The item's full primary key; values are typed by the table's attribute definitions.",
        show_default=False,
    ),
]
Attributes = Annotated[
    str | None,
    typer.Option("--attributes", metavar="A,B", help="Print only these attributes.", show_default=False),
]


def table_keys(client: DynamoDBClient, table: str) -> TableKeys:
    """The key names and attribute types of the live table."""
    from ddbtool.items.keys import TableKeys
    from ddbtool.tables.live import require

    return TableKeys.from_live(require(client, table))


def print_item(item: dict[str, Any], key: Sequence[str], output: Dump, jmespath: str | None = None) -> None:
    """One item: a field/value table (its key first), a JSON object, a JSON line, or CSV with a header."""
    render.emit(dict(sorted(item.items())), output, leading=key, query=jmespath)


@app.command("get", cls=TargetCommand)
def get(
    ctx: typer.Context,
    key: KeyArguments,
    table_option: TableOption = None,
    consistent: Annotated[bool, typer.Option("--consistent", help="A strongly consistent read.")] = False,
    attributes: Attributes = None,
    output: DumpOutput = Dump.table,
    jmespath: JmesPath = None,
) -> None:
    """Read one item by its full primary key; no such item is exit 1.

    Examples:

    \b
      ddbtool get pk=CUSTOMER#c1 sk=PROFILE
      ddbtool get -t shop pk=CUSTOMER#c1 sk=ORDER#7 --attributes status,total -o json
      ddbtool get pk=CUSTOMER#c1 sk=PROFILE -o json --query name
    """
    from ddbtool.items.expressions import split_attributes
    from ddbtool.items.single import get_item

    connection = connect(ctx)
    table = table_name(table_option)
    client = connection.dynamodb()
    keys = table_keys(client, table)
    typed = keys.parse_key(key)
    item = get_item(client, table, typed, consistent=consistent, attributes=split_attributes(attributes))
    print_item(item, keys.key.names, output, jmespath)


@app.command("put", cls=TargetCommand)
def put(
    ctx: typer.Context,
    item: Annotated[
        str | None,
        typer.Argument(
            metavar="ITEM", help="One item as a JSON object, or - to read stdin.", show_default=False
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            "-f",
            metavar="FILE",
            help="JSON lines, a JSON array, or YAML items.",
            show_default=False,
        ),
    ] = None,
    table_option: TableOption = None,
    if_not_exists: Annotated[
        bool, typer.Option("--if-not-exists", help="Keep an existing item with the same key (a condition).")
    ] = False,
    concurrency: WriteConcurrency = None,
    max_wcu: MaxWcu = None,
) -> None:
    """Put items: one JSON object, or JSON lines, a JSON array or YAML from a file or stdin.

    Every item is checked first (its key present and typed, DynamoDB's rules;
    exit 2 and nothing written, naming file, line and field). Items go in
    batches of 25, retried until each lands, as seed does, with its adaptive
    concurrency and the same --concurrency and --max-wcu. Numbers keep every
    digit; YAML writes sets (!!set) and binary (!!binary). --if-not-exists puts
    one item at a time, each with its condition.

    Examples:

    \b
      ddbtool put '{"pk": "CUSTOMER#c1", "sk": "PROFILE", "name": "Ada"}'
      ddbtool put -t shop --file orders.jsonl
      cat items.yaml | ddbtool put - --if-not-exists
      ddbtool put -t shop --file orders.jsonl --max-wcu 200
    """
    from ddbtool.items.putinput import check_items, read_items

    if if_not_exists and (concurrency is not None or max_wcu is not None):
        raise UsageError("--concurrency and --max-wcu pace batched puts; --if-not-exists puts one at a time")
    connection = connect(ctx)
    table = table_name(table_option)
    text, source = _put_input(item, file)
    entries = read_items(text, source)
    client = connection.dynamodb()
    keys = table_keys(client, table)
    check_items(entries, keys.types, keys.key.names)
    items = [entry.item for entry in entries]
    announce(connection, f"putting {_count(len(items))} into {table}")
    if if_not_exists:
        from ddbtool.items.single import put_new_items

        written = put_new_items(client, table, items, keys.key)
        kept = len(items) - written
        render.success(
            f"put {_count(written, 'new item')} into {table}; {kept} already existed and were kept"
        )
    else:
        from ddbtool.items.batch import write_items
        from ddbtool.items.pace import Pace

        pace = Pace(concurrency, max_wcu)
        write_items(client, table, items, keys.key.names, pace=pace, checked=True)  # check_items did
        render.success(f"put {_count(len(items))} into {table}")


def _count(number: int, noun: str = "item") -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _put_input(item: str | None, file: Path | None) -> tuple[str, str]:
    """The text to read items from, and its name for error messages."""
    if (item is not None) + (file is not None) != 1:
        raise UsageError("give one source of items: ITEM, --file FILE, or - for stdin")
    if file is not None:
        try:
            return file.read_text(encoding="utf-8"), str(file)
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read {file}: {getattr(exc, 'strerror', None) or exc}") from None
    if item == "-":
        return sys.stdin.read(), "stdin"
    assert item is not None
    return item, "ITEM"


@app.command("update", cls=TargetCommand)
def update(
    ctx: typer.Context,
    key: KeyArguments,
    table_option: TableOption = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            metavar="NAME=VALUE",
            help="Set an attribute (VALUE is YAML: 12, paid, '!!set {a, b}').",
            show_default=False,
        ),
    ] = None,
    remove: Annotated[
        list[str] | None,
        typer.Option("--remove", metavar="NAME", help="Remove an attribute.", show_default=False),
    ] = None,
    add: Annotated[
        list[str] | None,
        typer.Option(
            "--add", metavar="NAME=NUMBER", help="Add to a number (or members to a set).", show_default=False
        ),
    ] = None,
    upsert: Annotated[bool, typer.Option("--upsert", help="Create the item if it does not exist.")] = False,
    output: DumpOutput = Dump.table,
) -> None:
    """Change one item in one UpdateItem and print it as it is after the change.

    A missing item is exit 1 unless --upsert. Every attribute name and value
    goes behind a placeholder, so reserved words (name, status, count) work.

    Examples:

    \b
      ddbtool update pk=CUSTOMER#c1 sk=ORDER#7 --set status=shipped --add count=1
      ddbtool update -t shop pk=CUSTOMER#c1 sk=PROFILE --remove phone --set name=Ada
    """
    from ddbtool.items.keys import split_assignment
    from ddbtool.items.single import Update, update_item

    connection = connect(ctx)
    table = table_name(table_option)
    client = connection.dynamodb()
    keys = table_keys(client, table)
    typed = keys.parse_key(key)
    change = Update(
        set={
            name: keys.value(name, text)
            for name, text in (split_assignment(a, "--set NAME=VALUE") for a in set_ or [])
        },
        remove=list(remove or []),
        add={
            name: keys.value(name, text)
            for name, text in (split_assignment(a, "--add NAME=NUMBER") for a in add or [])
        },
    )
    change.check(keys.key)
    announce(connection, f"updating one item in {table}")
    print_item(update_item(client, table, typed, change, upsert=upsert), keys.key.names, output)


@app.command("delete", cls=TargetCommand)
def delete(
    ctx: typer.Context,
    key: KeyArguments,
    table_option: TableOption = None,
    if_exists: Annotated[bool, typer.Option("--if-exists", help="A missing item is not an error.")] = False,
    yes: Yes = False,
    output: DumpOutput = Dump.table,
) -> None:
    """Delete one item and print what it held; a missing item is exit 1 unless --if-exists.

    Asks first on a terminal. With no terminal it refuses unless --yes is
    given, except on a loopback endpoint (localhost, 127.0.0.0/8, ::1).

    Examples:

    \b
      ddbtool delete pk=CUSTOMER#c1 sk=ORDER#7
      ddbtool delete -t shop pk=CUSTOMER#c1 sk=ORDER#7 --if-exists --yes
    """
    from ddbtool.errors import NotFoundError
    from ddbtool.items.single import delete_item, show_key

    connection = connect(ctx)
    table = table_name(table_option)
    client = connection.dynamodb()
    keys = table_keys(client, table)
    typed = keys.parse_key(key)
    confirm(connection, f"Delete the item {show_key(typed)} from {table}?", yes=yes)
    announce(connection, f"deleting one item from {table}")
    old = delete_item(client, table, typed)
    if old is None:
        if not if_exists:
            raise NotFoundError(
                f"no item {show_key(typed)} in {table}; pass --if-exists to ignore a missing item"
            )
        render.info(f"no item {show_key(typed)} in {table}; nothing to delete")
        return
    print_item(old, keys.key.names, output)
    render.success(f"deleted {show_key(typed)} from {table}")
