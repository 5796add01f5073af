"""Writing messages: send-message (patterns C and D) and stream-sync (pattern E)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from ddbtool import render
from ddbtool.apps.cruddur.user_options import UsersCommand, user_directory_of
from ddbtool.cli.app import announce
from ddbtool.cli.options import TableOption, TableOrJson, TableOrJsonOutput, TargetCommand, connect
from ddbtool.errors import UsageError
from ddbtool.project import table_name

if TYPE_CHECKING:
    from ddbtool.apps.cruddur.inbox import GroupMove

# The commands of this module; the app registers them on the ddbtool command line.
commands = typer.Typer()

_GROUPS_SAID = {
    "written": "started a new conversation: both inboxes show the message",
    "stream": "the table has a stream, so its handler moves the group items "
    "(on a local endpoint run `ddbtool stream-sync --once`)",
    "direct": "the table has no stream, so the group items were moved directly",
}


@commands.command("send-message", cls=UsersCommand)
def send_message(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The message.", show_default=False)],
    sender: Annotated[str, typer.Option("--from", help="Handle of the sender.", show_default=False)],
    to: Annotated[
        str | None, typer.Option("--to", help="Handle of the recipient: reuses or starts their conversation.")
    ] = None,
    group: Annotated[
        str | None, typer.Option("--group", metavar="UUID", help="An existing conversation the sender is in.")
    ] = None,
    table: TableOption = None,
    output: TableOrJsonOutput = TableOrJson.table,
) -> None:
    """Send a message to a user or into a conversation.

    With --to, the two users' conversation is reused, or started: both group
    items and the first message in one transaction, all or nothing. With --group,
    the sender must be part of the conversation. Handles resolve through user
    items, or with --users-db in the app's PostgreSQL users table.

    Examples:

    \b
      ddbtool send-message --from andrewbrown --to londo "Hello, ambassador"
      ddbtool send-message --from andrewbrown --to bayko --users-db "$CONNECTION_URL" "Hi"
      ddbtool send-message --from bayko --group 5ae290ed-... "On my way"
    """
    from ddbtool.apps.cruddur.conversations import require_uuid
    from ddbtool.apps.cruddur.sending import check_text
    from ddbtool.apps.cruddur.sending import send_message as send

    connection = connect(ctx)
    if (to is None) == (group is None):
        raise UsageError(
            "name the recipient with --to HANDLE or the conversation with --group UUID (one of them)"
        )
    # Check what needs no call first: a bad message or uuid is a usage error even offline.
    check_text(text)
    if group is not None:
        require_uuid(group, "--group")
    name = table_name(table)
    client = connection.dynamodb()
    users = user_directory_of(ctx, client, name)
    announce(connection, f"sending a message in {name}")
    sent = send(client, name, sender, text, to_handle=to, group_uuid=group, users=users)
    summary = {
        "message": sent.message,
        "message_group_uuid": sent.message_group_uuid,
        "started": sent.started,
        "groups": sent.groups,
        "groups_moved": len(sent.moves),
    }
    render.emit(summary, output, table=lambda _: _message_pairs(sent.message_group_uuid, sent.message))
    render.info(_GROUPS_SAID[sent.groups])


def _message_pairs(conversation: str, message: dict[str, Any]) -> None:
    render.print_pairs(
        [
            ("conversation", conversation),
            ("from", f"{message['user_display_name']} (@{message['user_handle']})"),
            ("at", message["sk"]),
            ("message", message["message"]),
            ("message uuid", message["message_uuid"]),
        ]
    )


@commands.command("stream-sync", cls=TargetCommand)
def stream_sync(
    ctx: typer.Context,
    follow: Annotated[
        bool,
        typer.Option(
            "--follow/--once", help="Keep tailing the stream until interrupted, or drain it and exit."
        ),
    ] = False,
    table: TableOption = None,
    output: TableOrJsonOutput = TableOrJson.table,
) -> None:
    """Keep group items current from the table's stream, as the app's Lambda does.

    Reads every shard and every record through the DynamoDB Streams API and moves
    each conversation's group items to its newest message. It starts at the
    oldest record kept (24 hours); replays are harmless, since a group never
    moves backwards.

    Examples:

    \b
      ddbtool stream-sync --once
      ddbtool stream-sync --follow
    """
    from ddbtool.apps.cruddur.inbox import sync_from_stream

    connection = connect(ctx)
    name = table_name(table)

    def said(move: GroupMove) -> None:
        render.info(f"moved {move.owner_pk} in {move.message_group_uuid} to {move.to_sk}")

    result = sync_from_stream(
        connection.dynamodb(),
        connection.client("dynamodbstreams"),
        name,
        follow=follow,
        on_start=lambda: announce(connection, f"moving group items in {name}"),
        on_move=said if follow else None,
    )
    if result.stopped:
        render.info("stopped")
    records, moves = result.records, result.moves
    summary = {"records": records, "groups_moved": len(moves), "moves": [vars(m) for m in moves]}
    render.emit(summary, output, table=lambda _: _move_table(moves) if moves and not follow else None)
    render.success(f"read {records} stream records; moved {len(moves)} group items")


def _move_table(moves: list[GroupMove]) -> None:
    render.print_table(
        ["group", "conversation", "now at", "last message"],
        [(m.owner_pk, m.message_group_uuid, m.to_sk, m.message) for m in moves],
        wrap=["last message"],
    )
