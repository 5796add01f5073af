"""Where commands go: a local endpoint, any endpoint URL, or AWS itself.

A `Target` is what the command line said; a `Connection` turns it into boto3
clients on first use (so `--help` never imports boto3). botocore resolves
profile, region, credentials and `AWS_ENDPOINT_URL_DYNAMODB`; ddbtool adds
only the local default and placeholder credentials for local endpoints.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ddbtool.errors import NotDynamoDBError, UsageError

if TYPE_CHECKING:
    import boto3
    from mypy_boto3_dynamodb import DynamoDBClient

LOCAL_ENDPOINT = "http://localhost:8000"
LOCAL_REGION = "us-east-1"
# Placeholder credentials for local endpoints, which do not check them. Letters and
# digits only: DynamoDB Local 2.0 and newer refuse any other access key id.
LOCAL_CREDENTIALS = ("ddbtoollocal", "ddbtoollocal")
# Connections each client keeps open (botocore's default is 10): as many as bulk
# writes may have calls in flight (items/pace.py), so no call waits for a connection.
MAX_CONNECTIONS = 32


# AWS's regions all look like us-east-1, ap-southeast-2 or us-gov-west-1. Other
# endpoints take any name botocore accepts in a host name (DynamoDB Local: "localhost").
_AWS_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]{1,2}")
_ANY_REGION = re.compile(r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?")


def check_endpoint_url(url: str, source: str) -> str:
    """`url` if it is an http(s) URL with a host, else a UsageError naming where it came from."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # raises ValueError for a port that is not a number
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and not re.search(r"\s", url)
    except ValueError:
        valid = False
    if not valid:
        raise UsageError(
            f"{source} {url!r} is not an endpoint URL; write it as http://HOST:PORT or https://HOST, "
            "for example http://localhost:8000"
        )
    return url


def check_region(region: str, source: str, *, aws: bool) -> str:
    """`region` if it can be one (an AWS region for AWS itself), else a UsageError naming its source."""
    if not (_AWS_REGION if aws else _ANY_REGION).fullmatch(region):
        raise UsageError(f"{source} {region!r} is not a region name; write it like us-east-1")
    return region


def user_agent() -> str:
    """What ddbtool adds to botocore's user agent: `ddbtool/<version>`."""
    from ddbtool import __version__

    return f"ddbtool/{__version__}"


def chain_client(
    service: str, *, profile: str | None = None, region: str | None = None, endpoint_url: str | None = None
) -> Any:
    """A client for a service that does not follow the DynamoDB target: botocore's whole chain.

    For an app's other services and for the Lambda, whose credentials and region
    are its own. endpoint_url is passed only when given, so that botocore still
    honours its endpoint settings otherwise. Imports boto3 when called, never before.
    """
    import boto3
    from botocore.config import Config

    session = boto3.Session(profile_name=profile, region_name=region)
    config = Config(retries={"mode": "standard"}, user_agent_extra=user_agent())
    if endpoint_url:
        return session.client(service, endpoint_url=endpoint_url, config=config)  # type: ignore[call-overload]
    return session.client(service, config=config)  # type: ignore[call-overload]


def is_loopback_url(url: str) -> bool:
    """Whether a URL names this machine; any other host may hold someone's data."""
    import ipaddress
    from urllib.parse import urlsplit

    try:
        host = urlsplit(url).hostname
    except ValueError:
        return False
    if host is None:
        return False
    if host == "localhost" or host.endswith(".localhost"):  # RFC 6761: always loopback
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Target:
    """The connection options of one command invocation."""

    endpoint_url: str | None = None
    prod: bool = False
    region: str | None = None
    profile: str | None = None

    def __post_init__(self) -> None:
        if self.prod and self.endpoint_url:
            raise UsageError("--prod and --endpoint-url exclude each other: choose one target")
        if self.endpoint_url is not None:
            check_endpoint_url(self.endpoint_url, "--endpoint-url")
        if self.region is not None:
            check_region(self.region, "--region", aws=self.prod)


