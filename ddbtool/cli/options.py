"""The options commands share: where they go, which table, what they print.

Target options (`--endpoint-url`, `--prod`, `--region`, `--profile`) are
accepted before the subcommand (`ddbtool --prod scan`, on the root) and after
it (`ddbtool scan --prod`, on every command made with `cls=TargetCommand`). Each
one's callback keeps its value in the context's `meta`, which click shares from
the root to the subcommand, so a value given after the subcommand wins over one
given before it. The command reads the result with `connect(ctx)`.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand

from ddbtool.cli.completion import complete_table
from ddbtool.project import TABLE_VARIABLE

if TYPE_CHECKING:
    from ddbtool.aws import Connection

TARGET_PANEL = "Target (where commands go)"

# ctx.meta keys: the target options given so far, and the command's Connection.
_GIVEN = "ddbtool.target"
_CONNECTION = "ddbtool.connection"


# --- where commands go ------------------------------------------------------------------

EndpointUrl = Annotated[
    str | None,
    typer.Option(
        "--endpoint-url",
        metavar="URL",
        help="Any DynamoDB-compatible endpoint. Default: AWS_ENDPOINT_URL_DYNAMODB, "
        "AWS_ENDPOINT_URL, else http://localhost:8000.",
        rich_help_panel=TARGET_PANEL,
        show_default=False,
    ),
]
Prod = Annotated[
    bool,
    typer.Option(
        "--prod",
        help="AWS itself, through your profile and region; ignores endpoint settings.",
        rich_help_panel=TARGET_PANEL,
    ),
]
Region = Annotated[
    str | None,
    typer.Option(
        "--region",
        metavar="REGION",
        help="AWS region (default: your profile's).",
        rich_help_panel=TARGET_PANEL,
        show_default=False,
    ),
]
Profile = Annotated[
    str | None,
    typer.Option(
        "--profile",
        metavar="PROFILE",
        help="AWS profile from ~/.aws/config.",
        rich_help_panel=TARGET_PANEL,
        show_default=False,
    ),
]


def _declared(
    endpoint_url: EndpointUrl = None, prod: Prod = False, region: Region = None, profile: Profile = None
) -> None:
    """The four target options, declared once for Typer to build."""


def declared_params(declaration: Callable[..., None]) -> list[Any]:
    """The click parameters Typer builds from a function's Annotated options, not exposed.

    A way to declare options once and add them to several commands: their values
    reach the command through a callback (see `kept_params`), not as arguments.
    """
    declaration_app = typer.Typer(add_completion=False)
    declaration_app.command()(declaration)
    params = typer.main.get_command(declaration_app).params
    for param in params:
        param.expose_value = False  # the command function does not name them
    return list(params)


@functools.cache
def _target_params() -> tuple[Any, ...]:
    """The click parameters of the four target options, built by Typer from `_declared`."""
    params = declared_params(_declared)
    for param in params:
        param.callback = _keep
    return tuple(params)


def target_params() -> list[Any]:
    """Fresh copies of the target options, for the root and for each command that takes them."""
    return [copy.copy(param) for param in _target_params()]


def _keep(ctx: Any, param: Any, value: Any) -> Any:  # typer's vendored click.Context
    """Remember a target option given on the command line: after the subcommand wins over before."""
    if value is not None and value is not False:
        ctx.meta.setdefault(_GIVEN, {})[param.name] = value
    return value


def kept_params(params: Iterable[Any], meta_key: str) -> list[Any]:
    """Copies of `params` that keep their values (given or default) in `ctx.meta[meta_key]`.

    `kept(ctx, meta_key)` reads them back, by parameter name.
    """

    def keep(ctx: Any, param: Any, value: Any) -> Any:
        ctx.meta.setdefault(meta_key, {})[param.name] = value
        return value

    copies = [copy.copy(param) for param in params]
    for param in copies:
        param.expose_value = False
        param.callback = keep
    return copies


def kept(ctx: Any, meta_key: str) -> dict[str, Any]:
    """The values `kept_params` kept under `meta_key`, by parameter name."""
    return dict(ctx.meta.get(meta_key, {}))


class TargetCommand(TyperCommand):
    """A command that talks to DynamoDB: it takes the four target options; `connect(ctx)` reads them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(target_params())

    def invoke(self, ctx: Any) -> Any:  # typer's vendored click.Context
        from ddbtool.aws import Connection, Target
        from ddbtool.errors import DdbtoolError, MissingTableError, from_botocore

        connection = Connection(Target(**ctx.meta.get(_GIVEN, {})))
        ctx.meta[_CONNECTION] = connection
        try:
            return super().invoke(ctx)
        except Exception as exc:
            missing = exc if isinstance(exc, DdbtoolError) else from_botocore(exc)
            if isinstance(missing, MissingTableError) and (note := connection.separate_databases_note()):
                raise missing.with_note(note) from exc
            raise


def connect(ctx: typer.Context) -> Connection:
    """The Connection of the command running in `ctx`, a TargetCommand."""
    connection: Connection = ctx.meta[_CONNECTION]
    return connection


# --- which table ------------------------------------------------------------------------

_TABLE_HELP = f"Table name (default: {TABLE_VARIABLE}, else the one table defined in ./schemas)."

TableOption = Annotated[
    str | None,
    typer.Option(
        "--table", "-t", metavar="TABLE", help=_TABLE_HELP, show_default=False, autocompletion=complete_table
    ),
]
TableArgument = Annotated[
    str | None,
    typer.Argument(
        metavar="TABLE", help="Table name, as --table.", show_default=False, autocompletion=complete_table
    ),
]


# --- what commands print ----------------------------------------------------------------


class TableOrJson(str, Enum):
    table = "table"
    json = "json"


class Listing(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


class Dump(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


_OUTPUT = "table for people; json is one document on stdout"
_LINES = ", jsonl one object a line as items arrive"
TableOrJsonOutput = Annotated[TableOrJson, typer.Option("--output", "-o", help=f"{_OUTPUT}.")]
ListingOutput = Annotated[Listing, typer.Option("--output", "-o", help=f"{_OUTPUT}{_LINES}.")]
DumpOutput = Annotated[
    Dump, typer.Option("--output", "-o", help=f"{_OUTPUT}{_LINES}, csv a header and rows.")
]


def _jmespath(expression: str | None) -> str | None:
    """Refuse a bad --query before anything is read (exit 2, one line)."""
    if expression is not None:
        from ddbtool.render import check_query

        check_query(expression)
    return expression


JmesPath = Annotated[
    str | None,
    typer.Option(
        "--query",
        metavar="JMESPATH",
        help="Print what this JMESPath expression picks from the JSON output, as the AWS CLI's "
        "--query does (needs --output json).",
        callback=_jmespath,
        show_default=False,
    ),
]


# --- how commands write -----------------------------------------------------------------

Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Validate and show what would happen; write nothing.")
]
WriteConcurrency = Annotated[
    int | None,
    typer.Option(
        "--concurrency",
        min=1,
        max=32,
        help="Batches of 25 items written at once. Default: adaptive, up to 32 "
        "(grows while throughput grows, halves when DynamoDB throttles).",
        show_default=False,
    ),
]
MaxWcu = Annotated[
    float | None,
    typer.Option(
        "--max-wcu",
        min=1,
        metavar="N",
        help="Keep consumed write capacity under N units a second, as DynamoDB reports it "
        "(room for a table's live traffic).",
        show_default=False,
    ),
]


Definitions = Annotated[
    list[Path] | None,
    typer.Argument(
        metavar="FILE",
        help="Table definition files (default: every *.yaml in ./schemas).",
        show_default=False,
    ),
]
