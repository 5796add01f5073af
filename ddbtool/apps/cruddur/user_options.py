"""Where the app's commands find users: --users-db, --users-table, --users-column.

Declared once. `UsersCommand` adds them to a command that resolves handles (as
TargetCommand adds the target options) and `user_directory_of(ctx, ...)` reads
them; `seed_params()` gives the same options to `seed` through App.seed_options.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ddbtool.apps.cruddur.users import DEFAULT_COLUMNS, DEFAULT_USERS_TABLE, USERS_DB_VARIABLE
from ddbtool.cli.options import TargetCommand, declared_params, kept, kept_params

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from ddbtool.apps.cruddur.users import UserDirectory

USERS_PANEL = "Users (default: the table's user items)"
_META = "cruddur.users"

UsersDbOption = Annotated[
    str | None,
    typer.Option(
        "--users-db",
        envvar=USERS_DB_VARIABLE,
        metavar="URL",
        help="The app's PostgreSQL database (postgresql://USER:PASSWORD@HOST:PORT/DATABASE, "
        'e.g. "$CONNECTION_URL"): users come from its users table, not from user items. '
        "Needs ddbtool[postgres].",
        rich_help_panel=USERS_PANEL,
        show_default=False,
    ),
]
UsersTableOption = Annotated[
    str,
    typer.Option(
        "--users-table",
        envvar="DDBTOOL_USERS_TABLE",
        metavar="SCHEMA.TABLE",
        help="With --users-db: the users table.",
        rich_help_panel=USERS_PANEL,
    ),
]
UsersColumnOption = Annotated[
    list[str] | None,
    typer.Option(
        "--users-column",
        metavar="FIELD=COLUMN",
        help=f"With --users-db: the column holding a field ({', '.join(DEFAULT_COLUMNS)}) "
        "when it is not the app's name for it; repeatable.",
        rich_help_panel=USERS_PANEL,
        show_default=False,
    ),
]


def _declared(
    users_db: UsersDbOption = None,
    users_table: UsersTableOption = DEFAULT_USERS_TABLE,
    users_column: UsersColumnOption = None,
) -> None:
    """The users options, declared once for Typer to build."""


@functools.cache
def _users_params() -> tuple[Any, ...]:
    return tuple(declared_params(_declared))


def seed_params() -> list[Any]:
    """The users options, for `seed` (App.seed_options): their values reach read_seeds by name."""
    return list(_users_params())


class UsersCommand(TargetCommand):
    """A command that resolves handles: the target options and the users options."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(kept_params(_users_params(), _META))


def user_directory_of(ctx: typer.Context, client: DynamoDBClient, table: str) -> UserDirectory:
    """The directory the options of the command running in `ctx` (a UsersCommand) name."""
    from ddbtool.apps.cruddur.users import user_directory, users_db_of

    return user_directory(client, table, users_db_of(**kept(ctx, _META)))
