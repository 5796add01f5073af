"""Reading by key condition, counting, and PartiQL, on any table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, NamedTuple

import typer

from ddbtool import render
from ddbtool.cli.app import announce, app, confirm, show_warnings
from ddbtool.cli.completion import complete_pattern_words
from ddbtool.cli.itemcmds import Attributes
from ddbtool.cli.options import Dump, DumpOutput, JmesPath, TableOption, TargetCommand, Yes, connect
from ddbtool.errors import UsageError
from ddbtool.project import table_name

if TYPE_CHECKING:
    from ddbtool.aws import Connection
    from ddbtool.items.keyquery import KeyCondition

KEY_PANEL = "Key condition"
PATTERN_PANEL = "Access pattern"

Pk = Annotated[
    str | None,
    typer.Option(
        "--pk",
        metavar="VALUE",
        help="The partition key value.",
        rich_help_panel=KEY_PANEL,
        show_default=False,
    ),
]
Sk = Annotated[
    str | None,
    typer.Option(
        "--sk", metavar="VALUE", help="Sort key equals VALUE.", rich_help_panel=KEY_PANEL, show_default=False
    ),
]
SkBeginsWith = Annotated[
    str | None,
    typer.Option(
        "--sk-begins-with",
        metavar="PREFIX",
        help="Sort key starts with PREFIX.",
        rich_help_panel=KEY_PANEL,
        show_default=False,
    ),
]
SkBetween = Annotated[
    tuple[str, str] | None,
    typer.Option(
        "--sk-between",
        metavar="LOW HIGH",
        help="Sort key from LOW to HIGH, both included.",
        rich_help_panel=KEY_PANEL,
        show_default=False,
    ),
]
SkGt = Annotated[
    str | None,
    typer.Option(
        "--sk-gt", metavar="VALUE", help="Sort key > VALUE.", rich_help_panel=KEY_PANEL, show_default=False
    ),
]
SkGte = Annotated[
    str | None,
    typer.Option(
        "--sk-gte", metavar="VALUE", help="Sort key >= VALUE.", rich_help_panel=KEY_PANEL, show_default=False
    ),
]
SkLt = Annotated[
    str | None,
    typer.Option(
        "--sk-lt", metavar="VALUE", help="Sort key < VALUE.", rich_help_panel=KEY_PANEL, show_default=False
    ),
]
SkLte = Annotated[
    str | None,
    typer.Option(
        "--sk-lte", metavar="VALUE", help="Sort key <= VALUE.", rich_help_panel=KEY_PANEL, show_default=False
    ),
]
Index = Annotated[
    str | None,
    typer.Option("--index", metavar="NAME", help="Read this index instead of the table.", show_default=False),
]
Where = Annotated[
    list[str] | None,
    typer.Option(
        "--where",
        metavar="CONDITION",
        help="Keep items matching: 'status = paid', 'total > 100', begins_with(a, v), contains(a, v), "
        "exists(a), not_exists(a). Repeat to AND them.",
        show_default=False,
    ),
]


def key_condition(
    pk: str | None,
    sk: str | None,
    begins_with: str | None,
    between: tuple[str, str] | None,
    gt: str | None,
    gte: str | None,
    lt: str | None,
    lte: str | None,
) -> KeyCondition | None:
    """The key options as one KeyCondition; UsageError for a sort condition without --pk or two of them."""
    from ddbtool.items.keyquery import KeyCondition, SortOperator

    options: list[tuple[SortOperator, tuple[str, ...] | None]] = [
        ("=", None if sk is None else (sk,)),
        ("begins_with", None if begins_with is None else (begins_with,)),
        ("between", between),
        (">", None if gt is None else (gt,)),
        (">=", None if gte is None else (gte,)),
        ("<", None if lt is None else (lt,)),
        ("<=", None if lte is None else (lte,)),
    ]
    given = [(operator, values) for operator, values in options if values is not None]
    if len(given) > 1:
        raise UsageError(
            "give at most one sort key condition (--sk, --sk-begins-with, --sk-between, --sk-gt ...)"
        )
    if pk is None:
        if given:
            raise UsageError("a sort key condition needs --pk VALUE")
        return None
    if not given:
        return KeyCondition(pk)
    operator, values = given[0]
    return KeyCondition(pk, operator, values)


Words = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="PATTERN NAME=VALUE",
        help="A declared access pattern (`ddbtool patterns`) and a value for each of its parameters.",
        autocompletion=complete_pattern_words,
        show_default=False,
    ),
]


@app.command("query", cls=TargetCommand)
def query(
    ctx: typer.Context,
    words: Words = None,
    table_option: TableOption = None,
    pk: Pk = None,
    sk: Sk = None,
    sk_begins_with: SkBeginsWith = None,
    sk_between: SkBetween = None,
    sk_gt: SkGt = None,
    sk_gte: SkGte = None,
    sk_lt: SkLt = None,
    sk_lte: SkLte = None,
    index: Index = None,
    where: Where = None,
    attributes: Attributes = None,
    reverse: Annotated[bool, typer.Option("--reverse", help="Highest sort key first.")] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=1, help="Stop after N items.", show_default=False)
    ] = None,
    consistent: Annotated[
        bool, typer.Option("--consistent", help="Strongly consistent reads (not on global indexes).")
    ] = False,
    read_all: Annotated[
        bool,
        typer.Option("--all", help="Every item, past the pattern's limit.", rich_help_panel=PATTERN_PANEL),
    ] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Print the pattern's request as JSON, as `aws dynamodb query --cli-input-json` "
            "(or get-item) takes it; call nothing.",
            rich_help_panel=PATTERN_PANEL,
        ),
    ] = False,
    output: DumpOutput = Dump.table,
    jmespath: JmesPath = None,
) -> None:
    """Read items by a declared access pattern, or by a key condition, every page.

    With PATTERN, the pattern's GetItem or Query runs with a value for each of
    its parameters (text, or a number where the key attribute is N), up to its
    limit (--limit N, --all); a GetItem that finds nothing is exit 1. With --pk,
    the key attribute names come from the table or the index: give values only,
    typed by the table's attribute definitions.

    Examples:

    \b
      ddbtool query customer-orders customer_id=c1
      ddbtool query orders-by-status status=paid from=2024-03-01 to=2024-04-01 --all -o jsonl
      ddbtool query order customer_id=c1 order_no=7 --explain > get-item.json
      ddbtool query --pk CUSTOMER#c1 --sk-begins-with ORDER#
      ddbtool query -t shop --index by-status --pk paid --where 'total > 100' -o jsonl
      ddbtool query --pk CUSTOMER#c1 --reverse --limit 5 -o json --query '[].sk'
    """
    from ddbtool.cli.items import print_items
    from ddbtool.items.expressions import split_attributes
    from ddbtool.items.keyquery import Selection
    from ddbtool.items.keyquery import query as start

    connection = connect(ctx)
    if words:
        key_options = (pk, sk, sk_begins_with, sk_between, sk_gt, sk_gte, sk_lt, sk_lte, index)
        if any(option is not None for option in key_options):
            raise UsageError("a pattern fixes the key: give PATTERN NAME=VALUE... or --pk, not both")
        _query_pattern(
            connection,
            words,
            table_option,
            PatternOptions(limit, read_all, reverse, consistent, where or [], split_attributes(attributes)),
            explain=explain,
            output=output,
            jmespath=jmespath,
        )
        return
    if read_all or explain:
        raise UsageError("--all and --explain go with a PATTERN (see `ddbtool patterns`)")
    condition = key_condition(pk, sk, sk_begins_with, sk_between, sk_gt, sk_gte, sk_lt, sk_lte)
    selection = Selection(
        table_name(table_option),
        condition,
        index=index,
        where=where or [],
        attributes=split_attributes(attributes),
        consistent=consistent,
        reverse=reverse,
    )
    found = start(connection.dynamodb(), selection, limit=limit)
    count = print_items(found, output, "query", jmespath)
    source = f"{found.table} index {index}" if index else found.table
    render.info(f"{count} items from {source}")


class PatternOptions(NamedTuple):
    limit: int | None
    read_all: bool
    reverse: bool
    consistent: bool
    where: list[str]
    attributes: list[str]


def _query_pattern(
    connection: Connection,
    words: list[str],
    table_option: str | None,
    options: PatternOptions,
    *,
    explain: bool,
    output: Dump,
    jmespath: str | None,
) -> None:
    """`query PATTERN NAME=VALUE...`: explain the pattern's request, or run it and print the items."""
    from ddbtool.cli.items import print_items
    from ddbtool.items.patternquery import plan_read, read
    from ddbtool.project import access_pattern, designs

    specs = designs(table_option)
    show_warnings(specs)
    pattern = access_pattern(words[0], specs)
    planned = plan_read(pattern, words[1:], **options._asdict())
    if explain:
        render.emit(planned.explained(), "json")
        if planned.limit is not None and not pattern.get_item:
            render.info(
                f"ddbtool stops after {planned.limit} items; the AWS CLI reads every page: "
                f"`aws dynamodb query --cli-input-json file://FILE --max-items {planned.limit}` stops there"
            )
        return
    found = read(connection.dynamodb(), planned)
    entities = next(spec.entities for spec in specs if spec.name == pattern.table)
    count = print_items(found, output, "query", jmespath, entities=entities)
    where = f"{pattern.table} index {pattern.index}" if pattern.index else pattern.table
    more = "; there may be more: --all reads every one" if count == planned.limit else ""
    render.info(f"{count} items from {where} ({pattern.name}, {pattern.operation}){more}")


