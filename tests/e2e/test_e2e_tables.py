"""The installed `ddbtool` as a subprocess against moto's server over HTTP, as CI runs it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import botocore.session
import pytest
from botocore.validate import ParamValidator

from ..support import SCHEMAS, aws_client, free_port
from .shop import SHOP

pytestmark = pytest.mark.e2e


def test_table_lifecycle(ddbtool: Any, endpoint: str) -> None:
    target = ["--endpoint-url", endpoint]
    loaded = ddbtool("schema-load", *target)
    assert loaded.returncode == 0, loaded.stderr
    assert "created" in loaded.stdout
    assert f"loading table definitions → {endpoint} (region us-east-1)" in loaded.stderr

    listed = ddbtool("list-tables", "--output", "json", *target)
    assert json.loads(listed.stdout) == ["cruddur-messages"]

    described = ddbtool("describe-table", "cruddur-messages", "-o", "json", *target)
    assert described.returncode == 0
    summary = json.loads(described.stdout)
    assert summary["status"] == "ACTIVE"
    assert summary["indexes"][0]["name"] == "message-group-sk-index"

    again = ddbtool("schema-load", "-o", "json", *target)
    assert again.returncode == 0
    assert json.loads(again.stdout)[0]["status"] == "up to date"

    deleted = ddbtool("delete-table", *target)
    assert deleted.returncode == 0, deleted.stderr
    assert json.loads(ddbtool("list-tables", "-o", "json", *target).stdout) == []
    # No AWS set-up: the placeholder key, which DynamoDB Local accepts, is named.
    empty = ddbtool("list-tables", *target)
    assert "this used access key id ddbtoollocal and region us-east-1" in empty.stderr


def test_endpoint_from_botocore_variable(ddbtool: Any, endpoint: str) -> None:
    result = ddbtool("schema-load", env={"AWS_ENDPOINT_URL_DYNAMODB": endpoint})
    assert result.returncode == 0, result.stderr
    assert endpoint in result.stderr


def test_unreachable_endpoint_is_one_clear_line(ddbtool: Any) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    result = ddbtool("list-tables", "--endpoint-url", url)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"error: cannot reach {url}/: start one with `ddbtool local start --port {port}`, or choose another "
        "target with --endpoint-url URL or --prod"
    ]


def test_local_start_status_stop(ddbtool: Any, tmp_path: Path) -> None:
    port = str(free_port())
    env = {"DDBTOOL_STATE_DIR": str(tmp_path)}
    try:
        started = ddbtool("local", "start", "--port", port, env=env)
        assert started.returncode == 0, started.stderr
        assert "(moto) running at http://localhost:" in started.stderr and "memory" in started.stderr

        again = ddbtool("local", "start", "--port", port, env=env)
        assert "already running" in again.stderr

        status = json.loads(ddbtool("local", "status", "--port", port, "-o", "json", env=env).stdout)
        assert status["state"] == "running" and status["pid"] and status["engine"] == "moto"

        loaded = ddbtool("schema-load", "--endpoint-url", f"http://localhost:{port}", env=env)
        assert loaded.returncode == 0, loaded.stderr
    finally:
        stopped = ddbtool("local", "stop", "--port", port, env=env)
    assert stopped.returncode == 0 and "stopped the local endpoint (moto)" in stopped.stderr
    after = ddbtool("local", "status", "--port", port, env=env)
    assert after.returncode == 1 and "stopped" in after.stdout
    assert "nothing to stop" in ddbtool("local", "stop", "--port", port, env=env).stderr


def test_local_dynamodb_local_keeps_its_tables_across_a_restart(
    ddbtool: Any, tmp_path: Path, dynamodb_local_jar_dir: Path
) -> None:
    port = str(free_port())
    url = f"http://localhost:{port}"
    env = {"DDBTOOL_STATE_DIR": str(tmp_path), "DDBTOOL_DYNAMODB_LOCAL_DIR": str(dynamodb_local_jar_dir)}
    start = ("local", "start", "--engine", "dynamodb-local", "--port", port)
    try:
        started = ddbtool(*start, env=env)
        assert started.returncode == 0, started.stderr
        assert f"(dynamodb-local) running at {url}" in started.stderr
        assert f"its data is kept in {tmp_path / f'dynamodb-local-{port}'}" in started.stderr
        status = json.loads(ddbtool("local", "status", "--port", port, "-o", "json", env=env).stdout)
        assert status["state"] == "running" and status["engine"] == "dynamodb-local"
        assert ddbtool("schema-load", "--endpoint-url", url, env=env).returncode == 0

        stopped = ddbtool("local", "stop", "--port", port, env=env)
        assert stopped.returncode == 0 and "stopped the local endpoint (dynamodb-local)" in stopped.stderr
        assert ddbtool("local", "status", "--port", port, env=env).returncode == 1

        assert ddbtool(*start, env=env).returncode == 0
        listed = ddbtool("list-tables", "-o", "json", "--endpoint-url", url, env=env)
        assert json.loads(listed.stdout) == ["cruddur-messages"]
    finally:
        ddbtool("local", "stop", "--port", port, env=env)
    assert not (tmp_path / "dynamodb-local-metadata.json").exists()  # it ran in its own folder
    assert ddbtool("local", "status", "--port", port, env=env).returncode == 1


def test_schema_load_dry_run_is_what_create_table_cli_input_json_takes(
    ddbtool: Any, endpoint: str, tmp_path: Path
) -> None:
    (tmp_path / "shop.yaml").write_text(SHOP)
    unreachable = ["--endpoint-url", f"http://127.0.0.1:{free_port()}"]  # a dry run calls nothing
    one = ddbtool("schema-load", str(SCHEMAS / "cruddur-messages.yaml"), "--dry-run", *unreachable)
    assert one.returncode == 0, one.stderr
    # One table: the whole output is one JSON object, as `--cli-input-json file://FILE` reads it.
    assert isinstance(json.loads(one.stdout), dict)
    two = ddbtool(
        "schema-load", str(SCHEMAS / "cruddur-messages.yaml"), str(tmp_path / "shop.yaml"), "--dry-run"
    )
    assert two.returncode == 0, two.stderr
    requests = [json.loads(line) for line in two.stdout.splitlines()]  # one document a line
    assert [r["TableName"] for r in requests] == ["cruddur-messages", "shop"]
    assert requests[0] == json.loads(one.stdout)

    # The AWS CLI checks --cli-input-json against CreateTable's input shape (unknown or
    # mistyped keys are refused) and sends it as is; so do these two steps.
    shape = botocore.session.get_session().get_service_model("dynamodb").operation_model("CreateTable")
    client = aws_client("dynamodb", endpoint)
    for request in requests:
        report = ParamValidator().validate(request, shape.input_shape)
        assert not report.has_errors(), report.generate_report()
        client.create_table(**request)
    assert sorted(client.list_tables()["TableNames"]) == ["cruddur-messages", "shop"]
    described = client.describe_table(TableName="shop")["Table"]
    assert [i["IndexName"] for i in described["GlobalSecondaryIndexes"]] == ["by-status"]
