"""Bad input, end to end: the installed `ddbtool` against a real endpoint.

Each case is one thing a user can get wrong: a file, an option, a variable or
the endpoint itself. Every one must end with the right exit code, one `error:`
line on stderr (or the first 50 problems and a count), no traceback, options in
its hint that the command has, and the table exactly as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import typer

from ddbtool.cli import app
from ddbtool.cli.catalog import load_all
from ddbtool.tables.definition import load_definitions

from ..support import SCHEMAS, aws_client, web_server

# Commands load when looked up; these tests walk them all.
load_all(app)

pytestmark = pytest.mark.e2e

SEED_HEAD = "table: cruddur-messages\nitems:\n"
USER = "cb3ad761-ce99-4a8e-9880-1b908c735e8c"


def laughs(levels: int = 9) -> str:
    lines = [
        SEED_HEAD.splitlines()[0],
        'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    ]
    lines += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


BOMB_LINE = ":8: YAML error: aliases expand to more than 1,000,000 values"


@dataclass(frozen=True)
class Case:
    """`ddbtool ARGS` in the app's folder (or an empty one), against the test endpoint.

    `{tmp}` in an argument is the folder holding `files`; `target` False gives no
    --endpoint-url (the case sets its own); `web` points it at a plain web server.
    """

    args: tuple[str, ...]
    code: int
    expect: str
    files: dict[str, str | bytes] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    target: bool = True
    web: bool = False
    in_app_folder: bool = True
    lines: int = 1


CASES = {
    # 6: YAML alias bombs, in seed files and table definitions alike.
    "seed alias bomb": Case(("seed", "{tmp}/bomb.yaml"), 2, BOMB_LINE, {"bomb.yaml": laughs()}),
    "schema alias bomb": Case(("schema-load", "{tmp}/bomb.yaml"), 2, BOMB_LINE, {"bomb.yaml": laughs()}),
    "recursive alias": Case(
        ("seed", "{tmp}/loop.yaml"),
        2,
        ":3: YAML error: an alias refers to a list or mapping that contains it",
        {"loop.yaml": SEED_HEAD + "  - &item {pk: A, sk: B, self: *item}\n"},
    ),
    "deep nesting": Case(
        ("seed", "{tmp}/deep.yaml"),
        2,
        "YAML error: nested more than 100 levels deep",
        {"deep.yaml": SEED_HEAD + "  - {pk: A, sk: B, x: " + "[" * 3000 + "]" * 3000 + "}\n"},
    ),
    # 7: endpoint URLs, from the option or botocore's variables.
    "endpoint variable without scheme": Case(
        ("scan",),
        2,
        "AWS_ENDPOINT_URL_DYNAMODB 'localhost:8000' is not an endpoint URL; write it as http://HOST:PORT",
        env={"AWS_ENDPOINT_URL_DYNAMODB": "localhost:8000"},
        target=False,
    ),
    "endpoint variable unclosed bracket": Case(
        ("list-tables",),
        2,
        "AWS_ENDPOINT_URL 'http://[::1' is not an endpoint URL",
        env={"AWS_ENDPOINT_URL": "http://[::1"},
        target=False,
    ),
    "endpoint option unclosed bracket": Case(
        ("seed", "--endpoint-url", "http://[::1"),
        2,
        "--endpoint-url 'http://[::1' is not an endpoint URL",
        target=False,
    ),
    "endpoint option ftp": Case(
        ("describe-table", "--endpoint-url", "ftp://localhost:8000"),
        2,
        "--endpoint-url 'ftp://localhost:8000' is not an endpoint URL",
        target=False,
    ),
    "endpoint port out of range": Case(
        ("scan", "--endpoint-url", "http://localhost:99999"), 2, "is not an endpoint URL", target=False
    ),
    "web server: list-tables": Case(
        ("list-tables",), 1, "does not answer as DynamoDB: ListTables got an HTML page", web=True
    ),
    "web server: scan": Case(
        ("scan",), 1, "does not answer as DynamoDB: DescribeTable got an HTML page", web=True
    ),
    "web server: describe-table": Case(("describe-table",), 1, "does not answer as DynamoDB", web=True),
    "web server: seed": Case(("seed",), 1, "does not answer as DynamoDB", web=True),
    "web server: list-conversations": Case(
        ("list-conversations", "andrewbrown"),
        1,
        "does not answer as DynamoDB: GetItem got an HTML page",
        web=True,
    ),
    # 8: regions.
    "AWS_REGION with spaces": Case(
        ("scan",),
        2,
        "AWS_REGION 'us east 1' is not a region name; write it like us-east-1",
        env={"AWS_REGION": "us east 1"},
    ),
    "--region with spaces": Case(
        ("list-tables", "--region", "us east 1"), 2, "--region 'us east 1' is not a region name"
    ),
    "--prod with a region AWS has not": Case(
        ("list-tables", "--prod", "--region", "localhost"),
        2,
        "--region 'localhost' is not a region name",
        target=False,
    ),
    # 10: many problems, and numbers DynamoDB cannot hold.
    "thousands of problems": Case(
        ("seed", "{tmp}/many.yaml"),
        2,
        "many.yaml:3: items[0]: key attribute 'pk' must be text",
        {"many.yaml": SEED_HEAD + "".join(f"  - {{pk: {n}, sk: B}}\n" for n in range(3000))},
        lines=51,
    ),
    "number out of range": Case(
        ("seed", "{tmp}/huge.yaml"),
        2,
        "huge.yaml:3: items[0]",
        {"huge.yaml": SEED_HEAD + "  - {pk: A, sk: B, n: 1.0e+999999}\n"},
    ),
    # 11: naming the table.
    "scan outside the app folder": Case(
        ("scan",),
        2,
        "no table named and no table definitions in ./schemas: pass --table TABLE or set DDBTOOL_TABLE",
        in_app_folder=False,
    ),
    "describe-table outside the app folder": Case(
        ("describe-table",), 2, "pass --table TABLE", in_app_folder=False
    ),
    "list-conversations outside the app folder": Case(
        ("list-conversations", "andrewbrown"), 2, "pass --table TABLE", in_app_folder=False
    ),
    "delete-table outside the app folder": Case(
        ("delete-table", "--yes"),
        2,
        "no table named and no table definitions in ./schemas: pass TABLE...",
        in_app_folder=False,
    ),
    "schema-load outside the app folder": Case(("schema-load",), 2, "pass FILE...", in_app_folder=False),
    "seed outside the app folder": Case(("seed",), 2, "no seed files given", in_app_folder=False),
    "TABLE and --table differ": Case(
        ("scan", "cruddur-messages", "--table", "other"),
        2,
        "TABLE 'cruddur-messages' and --table 'other' differ",
    ),
    "DDBTOOL_TABLE not a table name": Case(
        ("scan",), 2, "DDBTOOL_TABLE 'no such' is not a table name", env={"DDBTOOL_TABLE": "no such"}
    ),
    "DDBTOOL_TABLE names a missing table": Case(
        ("scan",), 1, "table 'no-such-table' does not exist here", env={"DDBTOOL_TABLE": "no-such-table"}
    ),
    # Options and arguments.
    "unknown option": Case(("scan", "--bogus"), 2, "No such option: --bogus (see `ddbtool scan --help`)"),
    "unknown command": Case(("scna",), 2, "No such command 'scna'. Did you mean 'scan'?", target=False),
    "missing argument": Case(("list-conversations",), 2, "Missing argument"),
    "bad output choice": Case(("scan", "-o", "yaml"), 2, "'yaml' is not one of"),
    "zero segments": Case(("scan", "--segments", "0"), 2, "--segments"),
    "prod and endpoint": Case(("list-tables", "--prod"), 2, "--prod and --endpoint-url exclude each other"),
    "not a uuid": Case(("get-conversation", "not-a-uuid"), 2, "not-a-uuid"),
    "since not a time": Case(("list-conversations", "andrewbrown", "--since", "yesterday"), 2, "--since"),
    "message without recipient": Case(
        ("send-message", "--from", "bayko", "hi"), 2, "--to HANDLE or the conversation"
    ),
    "message too long": Case(
        ("send-message", "--from", "bayko", "--to", "andrewbrown", "x" * 1025), 2, "the limit is 1024"
    ),
    "no user pool": Case(("update-cognito-ids",), 2, "no user pool given"),
    "bad user pool id": Case(("update-cognito-ids", "--user-pool-id", "nope"), 2, "is not a user pool id"),
    "bad cognito endpoint": Case(
        ("update-cognito-ids", "--user-pool-id", "us-east-1_AbC123", "--cognito-endpoint-url", "localhost:1"),
        2,
        "--cognito-endpoint-url (or AWS_ENDPOINT_URL_COGNITO_IDP) 'localhost:1' is not an endpoint URL",
    ),
    # Files.
    "no such file": Case(("seed", "{tmp}/missing.yaml"), 2, "missing.yaml: no such file"),
    "a folder for a file": Case(("seed", "{tmp}"), 2, "cannot read"),
    "not UTF-8": Case(
        ("seed", "{tmp}/latin1.yaml"), 2, "latin1.yaml: cannot read", {"latin1.yaml": b"table: caf\xe9\n"}
    ),
    "YAML syntax error": Case(
        ("seed", "{tmp}/broken.yaml"),
        2,
        "broken.yaml:4: YAML error",
        {"broken.yaml": SEED_HEAD + "  - {pk: [\n"},
    ),
    "two documents": Case(
        ("schema-load", "{tmp}/two.yaml"),
        2,
        "two.yaml:2: YAML error",
        {"two.yaml": "table: a\n---\ntable: b\n"},
    ),
    "unknown schema field": Case(
        ("schema-load", "{tmp}/t.yaml"),
        2,
        "t.yaml:1: tabel: unknown field; did you mean 'table'?",
        {"t.yaml": "tabel: x\nattributes: {pk: S}\nkey: {partition: pk}\n"},
        lines=2,
    ),
}


@pytest.fixture
def table(endpoint: str) -> Iterator[Any]:
    """The bundled table with two items in it; yields a client to read it back."""
    client = aws_client("dynamodb", endpoint)
    [spec] = load_definitions([SCHEMAS / "cruddur-messages.yaml"])
    client.create_table(**spec.create_request())
    client.get_waiter("table_exists").wait(TableName=spec.name, WaiterConfig={"Delay": 1})
    for sk in ("one", "two"):
        client.put_item(TableName=spec.name, Item={"pk": {"S": "KEEP"}, "sk": {"S": sk}, "n": {"N": "1.50"}})
    yield client


def items(client: Any) -> list[dict[str, Any]]:
    pages = client.get_paginator("scan").paginate(TableName="cruddur-messages", ConsistentRead=True)
    return sorted((item for page in pages for item in page["Items"]), key=repr)


def command_options(args: tuple[str, ...]) -> set[str]:
    """The long options of the command `args` run (of ddbtool itself if there is none)."""
    command: Any = typer.main.get_command(app)
    for word in args:
        if not hasattr(command, "commands") or word not in command.commands:
            break
        command = command.commands[word]
    return {o for p in command.params for o in [*p.opts, *p.secondary_opts]} | {"--help"}


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_bad_input(case: Case, ddbtool: Any, endpoint: str, table: Any, tmp_path: Path) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    for name, content in case.files.items():
        (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode())
    args = [arg.replace("{tmp}", str(folder)) for arg in case.args]
    before = items(table)
    cwd = {} if case.in_app_folder else {"cwd": tmp_path}
    with web_server() as page:
        if case.web:
            args += ["--endpoint-url", page]
        elif case.target:
            args += ["--endpoint-url", endpoint]
        result = ddbtool(*args, env=case.env, timeout=60, **cwd)

    lines = result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert (result.returncode, len(lines)) == (case.code, case.lines), result.stderr
    assert lines[0].startswith("error: ") and case.expect in lines[0], lines[0]
    assert all(line.startswith("error: ") for line in lines)
    if case.lines > 50:
        assert re.fullmatch(
            r"error: \.\.\. and [\d,]+ more problems; fix these and run again to see the rest", lines[-1]
        )
    # A hint names only options of the command it came from (a bad option is quoted back).
    for option in set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", result.stderr)) - set(case.args):
        assert option in command_options(case.args), (option, case.args)
    assert "<class" not in result.stderr and "decimal." not in result.stderr
    assert items(table) == before