@app.command("count", cls=TargetCommand)
def count(
    ctx: typer.Context,
    table_option: TableOption = None,
    pk: Pk = None,
    sk: Sk = None,
    sk_begins_with: SkBeginsWith = None,
    sk_between: SkBetween = None,
    sk_gt: SkGt = None,
    sk_gte: SkGte = None,
    sk_lt: SkLt = None,
    sk_lte: SkLte = None,
    index: Index = None,
    where: Where = None,
    segments: Annotated[
        int, typer.Option("--segments", min=1, max=1000, help="Parallel scan with N segments (without --pk).")
    ] = 1,
    consistent: Annotated[
        bool, typer.Option("--consistent", help="Strongly consistent reads (not on global indexes).")
    ] = False,
) -> None:
    """Count the items of a table, an index or one partition, and print the number.

    With --pk it is a query; without, a scan (parallel with --segments). Both
    read every page with Select COUNT, so the number is exact, not
    DescribeTable's six-hourly estimate.

    Examples:

    \b
      ddbtool count
      ddbtool count --pk CUSTOMER#c1 --sk-begins-with ORDER#
      ddbtool count -t shop --index by-status --segments 4 --where 'total > 100'
    """
    from ddbtool.items.keyquery import Selection
    from ddbtool.items.keyquery import count as count_items

    connection = connect(ctx)
    condition = key_condition(pk, sk, sk_begins_with, sk_between, sk_gt, sk_gte, sk_lt, sk_lte)
    selection = Selection(
        table_name(table_option), condition, index=index, where=where or [], consistent=consistent
    )
    typer.echo(count_items(connection.dynamodb(), selection, segments=segments))


