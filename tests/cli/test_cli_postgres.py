"""The app's commands with --users-db: handles and Cognito ids in PostgreSQL, the table on moto."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import boto3
import pytest

from ddbtool.apps.cruddur.model import user_item

from ..messaging import (
    ANDREW,
    DB_ANDREW,
    DB_BAYKO,
    DB_LONDO,
    EVE_AT,
    EVE_GROUP,
    conversation,
    create_table,
    write,
)
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


# --- seed --------------------------------------------------------------------------------

SEED = """\
table: cruddur-messages
users:
  - handle: andrewbrown
  - handle: bayko
    uuid: 3efa2ae0-c1e3-40bc-82ff-aa606de97e0c
    display_name: {bayko_name}
conversations:
  - uuid: 2d4b6c8e-0a1b-4c3d-8e5f-7a9b0c1d2e3f
    participants: [andrewbrown, {other}]
    starts_at: 2023-01-01T10:00:00Z
    every: 1m
    transcript: |
      Person 1: Hello
      Person 2: Hi
"""


def seed_file(tmp_path: Any, bayko_name: str = "Andrew Bayko", other: str = "londo") -> str:
    path = tmp_path / "people.yaml"
    path.write_text(SEED.format(bayko_name=bayko_name, other=other))
    return str(path)


def items(dynamodb: Any) -> list[dict[str, Any]]:
    return dynamodb.scan(TableName="cruddur-messages")["Items"]


def test_seed_takes_uuids_and_names_from_postgresql(
    cli: Any, dynamodb: Any, users_db: str, tmp_path: Any
) -> None:
    create_table(dynamodb)
    # londo is in no `users:` list: the database alone knows him.
    seeded = cli("seed", seed_file(tmp_path), "--users-db", users_db, "-o", "json")
    assert seeded.exit_code == 0, seeded.stderr
    assert json.loads(seeded.stdout)["items"] == {"user": 0, "group": 2, "message": 2, "item": 0}
    stored = items(dynamodb)
    assert not [i for i in stored if i["pk"]["S"].startswith("USER#")]
    groups = {i["pk"]["S"]: i["user_display_name"]["S"] for i in stored if i["pk"]["S"].startswith("GRP#")}
    assert groups == {f"GRP#{DB_ANDREW.uuid}": "Londo Mollari", f"GRP#{DB_LONDO.uuid}": "Andrew Brown"}


def test_the_bundled_seeds_agree_with_the_bundled_database(cli: Any, dynamodb: Any, users_db: str) -> None:
    create_table(dynamodb)
    seeded = cli("seed", "--users-db", users_db)
    assert seeded.exit_code == 0, seeded.stderr
    listed = cli("list-conversations", "andrewbrown", "--users-db", users_db, "-o", "json")
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)) >= 2


def test_seed_refuses_what_the_database_contradicts_and_writes_nothing(
    cli: Any, dynamodb: Any, users_db: str, tmp_path: Any
) -> None:
    create_table(dynamodb)
    path = seed_file(tmp_path, bayko_name="Bayko", other="ghost")
    refused = cli("seed", path, "--users-db", users_db)
    assert (refused.exit_code, refused.stdout) == (2, "")
    lines = refused.stderr.splitlines()
    where = "public.users of PostgreSQL database 'cruddur' at 127.0.0.1:"
    assert len(lines) == 2
    assert lines[0].startswith(
        f"error: {path}:6: users[1].display_name: 'Bayko' differs from 'Andrew Bayko', "
        f"the display_name of 'bayko' in {where}"
    )
    assert lines[1].startswith(
        f"error: {path}:9: conversations[0].participants: unknown handle 'ghost': it is not in {where}"
    )
    assert items(dynamodb) == []

    path = seed_file(tmp_path)
    text = (tmp_path / "people.yaml").read_text()
    (tmp_path / "people.yaml").write_text(text.replace("  - handle: bayko", "  - handle: zed"))
    unknown = cli("seed", path, "--users-db", users_db, "--dry-run")
    assert unknown.exit_code == 2
    assert f"{path}:4: users[1].handle: handle 'zed' is not in {where}" in unknown.stderr
    assert items(dynamodb) == []
