"""Cruddur's messaging on one DynamoDB table: the first app on the ddbtool toolkit.

`app` is what the entry point `ddbtool.apps: cruddur` names. Its hooks import
their modules when called, so importing this package (as the Lambda handler
does) loads nothing but the seam's dataclasses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ddbtool.apps import App, ItemView

if TYPE_CHECKING:
    import typer

    from ddbtool.items.seed import SeedWrite
    from ddbtool.items.seedfile import SeedDocument, SeedItem


def _register_commands(cli: typer.Typer) -> None:
    from ddbtool.apps.cruddur import commands, message_commands

    for module in (commands, message_commands):
        cli.registered_commands.extend(module.commands.registered_commands)


def _read_seeds(documents: Sequence[SeedDocument], **users_options: Any) -> Iterable[SeedItem]:
    from ddbtool.apps.cruddur.seeding import read_seeds
    from ddbtool.apps.cruddur.users import users_db_of

    return read_seeds(documents, users_db_of(**users_options))


def _seed_options() -> list[Any]:
    from ddbtool.apps.cruddur.user_options import seed_params

    return seed_params()


def _write_seeds(write: SeedWrite) -> list[str]:
    from ddbtool.apps.cruddur.seeding import write_seeds

    return write_seeds(write)


def _view(item: Mapping[str, Any]) -> ItemView | None:
    from ddbtool.apps.cruddur.view import view

    return view(item)


app = App(
    name="cruddur",
    register_commands=_register_commands,
    commands=(
        ("list-conversations", "One user's conversations, newest first."),
        ("get-conversation", "A conversation's newest messages."),
        ("update-cognito-ids", "Copy Cognito subs onto users."),
        ("send-message", "Send a message to a user or into a conversation."),
        ("stream-sync", "Move group items to their newest message."),
    ),
    seed_sections=("users", "conversations"),
    seed_kinds=("user", "group", "message"),
    read_seeds=_read_seeds,
    seed_options=_seed_options,
    seed_batch_kinds=("message",),
    write_seeds=_write_seeds,
    view=_view,
)
