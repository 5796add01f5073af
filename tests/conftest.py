"""Fixtures shared by every layer of tests.

Every test runs with fake credentials and no AWS configuration from the machine,
so nothing can reach AWS. Library tests use moto in-process; end-to-end tests
run the installed `ddbtool` over HTTP against moto's server and against AWS's
DynamoDB Local, each test on both (see endpoint).
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws
from typer.testing import CliRunner

from ddbtool import local
from ddbtool.cli import app
from ddbtool.errors import DdbtoolError

from .postgres import postgres_server, users_db  # noqa: F401 - fixtures, shared with every layer
from .support import MOTO_URL, ROOT, aws_client, free_port, under_ci, wait_until_answers


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    home = tmp_path_factory.mktemp("aws")
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # botocore sends Streams calls to account-id endpoints, which moto in-process does not route.
    monkeypatch.setenv("AWS_ACCOUNT_ID_ENDPOINT_MODE", "disabled")
    monkeypatch.delenv("DDBTOOL_DEBUG", raising=False)


@pytest.fixture
def moto() -> Iterator[None]:
    with mock_aws():
        yield


@pytest.fixture
def dynamodb(moto: None) -> Any:
    return boto3.client("dynamodb", region_name="us-east-1")


@pytest.fixture
def stubbed() -> Iterator[tuple[Any, Stubber]]:
    """A DynamoDB client whose answers the test gives, checking each request (botocore's Stubber)."""
    client = boto3.client("dynamodb", region_name="us-east-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(moto: None, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run ddbtool in-process against moto, from the repository root (./schemas, ./seeds)."""
    monkeypatch.chdir(ROOT)
    runner = CliRunner()

    def run(*args: str, target: bool = True, input: str | None = None) -> Result:
        extra = ["--endpoint-url", MOTO_URL] if target else []
        result = runner.invoke(app, [*args, *extra], input=input)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Result(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """A moto server (DynamoDB, Streams, Cognito) in its own process, as CI would run one."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(url)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def dynamodb_local_jar_dir() -> Path:
    """The folder holding DynamoDBLocal.jar: DDBTOOL_DYNAMODB_LOCAL_DIR, else ./scripts/test's install.

    Without Java or the jar the DynamoDB Local tests skip on a developer's machine;
    under CI they fail, since CI must run them.
    """
    configured = os.environ.get("DDBTOOL_DYNAMODB_LOCAL_DIR")
    jar_dir = Path(configured) if configured else local.default_jar_dir()
    try:
        local.dynamodb_local_command(jar_dir, free_port(), in_memory=True)
    except DdbtoolError as exc:
        message = f"DynamoDB Local cannot run ({exc}); ./scripts/install-dynamodb-local installs it"
        if under_ci():
            pytest.fail(message)
        pytest.skip(message)
    assert jar_dir is not None
    return jar_dir


@pytest.fixture(scope="session")
def dynamodb_local(dynamodb_local_jar_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """AWS's DynamoDB Local, in memory with -sharedDb, in its own process, for the whole session."""
    port = free_port()
    command = local.dynamodb_local_command(dynamodb_local_jar_dir, port, in_memory=True)
    process = subprocess.Popen(
        command,
        cwd=tmp_path_factory.mktemp("dynamodb-local"),  # it writes dynamodb-local-metadata.json here
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answers(url, timeout=120)  # a JVM on a busy machine: allow for it
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


ENGINES = ["moto", "dynamodb-local"]


@pytest.fixture(params=ENGINES)
def endpoint(request: pytest.FixtureRequest) -> str:
    """An empty endpoint URL, once for moto's server and once for DynamoDB Local."""
    if request.param == "moto":
        url: str = request.getfixturevalue("moto_server")
        reset = urllib.request.Request(f"{url}/moto-api/reset", method="POST")
        urllib.request.urlopen(reset, timeout=10).read()  # every table, stream and user pool
        return url
    url = request.getfixturevalue("dynamodb_local")
    client = aws_client("dynamodb", url)
    for page in client.get_paginator("list_tables").paginate():
        for table in page.get("TableNames", []):
            client.delete_table(TableName=table)
    return url


@pytest.fixture
def ddbtool(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run the installed `ddbtool` script as a subprocess, the way a CI script does."""
    script = Path(sys.executable).parent / "ddbtool"
    assert script.exists(), "ddbtool is not installed in this environment: pip install -e '.[test]'"
    # Like a fresh machine: no AWS credentials at all.
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name)

    def run(
        *args: str,
        cwd: Path = ROOT,
        env: dict[str, str] | None = None,
        timeout: float = 120,
        input: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        # stdin is the given text, else nothing: never the terminal a test may run on.
        stdin = {"input": input} if input is not None else {"stdin": subprocess.DEVNULL}
        return subprocess.run(
            [str(script), *args],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            **stdin,
        )

    return run
