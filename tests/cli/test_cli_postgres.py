"""The app's commands with --users-db: handles and Cognito ids in PostgreSQL, the table on moto."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3
import pytest

from ddbtool.apps.cruddur.model import user_item

from ..messaging import ANDREW, DB_ANDREW, DB_BAYKO, EVE_AT, EVE_GROUP, conversation, create_table, write
from ..postgres import PASSWORD
from ..support import free_port


@pytest.fixture
def table(dynamodb: Any) -> str:
    """The messaging table with one conversation of the database's users, and no user items of theirs."""
    name = create_table(dynamodb)
    write(
        dynamodb, conversation(DB_ANDREW, DB_BAYKO, EVE_GROUP, ["Hello", "Hi"], EVE_AT, timedelta(minutes=1))
    )
    return name


def cognito_ids(url: str) -> dict[str, str]:
    import psycopg

    with psycopg.connect(url) as connection:
        return dict(connection.execute("SELECT handle, cognito_user_id FROM public.users").fetchall())


def test_list_conversations_resolves_the_handle_in_postgresql(
    cli: Any, table: str, users_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = cli("list-conversations", "andrewbrown", "--users-db", users_db, "-o", "json")
    assert listed.exit_code == 0, listed.stderr
    [found] = json.loads(listed.stdout)
    assert (found["message_group_uuid"], found["user_handle"]) == (EVE_GROUP, "bayko")

    # The user items are not consulted: without --users-db the handle is unknown.
    missing = cli("list-conversations", "andrewbrown")
    assert missing.exit_code == 1
    assert "no user with handle 'andrewbrown' in table 'cruddur-messages'" in missing.stderr

    monkeypatch.setenv("DDBTOOL_USERS_DB", users_db)
    by_variable = cli("list-conversations", "andrewbrown", "-o", "json")
    assert json.loads(by_variable.stdout) == [found]
    unknown = cli("list-conversations", "nobody")
    assert unknown.exit_code == 1 and unknown.stdout == ""
    assert unknown.stderr.startswith(
        "error: no user with handle 'nobody' in public.users of PostgreSQL database 'cruddur' at 127.0.0.1:"
    )
    assert "add the user to the users table" in unknown.stderr


def test_send_message_takes_uuid_and_name_from_postgresql(
    cli: Any, dynamodb: Any, table: str, users_db: str
) -> None:
    # A stale user item under the same handle must not win over the database.
    write(dynamodb, [user_item(ANDREW)])
    sent = cli(
        "send-message", "--from", "andrewbrown", "--to", "londo", "--users-db", users_db, "Hi", "-o", "json"
    )
    assert sent.exit_code == 0, sent.stderr
    message = json.loads(sent.stdout)["message"]
    assert (message["user_uuid"], message["user_display_name"]) == (DB_ANDREW.uuid, "Andrew Brown")
    listed = cli("list-conversations", DB_ANDREW.uuid, "-o", "json")
    assert {c["user_handle"] for c in json.loads(listed.stdout)} == {"bayko", "londo"}

    reply = cli("send-message", "--from", "bayko", "--to", "andrewbrown", "--users-db", users_db, "Yo")
    assert reply.exit_code == 0, reply.stderr
    assert EVE_GROUP in reply.stdout  # their existing conversation, found by the database's uuids


def test_update_cognito_ids_writes_the_database_in_one_go(cli: Any, table: str, users_db: str) -> None:
    cognito = boto3.client("cognito-idp", region_name="us-east-1")
    pool_id = cognito.create_user_pool(PoolName="cruddur")["UserPool"]["Id"]
    for name in ("andrewbrown", "bayko", "ghost"):
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=f"cognito-{name}",
            UserAttributes=[{"Name": "preferred_username", "Value": name}],
        )
    args = ("update-cognito-ids", "--user-pool-id", pool_id, "--users-db", users_db, "-o", "json")

    dry = cli(*args, "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert {r["handle"]: r["result"] for r in json.loads(dry.stdout)} == {
        "andrewbrown": "would update",
        "bayko": "would update",
        "ghost": "no such user",
    }
    assert set(cognito_ids(users_db).values()) == {"MOCK"}

    first = cli(*args)
    assert first.exit_code == 0, first.stderr
    rows = {r["handle"]: r for r in json.loads(first.stdout)}
    assert {h: r["result"] for h, r in rows.items()} == {
        "andrewbrown": "updated",
        "bayko": "updated",
        "ghost": "no such user",
    }
    assert "writing cognito_user_id to public.users of PostgreSQL database 'cruddur'" in first.stderr
    assert cognito_ids(users_db) == {
        "andrewbrown": rows["andrewbrown"]["sub"],
        "bayko": rows["bayko"]["sub"],
        "londo": "MOCK",
    }

    again = cli(*args)
    assert {r["result"] for r in json.loads(again.stdout)} == {"unchanged", "no such user"}


def test_bad_users_settings_are_one_line_with_their_exit_code(cli: Any, table: str, users_db: str) -> None:
    malformed = cli("list-conversations", "andrewbrown", "--users-db", f"postgres://u:{PASSWORD}@h:x/db")
    assert (malformed.exit_code, malformed.stdout) == (2, "")
    assert malformed.stderr.strip() == (
        "error: --users-db (or DDBTOOL_USERS_DB) has a port that is not a number: "
        "write postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
    )
    port = free_port()
    down = cli(
        "list-conversations", "andrewbrown", "--users-db", f"postgresql://u:{PASSWORD}@127.0.0.1:{port}/db"
    )
    assert (down.exit_code, down.stdout) == (1, "")
    [line] = down.stderr.splitlines()
    assert line.startswith(f"error: cannot use PostgreSQL database 'db' at 127.0.0.1:{port}: ")
    assert PASSWORD not in line and "Traceback" not in line
    columns = cli("list-conversations", "andrewbrown", "--users-db", users_db, "--users-column", "handle")
    assert columns.exit_code == 2 and "--users-column 'handle' is not FIELD=COLUMN" in columns.stderr
