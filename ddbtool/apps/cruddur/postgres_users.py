"""The app's users in PostgreSQL (`public.users` of its db/schema.sql), through psycopg 3.

Imported only when `--users-db` is given: psycopg is the optional extra
`ddbtool[postgres]`. Every failure becomes one DdbtoolError naming the table,
host and database, never the password: an unreachable server, refused
credentials, a missing database, table or column.

Handles are not unique in the app's schema; a handle two rows hold is an error
rather than a guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ddbtool.apps.cruddur.model import User
from ddbtool.apps.cruddur.users import USERS_DB_VARIABLE, LinkResult, UsersDb
from ddbtool.errors import DdbtoolError

if TYPE_CHECKING:
    import psycopg

# Seconds to wait for the server to answer a connection.
CONNECT_TIMEOUT = 10


class PostgresUsers:
    """A user directory on PostgreSQL's users table."""

    add_hint = "add the user to the users table"

    def __init__(self, settings: UsersDb) -> None:
        self.settings = settings

    @property
    def where(self) -> str:
        return self.settings.where

    def find(self, handles: Iterable[str]) -> dict[str, User]:
        wanted = list(dict.fromkeys(handles))
        if not wanted:
            return {}
        with self._connection() as connection:
            rows = connection.execute(
                self._select(("uuid", "handle", "display_name", "cognito_user_id")), [wanted]
            )
            users = [User(str(r[0]), r[1], r[2], r[3]) for r in rows.fetchall()]
        return self._by_handle(users, key=lambda user: user.handle)

    def link(self, subs: Mapping[str, str], *, dry_run: bool = False) -> dict[str, LinkResult]:
        """Every write in one transaction: all of them or, on any failure, none."""
        if not subs:
            return {}
        from psycopg import sql

        columns = self.settings.columns
        update = sql.SQL("UPDATE {} SET {} = %s WHERE {} = %s").format(
            self._table(), sql.Identifier(columns["cognito_user_id"]), sql.Identifier(columns["handle"])
        )
        with self._connection(read_only=dry_run) as connection, connection.transaction():
            # FOR UPDATE: no other writer changes these rows between the read and the write.
            lock = sql.SQL("") if dry_run else sql.SQL(" FOR UPDATE")
            rows = connection.execute(self._select(("handle", "cognito_user_id")) + lock, [list(subs)])
            current = self._by_handle(rows.fetchall(), key=lambda row: row[0])
            results: dict[str, LinkResult] = {}
            for handle, sub in subs.items():
                row = current.get(handle)
                if row is None:
                    results[handle] = "no such user"
                elif row[1] == sub:
                    results[handle] = "unchanged"
                elif dry_run:
                    results[handle] = "would update"
                else:
                    connection.execute(update, [sub, handle])
                    results[handle] = "updated"
        return results

    # --- queries -----------------------------------------------------------------------

    def _table(self) -> Any:
        from psycopg import sql

        return sql.Identifier(*self.settings.table)

    def _select(self, fields: tuple[str, ...]) -> Any:
        from psycopg import sql

        columns = self.settings.columns
        shown = [sql.SQL("{}::text").format(sql.Identifier(columns[name])) for name in fields]
        return sql.SQL("SELECT {} FROM {} WHERE {} = ANY(%s)").format(
            sql.SQL(", ").join(shown), self._table(), sql.Identifier(columns["handle"])
        )

    def _by_handle(self, rows: list[Any], key: Any) -> dict[str, Any]:
        found: dict[str, Any] = {}
        twice = []
        for row in rows:
            if key(row) in found:
                twice.append(key(row))
            found[key(row)] = row
        if twice:
            raise DdbtoolError(
                f"{', '.join(repr(h) for h in sorted(set(twice)))}: more than one row of {self.where} "
                "has this handle; make handles unique there"
            )
        return found

    @contextmanager
    def _connection(self, *, read_only: bool = False) -> Iterator[psycopg.Connection[Any]]:
        """A connection, closed afterwards; every psycopg failure as one line (see the module)."""
        try:
            import psycopg
        except ImportError:
            raise DdbtoolError("--users-db needs psycopg 3: pip install 'ddbtool[postgres]'") from None
        try:
            with psycopg.connect(self.settings.url, connect_timeout=CONNECT_TIMEOUT) as connection:
                connection.read_only = read_only
                yield connection
        except psycopg.OperationalError as exc:
            raise DdbtoolError(
                f"cannot use PostgreSQL database {self.settings.database!r} at {self.settings.host}: "
                f"{self._reason(exc)}; check --users-db (or {USERS_DB_VARIABLE})"
            ) from None
        except (psycopg.errors.UndefinedTable, psycopg.errors.InvalidSchemaName):
            raise DdbtoolError(
                f"there is no table {self.where}: load the app's db/schema.sql, or name the table "
                "with --users-table"
            ) from None
        except psycopg.errors.UndefinedColumn as exc:
            raise DdbtoolError(
                f"{self._reason(exc)} in {self.where}: "
                "name the app's columns with --users-column FIELD=COLUMN"
            ) from None
        except psycopg.Error as exc:
            raise DdbtoolError(
                f"PostgreSQL refused the users query on {self.where}: {self._reason(exc)}"
            ) from None

    def _reason(self, exc: Exception) -> str:
        """The first line of libpq's message, without the connection prefix or any password."""
        text = (str(exc).strip().splitlines() or ["no reason given"])[0]
        text = text.rsplit(" failed: ", 1)[-1].strip()
        text = text.removeprefix("FATAL:").strip()
        password = _password(self.settings.url)
        return text.replace(password, "***") if password else text


def _password(url: str) -> str | None:
    from urllib.parse import unquote, urlsplit

    password = urlsplit(url).password
    return unquote(password) if password else None
