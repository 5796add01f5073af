"""The users directory on a real PostgreSQL server: handles, Cognito ids, settings and failures."""

from __future__ import annotations

from typing import Any

import pytest

from ddbtool.apps.cruddur.cognito import PoolUser, link_users
from ddbtool.apps.cruddur.postgres_users import PostgresUsers
from ddbtool.apps.cruddur.users import require_user, users_db_settings
from ddbtool.errors import DdbtoolError, NotFoundError, UsageError

from ..postgres import PASSWORD, PostgresServer
from ..support import free_port

ANDREW_UUID = "cb3ad761-ce99-4a8e-9880-1b908c735e8c"  # db/seed.sql


def query(url: str, statement: str, *params: Any) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        cursor = connection.execute(statement, params or None)
        return cursor.fetchall() if cursor.description else []


def cognito_ids(url: str) -> dict[str, str]:
    return dict(query(url, "SELECT handle, cognito_user_id FROM public.users"))  # type: ignore[arg-type]


def directory(url: str, **settings: Any) -> PostgresUsers:
    return PostgresUsers(users_db_settings(url, **settings))


def test_handles_resolve_to_the_databases_uuid_and_name(users_db: str) -> None:
    found = directory(users_db).find(["andrewbrown", "bayko", "nobody", "andrewbrown"])
    assert sorted(found) == ["andrewbrown", "bayko"]
    andrew = found["andrewbrown"]
    assert (andrew.uuid, andrew.display_name, andrew.cognito_user_id) == (ANDREW_UUID, "Andrew Brown", "MOCK")


def test_an_unknown_handle_names_table_host_and_database(
    users_db: str, postgres_server: PostgresServer
) -> None:
    with pytest.raises(NotFoundError) as raised:
        require_user(directory(users_db), "nobody")
    message = str(raised.value)
    assert message.startswith("no user with handle 'nobody' in public.users of PostgreSQL database 'cruddur'")
    assert f"127.0.0.1:{postgres_server.port}" in message and PASSWORD not in message


def test_link_updates_reports_and_never_inserts(users_db: str) -> None:
    users = directory(users_db)
    subs = {"andrewbrown": "sub-a", "bayko": "MOCK", "ghost": "sub-g"}
    assert users.link(subs, dry_run=True) == {
        "andrewbrown": "would update",
        "bayko": "unchanged",
        "ghost": "no such user",
    }
    assert cognito_ids(users_db) == {"andrewbrown": "MOCK", "bayko": "MOCK", "londo": "MOCK"}
    assert users.link(subs) == {"andrewbrown": "updated", "bayko": "unchanged", "ghost": "no such user"}
    assert cognito_ids(users_db) == {"andrewbrown": "sub-a", "bayko": "MOCK", "londo": "MOCK"}
    assert users.link(subs) == {"andrewbrown": "unchanged", "bayko": "unchanged", "ghost": "no such user"}


def test_link_is_one_transaction(users_db: str) -> None:
    # A trigger refuses the second update: the first one must not stay either.
    query(
        users_db,
        """CREATE FUNCTION refuse_londo() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.handle = 'londo' THEN RAISE EXCEPTION 'londo is read-only'; END IF;
          RETURN NEW;
        END $$""",
    )
    query(
        users_db,
        "CREATE TRIGGER refuse BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION refuse_londo()",
    )
    with pytest.raises(DdbtoolError, match="londo is read-only"):
        directory(users_db).link({"andrewbrown": "sub-a", "londo": "sub-l"})
    assert cognito_ids(users_db) == {"andrewbrown": "MOCK", "bayko": "MOCK", "londo": "MOCK"}
    query(users_db, "DROP TRIGGER refuse ON public.users")
    query(users_db, "DROP FUNCTION refuse_londo")


def test_link_users_reads_a_pool_into_the_database(users_db: str) -> None:
    pool = [
        PoolUser("c-andrew", "sub-a", "andrewbrown"),
        PoolUser("c-ghost", "sub-g", "ghost"),
        PoolUser("robot", "sub-r", None),
    ]
    links = link_users(directory(users_db), pool)
    assert [(link.handle, link.result) for link in links] == [
        ("andrewbrown", "updated"),
        ("ghost", "no such user"),
        (None, "skipped"),
    ]
    assert query(users_db, "SELECT count(*) FROM public.users") == [(3,)]


