"""Targets: local default, endpoint settings, --prod, placeholder credentials."""

from __future__ import annotations

from typing import Any

import pytest

from ddbtool.aws import LOCAL_CREDENTIALS, LOCAL_ENDPOINT, Connection, Target, is_loopback_url
from ddbtool.errors import EndpointUnreachableError, NotDynamoDBError, UsageError, from_botocore

from ..support import web_server


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


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("AWS_ENDPOINT_URL_DYNAMODB", "localhost:8000"),
        ("AWS_ENDPOINT_URL", "http://[::1"),
        ("AWS_ENDPOINT_URL_DYNAMODB", "ftp://localhost:8000"),
        ("AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:port"),
    ],
)
def test_a_bad_configured_endpoint_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(UsageError) as caught:
        Connection(Target()).dynamodb()
    assert str(caught.value) == (
        f"{variable} {value!r} is not an endpoint URL; write it as http://HOST:PORT or https://HOST, "
        "for example http://localhost:8000"
    )


@pytest.mark.parametrize("url", ["http://[::1", "localhost:8000", "ftp://x", "http://", "http://a b"])
def test_a_bad_endpoint_option_is_refused_before_any_work(url: str) -> None:
    with pytest.raises(UsageError, match=r"^--endpoint-url .* is not an endpoint URL"):
        Target(endpoint_url=url)


def test_aws_region_comes_after_the_option_and_before_botocore_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert Connection(Target(prod=True)).region == "eu-west-1"
    monkeypatch.setenv("AWS_REGION", "ap-southeast-2")
    assert Connection(Target(prod=True)).region == "ap-southeast-2"
    assert Connection(Target()).region == "ap-southeast-2"
    assert Connection(Target(prod=True, region="us-west-2")).region == "us-west-2"
    client = Connection(Target(prod=True)).dynamodb()
    assert client.meta.endpoint_url == "https://dynamodb.ap-southeast-2.amazonaws.com"


@pytest.mark.parametrize(
    ("variable", "option"), [("AWS_REGION", None), ("AWS_DEFAULT_REGION", None), (None, "--region")]
)
def test_an_impossible_region_is_a_usage_error_naming_its_source(
    monkeypatch: pytest.MonkeyPatch, variable: str | None, option: str | None
) -> None:
    if variable:
        monkeypatch.setenv(variable, "us east 1")
    with pytest.raises(UsageError) as caught:
        Connection(Target(prod=True, region="us east 1" if option else None)).dynamodb()
    assert (
        str(caught.value) == f"{variable or option} 'us east 1' is not a region name; write it like us-east-1"
    )


def test_local_endpoints_take_any_region_botocore_can_sign_for() -> None:
    assert Connection(Target(region="localhost")).region == "localhost"
    with pytest.raises(UsageError, match="not a region name"):
        Target(prod=True, region="localhost")


@pytest.mark.parametrize("status", [200, 404, 501])
def test_a_web_server_at_the_endpoint_is_not_dynamodb(status: int) -> None:
    with web_server(status) as url:
        client = Connection(Target(endpoint_url=url)).dynamodb()
        with pytest.raises(NotDynamoDBError) as caught:
            client.list_tables()
    assert str(caught.value) == (
        f"{url} does not answer as DynamoDB: ListTables got an HTML page (HTTP {status}); "
        "check --endpoint-url, which must name a DynamoDB endpoint"
    )


def test_an_empty_error_is_not_dynamodb(monkeypatch: pytest.MonkeyPatch) -> None:
    with web_server(404, body=b"") as url:
        monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", url)
        with pytest.raises(
            NotDynamoDBError, match=r"DescribeTable got an empty answer \(HTTP 404\); check AWS_"
        ):
            Connection(Target()).dynamodb().describe_table(TableName="cruddur-messages")


@pytest.mark.parametrize(
    ("url", "hint"),
    [
        ("http://localhost:8000/", "start one with `ddbtool local start`, or choose another target"),
        ("http://127.0.0.1:8123/", "start one with `ddbtool local start --port 8123`, or choose"),
        ("https://dynamodb.eu-west-1.amazonaws.com", "check your network connection, and that --region"),
        ("http://dynamo.internal:8000", "check that the endpoint runs and its URL is right"),
    ],
)
def test_unreachable_hints_fit_the_target(url: str, hint: str) -> None:
    from botocore.exceptions import EndpointConnectionError

    translated = from_botocore(EndpointConnectionError(endpoint_url=url))
    assert isinstance(translated, EndpointUnreachableError)
    assert str(translated).startswith(f"cannot reach {url}: {hint}")
    assert ("local start" in str(translated)) == ("start one" in hint)
