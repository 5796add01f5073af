"""Fixtures shared by every layer of tests.

Every test runs with fake credentials and no AWS configuration from the machine,
so nothing can reach AWS. Library tests use moto in-process; end-to-end tests
run the installed `ddbtool` against a moto server over HTTP (see endpoint).
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
from moto import mock_aws
from typer.testing import CliRunner

from ddbtool.cli import app

from .support import MOTO_URL, ROOT, free_port, wait_until_answers


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


@pytest.fixture
def endpoint(moto_server: str) -> str:
    """The moto server's URL, emptied of every table, stream and user pool."""
    request = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=10).read()
    return moto_server


@pytest.fixture
def ddbtool(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Run the installed `ddbtool` script as a subprocess, the way a CI script does."""
    script = Path(sys.executable).parent / "ddbtool"
    assert script.exists(), "ddbtool is not installed in this environment: pip install -e '.[test]'"
    # Like a fresh machine: no AWS credentials at all.
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name)

    def run(
        *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(script), *args],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    return run