def test_a_handle_held_twice_is_an_error_not_a_guess(users_db: str) -> None:
    query(
        users_db,
        "INSERT INTO public.users (display_name, handle, email, cognito_user_id) "
        "VALUES ('Other Bayko', 'bayko', 'b2@example.com', 'MOCK')",
    )
    with pytest.raises(DdbtoolError, match=r"'bayko': more than one row of public\.users"):
        directory(users_db).find(["bayko"])
    with pytest.raises(DdbtoolError, match="more than one row"):
        directory(users_db).link({"bayko": "sub-b", "andrewbrown": "sub-a"})
    assert cognito_ids(users_db)["andrewbrown"] == "MOCK"


def test_another_table_and_columns(users_db: str) -> None:
    query(users_db, "CREATE SCHEMA app")
    query(users_db, "CREATE TABLE app.people (id uuid, nick text, name text, sub text)")
    query(users_db, f"INSERT INTO app.people VALUES ('{ANDREW_UUID}', 'andy', 'Andy', NULL)")
    columns = ["uuid=id", "handle=nick", "display_name=name", "cognito_user_id=sub"]
    people = directory(users_db, table="app.people", columns=columns)
    assert people.find(["andy"])["andy"].display_name == "Andy"
    assert people.link({"andy": "sub-y"}) == {"andy": "updated"}
    assert query(users_db, "SELECT sub FROM app.people") == [("sub-y",)]
    query(users_db, "DROP SCHEMA app CASCADE")


def test_failures_are_one_line_naming_host_and_database_never_the_password(
    users_db: str, postgres_server: PostgresServer
) -> None:
    where = f"127.0.0.1:{postgres_server.port}"
    nothing_there = f"postgresql://postgres:{PASSWORD}@127.0.0.1:{free_port()}/cruddur"
    cases = {
        nothing_there: "cannot use PostgreSQL database 'cruddur'",
        postgres_server.url(password="wrong-" + PASSWORD): "password authentication failed",
        postgres_server.url(database="nowhere"): 'database "nowhere" does not exist',
    }
    for url, expected in cases.items():
        with pytest.raises(DdbtoolError) as raised:
            directory(url).find(["andrewbrown"])
        message = str(raised.value)
        assert expected in message and "\n" not in message and PASSWORD not in message, message
        assert "--users-db" in message
        if url != nothing_there:
            assert where in message

    with pytest.raises(
        DdbtoolError, match=r"no table public\.users_gone of PostgreSQL database 'cruddur' at"
    ):
        directory(users_db, table="public.users_gone").find(["andrewbrown"])
    with pytest.raises(DdbtoolError, match=r"no table elsewhere\.users"):
        directory(users_db, table="elsewhere.users").find(["andrewbrown"])
    with pytest.raises(DdbtoolError, match=r'column "nick" does not exist.*--users-column'):
        directory(users_db, columns=["handle=nick"]).find(["andrewbrown"])


@pytest.mark.parametrize(
    ("url", "settings", "expected"),
    [
        ("mysql://u:p@h/db", {}, "is not a PostgreSQL URL"),
        ("localhost:5432/cruddur", {}, "is not a PostgreSQL URL"),
        ("postgresql://u:p@h:port/db", {}, "port that is not a number"),
        ("postgresql://u:p@h:5432", {}, "names no database"),
        ("postgresql://u:p@h/db", {"table": "a.b.c"}, "--users-table 'a.b.c' is not a table name"),
        ("postgresql://u:p@h/db", {"columns": ["handle"]}, "--users-column 'handle' is not FIELD=COLUMN"),
        ("postgresql://u:p@h/db", {"columns": ["email=mail"]}, "FIELD one of uuid, handle"),
    ],
)
def test_malformed_settings_are_usage_errors(url: str, settings: dict[str, Any], expected: str) -> None:
    with pytest.raises(UsageError, match=expected) as raised:
        users_db_settings(url, **settings)
    assert ":p@" not in str(raised.value)


def test_settings_name_host_and_database_but_never_show_the_url() -> None:
    settings = users_db_settings("postgresql://app:s3cret@db.internal:6543/cruddur")
    assert settings.where == "public.users of PostgreSQL database 'cruddur' at db.internal:6543"
    assert "s3cret" not in repr(settings)
    socket = users_db_settings("postgresql:///cruddur?host=/run/postgresql")
    assert (socket.host, socket.database) == ("/run/postgresql", "cruddur")
