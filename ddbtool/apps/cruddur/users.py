"""Where the app's users live: a directory that turns handles into users and links Cognito ids.

Two backends answer the same protocol:

- the table's own user items (`USER#<handle>`, one GetItem a handle, never a
  Scan): the default, `DynamoUsers`;
- PostgreSQL's users table, where the app itself keeps them (`--users-db URL`):
  `postgres_users.PostgresUsers`, imported only then, since it needs psycopg.

`UsersDb` holds the PostgreSQL settings and checks them without psycopg, so a
malformed URL is a usage error even where psycopg is not installed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from ddbtool.apps.cruddur.model import User, user_key
from ddbtool.errors import NotFoundError, UsageError
from ddbtool.values import from_dynamo, to_dynamo

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

LinkResult = Literal["updated", "unchanged", "no such user", "would update"]

USERS_DB_VARIABLE = "DDBTOOL_USERS_DB"
DEFAULT_USERS_TABLE = "public.users"
# The app's own column names (its db/schema.sql), by the field each holds.
DEFAULT_COLUMNS: Mapping[str, str] = {
    "uuid": "uuid",
    "handle": "handle",
    "display_name": "display_name",
    "cognito_user_id": "cognito_user_id",
}


class UserDirectory(Protocol):
    """Users by handle, wherever they are kept."""

    @property
    def where(self) -> str:
        """Where the users are, for messages: never a password."""

    @property
    def add_hint(self) -> str:
        """How to add a user that is missing."""

    def find(self, handles: Iterable[str]) -> dict[str, User]:
        """The users with these handles that exist, by handle."""

    def link(self, subs: Mapping[str, str], *, dry_run: bool = False) -> dict[str, LinkResult]:
        """Write each handle's Cognito sub as its cognito_user_id; never create a user.

        With `dry_run` read only, and say `would update` where a write would change something.
        """


def require_user(users: UserDirectory, handle: str) -> User:
    """The user with this handle, or NotFoundError saying where it was looked for and how to add it."""
    found = users.find([handle]).get(handle)
    if found is None:
        raise NotFoundError(
            f"no user with handle {handle!r} in {users.where}; check the spelling, or {users.add_hint}"
        )
    return found


# --- the table's user items ------------------------------------------------------------


def get_user(client: DynamoDBClient, table: str, handle: str) -> User | None:
    """The user item with this handle, or None."""
    response = client.get_item(TableName=table, Key=to_dynamo(user_key(handle)))
    if "Item" not in response:
        return None
    item = from_dynamo(response["Item"])
    return User(
        uuid=item["user_uuid"],
        handle=item["user_handle"],
        display_name=item["user_display_name"],
        cognito_user_id=item.get("cognito_user_id"),
    )


@dataclass(frozen=True)
class DynamoUsers:
    """The default directory: user items in the messaging table itself."""

    client: DynamoDBClient
    table: str
    add_hint: str = "add the user to a seed file and run `ddbtool seed`"

    @property
    def where(self) -> str:
        return f"table {self.table!r}"

    def find(self, handles: Iterable[str]) -> dict[str, User]:
        found = {handle: get_user(self.client, self.table, handle) for handle in dict.fromkeys(handles)}
        return {handle: user for handle, user in found.items() if user is not None}

    def link(self, subs: Mapping[str, str], *, dry_run: bool = False) -> dict[str, LinkResult]:
        if dry_run:
            return {handle: self._would(handle, sub) for handle, sub in subs.items()}
        return {handle: self._link(handle, sub) for handle, sub in subs.items()}

    def _would(self, handle: str, sub: str) -> LinkResult:
        found = get_user(self.client, self.table, handle)
        if found is None:
            return "no such user"
        return "unchanged" if found.cognito_user_id == sub else "would update"

    def _link(self, handle: str, sub: str) -> LinkResult:
        # One conditional write tells the three cases apart: it succeeds only on an
        # existing item whose id differs; on failure ALL_OLD returns the item if it exists.
        client = self.client
        try:
            client.update_item(
                TableName=self.table,
                Key=to_dynamo(user_key(handle)),
                UpdateExpression="SET #cid = :sub",
                ConditionExpression="attribute_exists(#pk) AND (attribute_not_exists(#cid) OR #cid <> :sub)",
                ExpressionAttributeNames={"#pk": "pk", "#cid": "cognito_user_id"},
                ExpressionAttributeValues=to_dynamo({":sub": sub}),
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except client.exceptions.ConditionalCheckFailedException as exc:
            return "unchanged" if exc.response.get("Item") else "no such user"
        return "updated"


# --- PostgreSQL's users table ------------------------------------------------------------


@dataclass(frozen=True)
class UsersDb:
    """Where the app's users are in PostgreSQL: a URL, a table and its column names.

    Build it with `users_db_settings`, which checks every part.
    """

    url: str = field(repr=False)  # it may hold a password: never shown
    table: tuple[str, ...] = ("public", "users")
    columns: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_COLUMNS))
    host: str = "localhost"
    database: str = ""

    @property
    def where(self) -> str:
        """The table, host and database, as messages name them; never the password."""
        return f"{'.'.join(self.table)} of PostgreSQL database {self.database!r} at {self.host}"


_URL_HINT = "write postgresql://USER:PASSWORD@HOST:PORT/DATABASE"


def users_db_settings(url: str, table: str = DEFAULT_USERS_TABLE, columns: Iterable[str] = ()) -> UsersDb:
    """Checked PostgreSQL settings; UsageError (exit 2) naming the option for anything malformed.

    `columns` are `FIELD=COLUMN` pairs overriding the app's column names.
    """
    where = f"--users-db (or {USERS_DB_VARIABLE})"
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres"):
        raise UsageError(f"{where} is not a PostgreSQL URL: {_URL_HINT}")
    try:
        port = parts.port
    except ValueError:
        raise UsageError(f"{where} has a port that is not a number: {_URL_HINT}") from None
    query = parse_qs(parts.query)
    host = parts.hostname or (query.get("host") or ["localhost"])[0]
    database = unquote(parts.path.lstrip("/")) or (query.get("dbname") or [""])[0]
    if not database:
        raise UsageError(f"{where} names no database: {_URL_HINT}")
    return UsersDb(
        url=url,
        table=_table_name(table),
        columns={**DEFAULT_COLUMNS, **_columns(columns)},
        host=f"{host}:{port}" if port else host,
        database=database,
    )


def _table_name(table: str) -> tuple[str, ...]:
    parts = tuple(table.split("."))
    if not 1 <= len(parts) <= 2 or not all(parts):
        raise UsageError(
            f"--users-table {table!r} is not a table name; write SCHEMA.TABLE, e.g. public.users"
        )
    return parts


def _columns(pairs: Iterable[str]) -> dict[str, str]:
    columns = {}
    for pair in pairs:
        name, sep, column = pair.partition("=")
        if not sep or name not in DEFAULT_COLUMNS or not column:
            raise UsageError(
                f"--users-column {pair!r} is not FIELD=COLUMN with FIELD one of {', '.join(DEFAULT_COLUMNS)}"
            )
        columns[name] = column
    return columns


def users_db_of(
    users_db: str | None = None,
    users_table: str = DEFAULT_USERS_TABLE,
    users_column: Iterable[str] | None = None,
) -> UsersDb | None:
    """The checked settings of the users options' values (by their names), or None without --users-db."""
    if not users_db:
        return None
    return users_db_settings(users_db, users_table, users_column or ())


def user_directory(client: DynamoDBClient, table: str, settings: UsersDb | None) -> UserDirectory:
    """The users of `table`'s own user items, or of PostgreSQL when it is configured."""
    if settings is None:
        return DynamoUsers(client, table)
    from ddbtool.apps.cruddur.postgres_users import PostgresUsers

    return PostgresUsers(settings)
