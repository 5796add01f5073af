"""Where commands go: a local endpoint, any endpoint URL, or AWS itself.

A `Target` is what the command line said; a `Connection` turns it into boto3
clients on first use (so `--help` never imports boto3). botocore resolves
profile, region, credentials and `AWS_ENDPOINT_URL_DYNAMODB`; ddbtool adds
only the local default and placeholder credentials for local endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ddbtool.errors import UsageError

if TYPE_CHECKING:
    import boto3
    from mypy_boto3_dynamodb import DynamoDBClient

LOCAL_ENDPOINT = "http://localhost:8000"
LOCAL_REGION = "us-east-1"
# Placeholder credentials for local endpoints, which do not check them. Letters and
# digits only: DynamoDB Local 2.0 and newer refuse any other access key id.
LOCAL_CREDENTIALS = ("ddbtoollocal", "ddbtoollocal")


def user_agent() -> str:
    """What ddbtool adds to botocore's user agent: `ddbtool/<version>`."""
    from ddbtool import __version__

    return f"ddbtool/{__version__}"


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
        if self.endpoint_url and not self.endpoint_url.startswith(("http://", "https://")):
            raise UsageError(
                f"--endpoint-url {self.endpoint_url!r} is not a URL; "
                "write it as http://HOST:PORT or https://HOST"
            )


@dataclass
class Connection:
    """Lazily built boto3 session and clients for one Target."""

    target: Target = field(default_factory=Target)
    _session: boto3.Session | None = field(default=None, init=False, repr=False)
    _endpoint: str | None = field(default=None, init=False, repr=False)
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
        """A client for a service that follows the DynamoDB target (DynamoDB, Streams)."""
        if service not in self._clients:
            session = self._resolve()
            self._clients[service] = session.client(
                service,  # type: ignore[call-overload]
                endpoint_url=self._endpoint,
                config=self._config(),
            )
        return self._clients[service]

    def _config(self) -> Any:
        from botocore.config import Config

        return Config(
            retries={"mode": "standard", "max_attempts": 3 if self.is_local else 10},
            connect_timeout=3 if self.is_local else 10,
            read_timeout=60,
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
        endpoint = None
        if not self.target.prod:
            configured = ConfiguredEndpointProvider(
                full_config=core.full_config,
                scoped_config=core.get_scoped_config(),
                client_name="dynamodb",
            ).provide()
            endpoint = self.target.endpoint_url or configured or LOCAL_ENDPOINT
        if endpoint:
            # A local endpoint must never make us probe the instance metadata service,
            # and must work on a machine with no AWS set-up at all.
            resolver = core.get_component("credential_provider")
            for provider in ("iam-role", "container-role"):
                resolver.remove(provider)
            if core.get_credentials() is None:
                core.set_credentials(*LOCAL_CREDENTIALS)
        session = boto3.Session(botocore_session=core, region_name=self.target.region)
        if endpoint and session.region_name is None:
            session = boto3.Session(botocore_session=core, region_name=LOCAL_REGION)
        self._session, self._endpoint = session, endpoint
        return session
