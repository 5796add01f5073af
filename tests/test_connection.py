"""Targets: local default, endpoint settings, --prod, placeholder credentials."""

from __future__ import annotations

from typing import Any

import pytest

from ddbtool.connection import LOCAL_CREDENTIALS, LOCAL_ENDPOINT, Connection, Target, is_loopback_url
from ddbtool.errors import UsageError


def test_default_target_is_the_local_endpoint() -> None:
    connection = Connection(Target())
    assert connection.endpoint_url == LOCAL_ENDPOINT
    assert connection.dynamodb().meta.endpoint_url == LOCAL_ENDPOINT
    assert connection.describe() == f"{LOCAL_ENDPOINT} (region us-east-1)"


def test_botocore_endpoint_variables_are_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://localhost:1111")
    assert Connection(Target()).endpoint_url == "http://localhost:1111"
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:2222")
    assert Connection(Target()).endpoint_url == "http://localhost:2222"
    assert Connection(Target(endpoint_url="http://localhost:3333")).endpoint_url == "http://localhost:3333"


def test_prod_ignores_configured_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:2222")
    connection = Connection(Target(prod=True, region="eu-west-1"))
    assert connection.endpoint_url is None and not connection.is_local
    assert connection.dynamodb().meta.endpoint_url == "https://dynamodb.eu-west-1.amazonaws.com"
    assert connection.describe() == "AWS, region eu-west-1"


def test_prod_with_endpoint_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="exclude each other"):
        Target(prod=True, endpoint_url="http://localhost:8000")


def test_endpoint_must_be_a_url() -> None:
    with pytest.raises(UsageError, match="not an endpoint URL"):
        Target(endpoint_url="localhost:8000")


class _Sent(Exception):
    pass


def signed_credential(client: Any) -> str:
    """The access key and scope a request would be signed with, caught before it is sent."""
    seen: dict[str, str] = {}

    def capture(request: Any, **_: Any) -> None:
        seen["authorization"] = request.headers["Authorization"].decode()
        raise _Sent

    client.meta.events.register("before-send.dynamodb.ListTables", capture)
    with pytest.raises(_Sent):
        client.list_tables()
    return seen["authorization"].split("Credential=")[1].split(",")[0]


def test_local_target_needs_no_aws_setup(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name)
    credential = signed_credential(Connection(Target()).dynamodb())
    assert credential.startswith(f"{LOCAL_CREDENTIALS[0]}/")
    assert "/us-east-1/dynamodb/" in credential


def test_local_target_keeps_configured_credentials_and_region() -> None:
    credential = signed_credential(Connection(Target(region="eu-central-1")).dynamodb())
    assert credential.startswith("testing/") and "/eu-central-1/" in credential


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://localhost:8000", True),
        ("http://127.0.0.1:8000", True),
        ("http://127.8.9.10", True),
        ("http://[::1]:8000", True),
        ("http://api.localhost:4566", True),
        ("https://localhost.example.com", False),
        ("https://dynamodb.us-east-1.amazonaws.com", False),
        ("http://10.0.0.5:8000", False),
        ("http://[::2]:8000", False),
        ("https://128.0.0.1", False),
    ],
)
def test_only_this_machine_is_loopback(url: str, loopback: bool) -> None:
    assert is_loopback_url(url) is loopback
