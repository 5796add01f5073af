"""The installed `ddbtool` with the app's users in a real PostgreSQL server (--users-db).

The table is on moto's server or DynamoDB Local; Cognito is moto's server; the users
are in the `cruddur` database the suite's PostgreSQL holds (db/schema.sql, db/seed.sql).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ..messaging import DB_BAYKO
from ..postgres import PASSWORD
from ..support import FAKE_AWS
from ..support import aws_client as client

pytestmark = pytest.mark.e2e

BUNDLED_GROUP = "5ae290ed-55d1-47a0-bc6d-fe2bc2700399"  # andrewbrown and bayko in seeds/cruddur.yaml


def cognito_ids(url: str) -> dict[str, str]:
    import psycopg

    with psycopg.connect(url) as connection:
        return dict(connection.execute("SELECT handle, cognito_user_id FROM public.users").fetchall())


def test_handles_and_cognito_ids_in_postgresql(
    ddbtool: Any, endpoint: str, moto_server: str, users_db: str
) -> None:
    created = ddbtool("schema-load", "--endpoint-url", endpoint)
    assert created.returncode == 0, created.stderr
    cognito = client("cognito-idp", moto_server)
    pool_id = cognito.create_user_pool(PoolName="cruddur")["UserPool"]["Id"]
    for handle in ("andrewbrown", "bayko", "ghost"):
        cognito.admin_create_user(
            UserPoolId=pool_id,
            Username=handle,
            UserAttributes=[{"Name": "preferred_username", "Value": handle}],
        )
    # As a developer of the app would: its own variable for the database, moto for Cognito.
    env = {
        **FAKE_AWS,
        "DDBTOOL_USERS_DB": users_db,
        "AWS_ENDPOINT_URL_COGNITO_IDP": moto_server,
        "AWS_COGNITO_USER_POOL_ID": pool_id,
    }
    target = ("--endpoint-url", endpoint)

    # The bundled seeds/, whose users agree with db/seed.sql.
    seeded = ddbtool("seed", "-o", "json", *target, env=env)
    assert seeded.returncode == 0, seeded.stderr
    assert json.loads(seeded.stdout)["items"]["user"] == 0
    listed = ddbtool("list-conversations", "andrewbrown", "-o", "json", *target, env=env)
    assert listed.returncode == 0, listed.stderr
    conversations = {c["user_handle"]: c["message_group_uuid"] for c in json.loads(listed.stdout)}
    assert conversations["bayko"] == BUNDLED_GROUP

    sent = ddbtool(
        "send-message",
        "--from",
        "bayko",
        "--to",
        "andrewbrown",
        "Still there?",
        "-o",
        "json",
        *target,
        env=env,
    )
    assert sent.returncode == 0, sent.stderr
    reply = json.loads(sent.stdout)
    assert (reply["message_group_uuid"], reply["message"]["user_uuid"]) == (BUNDLED_GROUP, DB_BAYKO.uuid)

    dry = ddbtool("update-cognito-ids", "--dry-run", "-o", "json", *target, env=env)
    assert dry.returncode == 0, dry.stderr
    assert set(cognito_ids(users_db).values()) == {"MOCK"}
    linked = ddbtool("update-cognito-ids", "-o", "json", *target, env=env)
    assert linked.returncode == 0, linked.stderr
    results = {row["handle"]: (row["result"], row["sub"]) for row in json.loads(linked.stdout)}
    assert {handle: result for handle, (result, _) in results.items()} == {
        "andrewbrown": "updated",
        "bayko": "updated",
        "ghost": "no such user",
    }
    assert cognito_ids(users_db) == {
        "andrewbrown": results["andrewbrown"][1],
        "bayko": results["bayko"][1],
        "londo": "MOCK",
    }
    # Nothing went to the table's user items: the database is the one place users are kept.
    scanned = ddbtool("scan", "-o", "jsonl", *target, env=env)
    assert not [line for line in scanned.stdout.splitlines() if '"USER#' in line]


def test_a_wrong_password_is_one_line_without_it(ddbtool: Any, endpoint: str, users_db: str) -> None:
    wrong = users_db.replace(f":{PASSWORD}@", ":not-the-password@")
    result = ddbtool(
        "list-conversations", "andrewbrown", "--users-db", wrong, "--endpoint-url", endpoint, env=FAKE_AWS
    )
    assert (result.returncode, result.stdout) == (1, "")
    [line] = result.stderr.splitlines()
    assert "password authentication failed" in line and "database 'cruddur' at 127.0.0.1:" in line
    assert "not-the-password" not in line
