"""`ddbtool local start|status|stop`: the embedded endpoint for a machine with no AWS."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ddbtool import local, render
from ddbtool.cli.app import TableOrJson, TableOrJsonOutput, _Group, app

local_app = typer.Typer(
    cls=_Group,
    help="Run an embedded DynamoDB-compatible endpoint (moto's server) on 127.0.0.1.\n\n"
    "It serves DynamoDB, DynamoDB Streams and Cognito. Its data lives in memory: "
    "stopping it loses every table.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(local_app, name="local", short_help="Run an embedded local endpoint (moto).")

Port = Annotated[int, typer.Option("--port", "-p", min=1, max=65535, help="Port on 127.0.0.1.")]
StateDir = Annotated[
    Path | None,
    typer.Option(
        "--state-dir",
        envvar="DDBTOOL_STATE_DIR",
        help="Where the pid file and log live (default: $XDG_STATE_HOME/ddbtool).",
        show_default=False,
    ),
]


def _folder(state_dir: Path | None) -> Path:
    return state_dir or local.default_state_dir()


@local_app.command("start")
def start(port: Port = local.DEFAULT_PORT, state_dir: StateDir = None) -> None:
    """Start the endpoint in the background; returns once it answers.

    Does nothing if it already runs.

    Examples:

    \b
      ddbtool local start
      ddbtool local start --port 8001 && ddbtool schema-load --endpoint-url http://localhost:8001
    """
    endpoint, started = local.start(port, _folder(state_dir))
    if started:
        render.success(f"local endpoint running at {endpoint.url} (pid {endpoint.pid})")
        render.info("its data lives in memory and is lost when it stops: `ddbtool local stop`")
    elif endpoint.state == "running":
        render.info(f"local endpoint already running at {endpoint.url} (pid {endpoint.pid})")
    else:
        render.warn(f"something ddbtool did not start already answers at {endpoint.url}; using it as it is")


@local_app.command("status")
def status(
    port: Port = local.DEFAULT_PORT,
    state_dir: StateDir = None,
    output: TableOrJsonOutput = TableOrJson.table,
) -> None:
    """Say whether the endpoint runs; exit 0 if it does, 1 if not.

    Example:

    \b
      ddbtool local status || ddbtool local start
    """
    endpoint = local.status(port, _folder(state_dir))
    if output is TableOrJson.json:
        render.print_json(
            {"url": endpoint.url, "state": endpoint.state, "pid": endpoint.pid, "log": str(endpoint.log)}
        )
    elif endpoint.state == "running":
        render.print_pairs(
            [("url", endpoint.url), ("state", "running"), ("pid", endpoint.pid), ("log", endpoint.log)]
        )
    elif endpoint.state == "foreign":
        render.print_pairs([("url", endpoint.url), ("state", "answering, not started by ddbtool")])
    else:
        render.print_pairs([("url", endpoint.url), ("state", "stopped")])
    if endpoint.state == "stopped":
        raise typer.Exit(1)


@local_app.command("stop")
def stop(port: Port = local.DEFAULT_PORT, state_dir: StateDir = None) -> None:
    """Stop the endpoint that `local start` began (and nothing else); its data is gone.

    Example:

    \b
      ddbtool local stop
    """
    stopped = local.stop(port, _folder(state_dir))
    if stopped:
        render.success(f"stopped the local endpoint at {stopped.url} (pid {stopped.pid})")
    else:
        render.info(f"no endpoint started by ddbtool runs on port {port}; nothing to stop")