@app.command("sql", cls=TargetCommand)
def sql(
    ctx: typer.Context,
    statement: Annotated[
        str, typer.Argument(metavar="STATEMENT", help="One PartiQL statement; ? for each --param.")
    ],
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            metavar="VALUE",
            help="A value for the next ?, as YAML: 7 is a number, '\"7\"' text.",
            show_default=False,
        ),
    ] = None,
    consistent: Annotated[bool, typer.Option("--consistent", help="A strongly consistent read.")] = False,
    yes: Yes = False,
    output: DumpOutput = Dump.table,
    jmespath: JmesPath = None,
) -> None:
    """Run one PartiQL statement through ExecuteStatement, following every page.

    SELECT prints the items it reads. INSERT and UPDATE say where they write
    first; DELETE also asks, as delete does (--yes without a terminal, except
    on a loopback endpoint).

    Examples:

    \b
      ddbtool sql 'SELECT * FROM "shop" WHERE pk = ?' --param CUSTOMER#c1
      ddbtool sql "UPDATE \\"shop\\" SET status = 'paid' WHERE pk = 'CUSTOMER#c1' AND sk = 'ORDER#7'"
      ddbtool sql 'DELETE FROM "shop" WHERE pk = ? AND sk = ?' --param CUSTOMER#c1 --param ORDER#7 --yes
    """
    from ddbtool.items.keys import yaml_value
    from ddbtool.items.partiql import execute, statement_kind
    from ddbtool.items.scan import Scan

    connection = connect(ctx)
    kind = statement_kind(statement)
    parameters = [yaml_value(text, f"--param {n + 1}") for n, text in enumerate(param or [])]
    if kind == "delete":
        confirm(connection, "Run this DELETE statement?", yes=yes)
    if kind in ("insert", "update", "delete"):
        announce(connection, f"running a PartiQL {kind.upper()}")
    items = execute(connection.dynamodb(), statement, parameters, consistent=consistent)
    if kind != "select" and output is Dump.table and jmespath is None:
        written = sum(1 for _ in items)  # a write returns no items; run it
        render.success(f"{kind.upper()} done" if not written else f"{kind.upper()} returned {written} items")
        return
    from ddbtool.cli.items import print_items

    found = Scan("the statement", (), items)
    shown = print_items(found, output, "statement", jmespath)
    render.info(f"{shown} items")
