"""The table commands in-process: exit codes, stdout and stderr checked separately."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..support import SCHEMAS


def test_schema_load_then_up_to_date(cli: Any) -> None:
    first = cli("schema-load")
    assert first.exit_code == 0, first.stderr
    assert "cruddur-messages" in first.stdout and "created" in first.stdout
    assert "loading table definitions → https://dynamodb.us-east-1.amazonaws.com" in first.stderr
    second = cli("schema-load", "--output", "json")
    assert second.exit_code == 0
    assert json.loads(second.stdout) == [
        {"table": "cruddur-messages", "status": "up to date", "differences": []}
    ]


def test_schema_load_reports_differences_and_exits_1(cli: Any, tmp_path: Path) -> None:
    assert cli("schema-load").exit_code == 0
    changed = tmp_path / "changed.yaml"
    changed.write_text((SCHEMAS / "cruddur-messages.yaml").read_text().replace("NEW_IMAGE", "KEYS_ONLY"))
    result = cli("schema-load", str(changed), "-o", "json")
    assert result.exit_code == 1
    [row] = json.loads(result.stdout)
    assert row["status"] == "differs"
    assert row["differences"] == ["stream: the file says KEYS_ONLY, the table has NEW_IMAGE"]
    assert "differ from the definition" in result.stderr


def test_schema_load_dry_run_calls_nothing(cli: Any) -> None:
    result = cli("schema-load", "--dry-run")
    assert result.exit_code == 0
    # One JSON document a line, one per table: what `create-table --cli-input-json` reads.
    [line] = result.stdout.splitlines()
    request = json.loads(line)
    assert request["TableName"] == "cruddur-messages"
    assert {"KeySchema", "AttributeDefinitions", "BillingMode"} <= set(request)
    assert json.loads(cli("list-tables", "-o", "json").stdout) == []


def test_invalid_definition_is_exit_2_with_located_errors_and_no_table(cli: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("table: ok-table\nattributes: {pk: X}\nkey: {partition: pk}\nbiling: PROVISIONED\n")
    result = cli("schema-load", str(SCHEMAS / "cruddur-messages.yaml"), str(bad))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert f"error: {bad}:2: attributes.pk: type 'X' is not a key type" in lines[0]
    assert f"error: {bad}:4: biling: unknown field; did you mean 'billing'?" in lines[1]
    assert "Traceback" not in result.stderr
    assert json.loads(cli("list-tables", "-o", "json").stdout) == []


def test_no_definitions_found(cli: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("schema-load")
    assert result.exit_code == 2
    assert "no table definitions given and no *.yaml files in schemas/" in result.stderr


def test_list_and_describe(cli: Any) -> None:
    cli("schema-load")
    assert json.loads(cli("list-tables", "-o", "json").stdout) == ["cruddur-messages"]
    table_view = cli("list-tables")
    assert table_view.exit_code == 0 and "cruddur-messages" in table_view.stdout
    described = json.loads(cli("describe-table", "-o", "json").stdout)
    assert described["table"] == "cruddur-messages" and described["stream"] == "NEW_IMAGE"
    pretty = cli("describe-table", "cruddur-messages")
    assert pretty.exit_code == 0
    assert "message-group-sk-index" in pretty.stdout and "PROVISIONED (read 5, write 5)" in pretty.stdout


SEPARATE_DATABASES = (
    "DynamoDB Local keeps one database per access key and region unless started with -sharedDb: "
    "this used access key id {key} and region us-east-1"
)


def test_describe_missing_table_is_exit_1(cli: Any) -> None:
    result = cli("describe-table", "ghost")
    assert result.exit_code == 1
    note = SEPARATE_DATABASES.format(key=os.environ["AWS_ACCESS_KEY_ID"])
    assert result.stderr.strip() == (
        f"error: table 'ghost' does not exist here; create it with `ddbtool schema-load` ({note})"
    )
    on_aws = cli("describe-table", "ghost", "--prod", "--region", "us-east-1", target=False)
    assert on_aws.exit_code == 1 and "DynamoDB Local" not in on_aws.stderr


def test_no_tables_at_a_local_endpoint_names_key_and_region(cli: Any) -> None:
    result = cli("list-tables", "--region", "us-east-1")
    assert result.exit_code == 0
    note = SEPARATE_DATABASES.format(key=os.environ["AWS_ACCESS_KEY_ID"])
    assert result.stderr.strip().splitlines()[-1] == note
    cli("schema-load")
    assert "DynamoDB Local" not in cli("list-tables").stderr


def test_delete_table(cli: Any) -> None:
    cli("schema-load")
    result = cli("delete-table", "--yes")
    assert result.exit_code == 0, result.stderr
    assert "deleted cruddur-messages" in result.stderr
    assert json.loads(cli("list-tables", "-o", "json").stdout) == []
    missing = cli("delete-table", "cruddur-messages", "--yes")
    assert missing.exit_code == 1 and "--if-exists" in missing.stderr
    assert cli("delete-table", "cruddur-messages", "--if-exists", "--yes").exit_code == 0


def test_delete_against_prod_without_terminal_needs_yes(cli: Any) -> None:
    cli("schema-load")
    refused = cli("delete-table", "--prod", "--region", "us-east-1", target=False)
    assert refused.exit_code == 2
    assert "Pass --yes" in refused.stderr
    assert json.loads(cli("list-tables", "-o", "json").stdout) == ["cruddur-messages"]
    confirmed = cli("delete-table", "--prod", "--region", "us-east-1", "--yes", target=False)
    assert confirmed.exit_code == 0
    assert json.loads(cli("list-tables", "-o", "json").stdout) == []


def test_delete_against_an_endpoint_elsewhere_without_terminal_needs_yes(cli: Any) -> None:
    cli("schema-load")
    refused = cli("delete-table")  # the in-process endpoint is https://dynamodb.us-east-1...
    assert refused.exit_code == 2
    assert refused.stderr == (
        "error: refusing to go on without a terminal against https://dynamodb.us-east-1.amazonaws.com: "
        "Delete cruddur-messages? Every item in them is lost. Pass --yes to confirm.\n"
    )
    assert json.loads(cli("list-tables", "-o", "json").stdout) == ["cruddur-messages"]


def test_prod_and_endpoint_together_is_a_usage_error(cli: Any) -> None:
    result = cli("list-tables", "--prod")
    assert result.exit_code == 2
    assert "--prod and --endpoint-url exclude each other" in result.stderr


def test_aws_errors_are_one_line_with_code(cli: Any, dynamodb: Any) -> None:
    dynamodb.create_table(
        TableName="protected",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        DeletionProtectionEnabled=True,
    )
    result = cli("delete-table", "protected", "--yes")
    assert result.exit_code == 1
    announced, error = result.stderr.strip().splitlines()
    assert announced.startswith("deleting tables → ")
    assert error.startswith("error: ValidationException: ")


def test_a_table_name_dynamodb_refuses_is_a_usage_error(cli: Any) -> None:
    result = cli("describe-table", "x" * 300)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: TABLE 'xxx") and "is not a table name" in result.stderr


def test_bad_output_choice_is_exit_2(cli: Any) -> None:
    result = cli("list-tables", "--output", "yaml")
    assert result.exit_code == 2
    assert "yaml" in result.stderr


def test_a_missing_table_anywhere_suggests_schema_load(cli: Any) -> None:
    result = cli("get-conversation", "5ae290ed-55d1-47a0-bc6d-fe2bc2700399")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ") and "`ddbtool schema-load`" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
