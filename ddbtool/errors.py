"""One exception family for ddbtool; each kind carries the exit code the CLI uses.

Library modules raise these; only the command line prints them and exits.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass

EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C


class DdbtoolError(Exception):
    """A failure worth one readable line: what went wrong and what to do."""

    exit_code = EXIT_FAILURE

    def lines(self) -> list[str]:
        return [str(self)]


class UsageError(DdbtoolError):
    """A bad option, argument or input file: the caller must change something."""

    exit_code = EXIT_USAGE


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file, located as precisely as we can."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class InputFileError(UsageError):
    """Every problem found in one or more input files; nothing was written."""

    # A generated file can hold thousands of the same mistake: show the first ones.
    SHOWN = 50

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.field))
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        shown = [str(p) for p in self.problems[: self.SHOWN]]
        hidden = len(self.problems) - len(shown)
        if hidden:
            shown.append(f"... and {hidden:,} more problems; fix these and run again to see the rest")
        return shown


class Interrupted(DdbtoolError):
    """Ctrl-C during work that writes: says what was done and how to finish it."""

    exit_code = EXIT_INTERRUPTED


class IncompleteOutputError(DdbtoolError):
    """A failure after part of the output was written: the cause, then what that means."""

    def __init__(self, cause: DdbtoolError, note: str) -> None:
        self.cause, self.note = cause, note
        self.exit_code = cause.exit_code
        super().__init__(f"{cause}; {note}")

    def lines(self) -> list[str]:
        return [*self.cause.lines(), self.note]


class NotFoundError(DdbtoolError):
    """A table, item or user that the command needs does not exist."""


class MissingTableError(NotFoundError):
    """A table (or its stream) the command needs is not at the target."""

    def with_note(self, note: str) -> MissingTableError:
        """The same error with a note on why the table may be missing, on the same line."""
        return MissingTableError(f"{self} ({note})")


class EndpointUnreachableError(DdbtoolError):
    """Nothing answers at the endpoint."""


class NotDynamoDBError(DdbtoolError):
    """Something answers at the endpoint, but not as DynamoDB does (a web server, a proxy)."""


class AwsError(DdbtoolError):
    """An error DynamoDB (or another AWS service) returned, with its code and request id."""

    def __init__(self, code: str, message: str, request_id: str | None = None) -> None:
        self.code = code
        self.aws_message = message
        self.request_id = request_id
        suffix = f" (request id {request_id})" if request_id else ""
        super().__init__(f"{code}: {message}{suffix}")


def _unreachable(url: str) -> str:
    """Why nothing answers at `url` and what to do: only this machine's endpoint can be started."""
    from urllib.parse import urlsplit

    from ddbtool.aws import LOCAL_ENDPOINT, is_loopback_url

    parts = urlsplit(url)
    if is_loopback_url(url):
        default = url.rstrip("/") == LOCAL_ENDPOINT or not parts.port
        start = "ddbtool local start" if default else f"ddbtool local start --port {parts.port}"
        hint = f"start one with `{start}`, or choose another target with --endpoint-url URL or --prod"
    elif (parts.hostname or "").endswith((".amazonaws.com", ".amazonaws.com.cn")):
        hint = "check your network connection, and that --region names a region DynamoDB runs in"
    else:
        hint = "check that the endpoint runs and its URL is right, or choose another target with --prod"
    return f"cannot reach {url}: {hint}"


def from_botocore(exc: BaseException) -> DdbtoolError | None:
    """Translate a botocore exception into a DdbtoolError, or None if it is not one.

    botocore is only consulted if it is already imported: an exception cannot come
    from a module that was never loaded, and `--help` must not pay for the import.
    """
    if "botocore.exceptions" not in sys.modules:
        return None
    from botocore import exceptions as bce

    if isinstance(exc, bce.ClientError):
        error = exc.response.get("Error", {})
        code, message = error.get("Code", "Unknown"), error.get("Message", str(exc))
        if code == "ResourceNotFoundException":
            return MissingTableError(
                f"{message} ({exc.operation_name}): check the table name and the target, "
                "or create the table with `ddbtool schema-load`"
            )
        request_id = exc.response.get("ResponseMetadata", {}).get("RequestId")
        return AwsError(code, message, request_id)
    if isinstance(exc, (bce.EndpointConnectionError, bce.ConnectTimeoutError)):
        return EndpointUnreachableError(_unreachable(str(exc.kwargs.get("endpoint_url", ""))))
    if isinstance(exc, bce.ReadTimeoutError):
        url = exc.kwargs.get("endpoint_url", "the endpoint")
        return DdbtoolError(f"{url} did not answer in time; try again, or check the endpoint")
    if isinstance(exc, bce.NoCredentialsError):
        return UsageError(
            "no AWS credentials found: configure a profile (`aws configure`), "
            "pass --profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        )
    if isinstance(exc, bce.NoRegionError):
        return UsageError("no AWS region configured: pass --region or set AWS_REGION")
    if isinstance(exc, bce.ProfileNotFound):
        return UsageError(f"{exc}: pass an existing --profile, or check ~/.aws/config")
    if isinstance(exc, bce.BotoCoreError):
        return DdbtoolError(str(exc))
    return None


THROTTLING = frozenset(
    {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"}
)


def transient(exc: BaseException) -> str | None:
    """Why a failed call is worth trying again (throttling, a 5xx, a dropped connection
    or a time-out), or None when trying again cannot help.

    After such a failure a write may or may not have been applied: the answer can be
    lost after DynamoDB acted on the request. Retrying is safe only for writes that
    are idempotent or that recognise their own earlier attempt.
    """
    if "botocore.exceptions" not in sys.modules:
        return None
    from botocore import exceptions as bce

    if isinstance(exc, bce.ClientError):
        code = exc.response.get("Error", {}).get("Code", "")
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if code in THROTTLING or status >= 500:
            return code or f"HTTP {status}"
        return None
    if isinstance(exc, (bce.HTTPClientError, bce.ConnectionError)):
        return type(exc).__name__
    return None
