"""The app's access patterns: list-conversations, get-conversation, update-cognito-ids."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import Annotated, Any

import typer

from ddbtool import render
from ddbtool.apps.cruddur.model import parse_timestamp
from ddbtool.apps.cruddur.user_options import UsersCommand, user_directory_of
from ddbtool.aws import check_endpoint_url
from ddbtool.cli.app import announce
from ddbtool.cli.options import (
    DryRun,
    JmesPath,
    Listing,
    ListingOutput,
    TableOption,
    TableOrJson,
    TableOrJsonOutput,
    TargetCommand,
    connect,
)
from ddbtool.errors import UsageError
from ddbtool.project import table_name

# The commands of this module; the app registers them on the ddbtool command line.
commands = typer.Typer()

Since = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="TIME",
        help="Only from this ISO-8601 time on, inclusive (e.g. 2023-01-01T00:00:00Z).",
        show_default=False,
    ),
]
Until = Annotated[
    str | None,
    typer.Option(
        "--until", metavar="TIME", help="Only up to this ISO-8601 time, inclusive.", show_default=False
    ),
]

_SHORT_MESSAGE = 60


def _when(stored: str) -> str:
    """A stored timestamp in the reader's local time, to the minute; anything else as stored."""
    try:
        moment = parse_timestamp(stored)
    except ValueError:
        return stored  # written by something other than ddbtool: show it, do not fail
    return moment.astimezone().strftime("%Y-%m-%d %H:%M %Z")


@commands.command("list-conversations", cls=UsersCommand)
def list_conversations(
    ctx: typer.Context,
    user: Annotated[str, typer.Argument(help="The user's handle (e.g. andrewbrown) or uuid.")],
    limit: Annotated[
        int | None,
        typer.Option("--limit", "-n", min=1, help="At most this many, newest first.", show_default=False),
    ] = None,
    since: Since = None,
    until: Until = None,
    table: TableOption = None,
    output: ListingOutput = Listing.table,
    jmespath: JmesPath = None,
) -> None:
    """List one user's conversations, newest first (access pattern B).

    A handle is resolved through its user item with one GetItem, or with
    --users-db in the app's PostgreSQL users table. Every page is read;
    --since/--until bound the time of each conversation's last message.

    Examples:

    \b
      ddbtool list-conversations andrewbrown
      ddbtool list-conversations andrewbrown --users-db "$CONNECTION_URL"
      ddbtool list-conversations andrewbrown --since 2023-01-01T00:00:00Z --limit 5
      ddbtool list-conversations 8f3c1a40-5a55-4c3e-9ea7-3d9f2a3f7c11 -o jsonl
      ddbtool list-conversations andrewbrown -o json --query '[].user_handle'
    """
    from ddbtool.apps.cruddur import conversations

    connection = connect(ctx)
    period = conversations.time_range(since, until)
    name = table_name(table)
    client = connection.dynamodb()
    users = user_directory_of(ctx, client, name)
    user_uuid = conversations.resolve_user_uuid(users, user)
    found = list(conversations.list_conversations(client, name, user_uuid, limit=limit, period=period))
    render.emit(found, output, table=_conversation_table, query=jmespath)
    if not found:
        render.info(f"{user} has no conversations{period.describe()}")


def _conversation_table(found: Iterable[dict[str, Any]]) -> None:
    render.print_table(
        ["with", "last message", "when", "conversation"],
        [
            (
                f"{c['user_display_name']} (@{c['user_handle']})",
                textwrap.shorten(c["message"] or "", _SHORT_MESSAGE, placeholder=" …"),
                _when(c["last_message_at"]),
                c["message_group_uuid"],
            )
            for c in found
        ],
    )


@commands.command("get-conversation", cls=TargetCommand)
def get_conversation(
    ctx: typer.Context,
    message_group_uuid: Annotated[
        str, typer.Argument(metavar="MESSAGE_GROUP_UUID", help="The conversation's uuid.")
    ],
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", "-n", min=1, help="The newest this many messages (default 20).", show_default=False
        ),
    ] = None,
    read_all: Annotated[bool, typer.Option("--all", help="Every message, every page.")] = False,
    since: Since = None,
    until: Until = None,
    show_capacity: Annotated[
        bool, typer.Option("--show-capacity", help="Report the read capacity consumed, on stderr.")
    ] = False,
    table: TableOption = None,
    output: ListingOutput = Listing.table,
    jmespath: JmesPath = None,
) -> None:
    """Show a conversation's newest messages, oldest first (access pattern A).

    A conversation without messages (in the range) is an error, exit 1.

    Examples:

    \b
      ddbtool get-conversation 5ae290ed-55d1-47a0-bc6d-fe2bc2700399
      ddbtool get-conversation 5ae290ed-55d1-47a0-bc6d-fe2bc2700399 --all --show-capacity
      ddbtool get-conversation 5ae290ed-55d1-47a0-bc6d-fe2bc2700399 --since 2023-01-01T00:00:00Z -o json
      ddbtool get-conversation 5ae290ed-55d1-47a0-bc6d-fe2bc2700399 -o json --query '[].message'
    """
    from ddbtool.apps.cruddur import conversations

    connection = connect(ctx)
    if read_all and limit is not None:
        raise UsageError("--all and --limit exclude each other: choose one")
    conversations.require_uuid(message_group_uuid, "MESSAGE_GROUP_UUID")
    period = conversations.time_range(since, until)
    conversation = conversations.get_conversation(
        connection.dynamodb(),
        table_name(table),
        message_group_uuid,
        limit=limit or conversations.DEFAULT_MESSAGES,
        read_all=read_all,
        period=period,
    )
    if show_capacity:
        spent = conversation.capacity
        render.info(f"consumed capacity: {spent.units:g} read units over {spent.pages} page(s)")
    render.emit(conversation.messages, output, table=_message_table, query=jmespath)