@dataclass
class Connection:
    """Lazily built boto3 session and clients for one Target."""

    target: Target = field(default_factory=Target)
    _session: boto3.Session | None = field(default=None, init=False, repr=False)
    _endpoint: str | None = field(default=None, init=False, repr=False)
    _endpoint_source: str = field(default="", init=False, repr=False)
    _clients: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    @property
    def is_local(self) -> bool:
        """True unless the target is AWS itself."""
        return self.endpoint_url is not None

    @property
    def is_loopback(self) -> bool:
        """True when calls stay on this machine: 127.0.0.0/8, ::1 or localhost."""
        return self.endpoint_url is not None and is_loopback_url(self.endpoint_url)

    @property
    def endpoint_url(self) -> str | None:
        """The endpoint DynamoDB calls go to; None means AWS's own."""
        self._resolve()
        return self._endpoint

    @property
    def region(self) -> str | None:
        return self._resolve().region_name

    def describe(self) -> str:
        """Where calls go, for the line printed before any write."""
        if self.endpoint_url:
            return f"{self.endpoint_url} (region {self.region})"
        profile = f", profile {self.target.profile}" if self.target.profile else ""
        return f"AWS, region {self.region or '(none)'}{profile}"

    def separate_databases_note(self) -> str | None:
        """Why a local endpoint may show no tables (the classic "my tables are missing").

        None for AWS itself. DynamoDB Local without -sharedDb keeps one database per
        access key id and region, so tables made with other credentials are elsewhere.
        """
        if not self.is_local:
            return None
        credentials = self._resolve().get_credentials()
        key = credentials.access_key if credentials else "(none)"
        return (
            "DynamoDB Local keeps one database per access key and region unless started with "
            f"-sharedDb: this used access key id {key} and region {self.region}"
        )

    def dynamodb(self) -> DynamoDBClient:
        """The DynamoDB client for this target."""
        return self.client("dynamodb")  # type: ignore[no-any-return]

    def client(self, service: str) -> Any:
        """A client for a service that follows the DynamoDB target (DynamoDB, Streams, S3 for exports)."""
        if service not in self._clients:
            session = self._resolve()
            client = session.client(
                service,  # type: ignore[call-overload]
                endpoint_url=self._endpoint,
                config=self._config(),
            )
            if client.meta.service_model.protocol == "json":  # S3 answers in XML
                client.meta.events.register("before-parse", self._answer_check())
            self._clients[service] = client
        return self._clients[service]

    def _answer_check(self) -> Callable[..., None]:
        if self._endpoint:
            where, fix = self._endpoint, f"check {self._endpoint_source}, which must name a DynamoDB endpoint"
        else:
            where, fix = "AWS", "check your network: something between you and AWS answers in its place"
        return require_json_answer(where, fix)

    def _config(self) -> Any:
        from botocore.config import Config

        return Config(
            retries={"mode": "standard", "max_attempts": 3 if self.is_local else 10},
            connect_timeout=3 if self.is_local else 10,
            read_timeout=60,
            max_pool_connections=MAX_CONNECTIONS,
            user_agent_extra=user_agent(),
            # --prod means AWS itself, whatever AWS_ENDPOINT_URL* or the profile say.
            ignore_configured_endpoint_urls=self.target.prod,  # type: ignore[call-arg]  # stubs lag
        )

    def _resolve(self) -> boto3.Session:
        if self._session is not None:
            return self._session
        import boto3
        import botocore.session
        from botocore.configprovider import ConfiguredEndpointProvider

        core = botocore.session.Session(profile=self.target.profile)
        endpoint, source = None, ""
        if not self.target.prod:
            configured = ConfiguredEndpointProvider(
                full_config=core.full_config,
                scoped_config=core.get_scoped_config(),
                client_name="dynamodb",
            ).provide()
            if self.target.endpoint_url:
                endpoint, source = self.target.endpoint_url, "--endpoint-url"
            elif configured:
                source = _configured_source(configured)
                endpoint = check_endpoint_url(configured, source)
            else:
                endpoint, source = LOCAL_ENDPOINT, "the local endpoint"
        if endpoint:
            # A local endpoint must never make us probe the instance metadata service,
            # and must work on a machine with no AWS set-up at all.
            resolver = core.get_component("credential_provider")
            for provider in ("iam-role", "container-role"):
                resolver.remove(provider)
            if core.get_credentials() is None:
                core.set_credentials(*LOCAL_CREDENTIALS)
        # botocore reads only AWS_DEFAULT_REGION; the AWS CLI v2 and the other SDKs
        # put AWS_REGION first, and so does ddbtool.
        region = self.target.region or os.environ.get("AWS_REGION") or None
        if endpoint and region is None and core.get_config_variable("region") is None:
            region = LOCAL_REGION
        # One boto3 Session per botocore session: a second one registers boto3's S3 methods twice.
        session = boto3.Session(botocore_session=core, region_name=region)
        if session.region_name is not None:
            check_region(session.region_name, self._region_source(session.region_name), aws=not endpoint)
        self._session, self._endpoint, self._endpoint_source = session, endpoint, source
        return session

    def _region_source(self, region: str) -> str:
        if self.target.region:
            return "--region"
        for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
            if os.environ.get(name) == region:
                return name
        return "the region in the AWS config file"


def _configured_source(url: str) -> str:
    """Where botocore found a DynamoDB endpoint, for an error message."""
    for name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"):
        if os.environ.get(name) == url:
            return name
    return "endpoint_url in the AWS config file"


_JSON_OBJECT = re.compile(rb"\s*\{")


def require_json_answer(where: str, fix: str) -> Callable[..., None]:
    """A botocore `before-parse` hook: every answer of a JSON API is a JSON object.

    botocore parses an HTML page with status 200 as an empty answer (no tables, no
    items) and an HTML or empty error as an error coded with the status; a web
    server or proxy at the endpoint would pass for DynamoDB. Only a success may
    be empty. It sees each response from the wire, not botocore's Stubber.
    """

    def check(operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        body: bytes = response_dict.get("body") or b""
        status = response_dict.get("status_code", 0)
        if _JSON_OBJECT.match(body) or (status < 300 and not body):
            return
        content_type = str(response_dict.get("headers", {}).get("content-type", "")).split(";")[0]
        if not body:
            kind = "an empty answer"
        elif "html" in content_type:
            kind = "an HTML page"
        else:
            kind = f"{content_type or 'something'} that is not JSON"
        raise NotDynamoDBError(
            f"{where} does not answer as DynamoDB: {operation_model.name} got {kind} (HTTP {status}); {fix}"
        )

    return check