def _message_table(messages: Iterable[dict[str, Any]]) -> None:
    render.print_table(
        ["from", "when", "message"],
        [(f"@{m['user_handle']}", _when(m["created_at"]), m["message"]) for m in messages],
        wrap=["message"],
    )


@commands.command("update-cognito-ids", cls=UsersCommand)
def update_cognito_ids(
    ctx: typer.Context,
    user_pool_id: Annotated[
        str | None,
        typer.Option(
            "--user-pool-id",
            envvar="AWS_COGNITO_USER_POOL_ID",
            metavar="ID",
            help="The Cognito user pool, e.g. us-east-1_AbC123xyz.",
            show_default=False,
        ),
    ] = None,
    cognito_endpoint_url: Annotated[
        str | None,
        typer.Option(
            "--cognito-endpoint-url",
            envvar="AWS_ENDPOINT_URL_COGNITO_IDP",
            metavar="URL",
            help="Cognito's endpoint (default: botocore's settings, such as "
            "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, else AWS). The DynamoDB target never "
            "applies to Cognito.",
            show_default=False,
        ),
    ] = None,
    table: TableOption = None,
    dry_run: DryRun = False,
    output: TableOrJsonOutput = TableOrJson.table,
) -> None:
    """Write each Cognito user's sub as the cognito_user_id of its preferred_username's user.

    Reads every user of the pool. Only existing users are updated: user items,
    or with --users-db the rows of the app's PostgreSQL users table, all in one
    transaction. A handle with no user is reported as "no such user", and
    Cognito users without preferred_username are reported and skipped. Running
    it again changes nothing.

    Examples:

    \b
      ddbtool update-cognito-ids --user-pool-id us-east-1_AbC123xyz
      ddbtool update-cognito-ids --users-db "$CONNECTION_URL" --dry-run
      AWS_COGNITO_USER_POOL_ID=us-east-1_AbC123xyz ddbtool update-cognito-ids --dry-run
      ddbtool update-cognito-ids --prod --profile cruddur -o json
    """
    from ddbtool.apps.cruddur import cognito
    from ddbtool.apps.cruddur.users import DynamoUsers

    connection = connect(ctx)
    if not user_pool_id:
        raise UsageError("no user pool given: pass --user-pool-id or set AWS_COGNITO_USER_POOL_ID")
    if cognito_endpoint_url:
        check_endpoint_url(cognito_endpoint_url, "--cognito-endpoint-url (or AWS_ENDPOINT_URL_COGNITO_IDP)")
    name = table_name(table)
    directory = user_directory_of(ctx, connection.dynamodb(), name)
    target = connection.target
    pool = cognito.cognito_client(
        user_pool_id, profile=target.profile, region=target.region, endpoint_url=cognito_endpoint_url
    )
    render.info(f"reading user pool {user_pool_id} → {pool.meta.endpoint_url}")
    users = list(cognito.pool_users(pool, user_pool_id))
    if not dry_run:
        if isinstance(directory, DynamoUsers):
            announce(connection, f"writing cognito_user_id to {name}")
        else:
            render.info(f"writing cognito_user_id to {directory.where}")
    links = cognito.link_users(directory, users, dry_run=dry_run)
    render.emit([link.as_dict() for link in links], output, table=lambda _: _link_table(links))
    skipped = [link for link in links if link.result == "skipped"]
    if skipped:
        render.warn(
            f"skipped {len(skipped)} Cognito user(s): "
            + ", ".join(f"{link.cognito_username} ({link.reason})" for link in skipped)
        )
    if not links:
        render.info(f"user pool {user_pool_id} has no users")


def _link_table(links: list[Any]) -> None:
    render.print_table(
        ["handle", "sub", "result"],
        [
            (
                link.handle or f"({link.cognito_username})",
                link.sub or "-",
                f"{link.result}: {link.reason}" if link.reason else link.result,
            )
            for link in links
        ],
    )
