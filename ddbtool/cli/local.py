"""`ddbtool local start|status|stop`: the embedded endpoint for a machine with no AWS."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ddbtool import local, render
from ddbtool.cli.app import _Group, app
from ddbtool.cli.options import JmesPath, TableOrJson, TableOrJsonOutput

local_app = typer.Typer(
    cls=_Group,
    help="Run a local DynamoDB-compatible endpoint in the background.\n\n"
    "The default engine, moto's server, serves DynamoDB, DynamoDB Streams and the other services it emulates "
    "on 127.0.0.1 with its data in memory: stopping it loses every table. "
    "`--engine dynamodb-local` runs AWS's DynamoDB Local (Java) instead.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


class Engine(str, Enum):
    moto = "moto"
    dynamodb_local = "dynamodb-local"


app.add_typer(local_app, name="local")

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


EngineOption = Annotated[
    Engine,
    typer.Option(
        "--engine",
        help="moto (its server, from pip) or dynamodb-local (AWS's DynamoDB Local: needs Java).",
    ),
]
JarDir = Annotated[
    Path | None,
    typer.Option(
        "--jar-dir",
        envvar="DDBTOOL_DYNAMODB_LOCAL_DIR",
        help="dynamodb-local: the folder holding DynamoDBLocal.jar "
        "(default: what ./scripts/install-dynamodb-local installed in this checkout).",
        show_default=False,
    ),
]
InMemory = Annotated[
    bool,
    typer.Option(
        "--in-memory",
        help="dynamodb-local: keep the data in memory instead of under the state folder.",
    ),
]


def _folder(state_dir: Path | None) -> Path:
    return state_dir or local.default_state_dir()


@local_app.command("start")
def start(
    port: Port = local.DEFAULT_PORT,
    state_dir: StateDir = None,
    engine: EngineOption = Engine.moto,
    jar_dir: JarDir = None,
    in_memory: InMemory = False,
) -> None:
    """Start the endpoint in the background; returns once it answers.

    Does nothing if it already runs. DynamoDB Local runs with -sharedDb (one
    database whatever the credentials and region) and keeps its data in the state
    folder, so it survives a stop, unless --in-memory.

    Examples:

    \b
      ddbtool local start
      ddbtool local start --port 8001 && ddbtool schema-load --endpoint-url http://localhost:8001
      ddbtool local start --engine dynamodb-local --jar-dir ~/dynamodb_local
    """
    state = _folder(state_dir)
    endpoint, started = local.start(port, state, engine=engine.value, jar_dir=jar_dir, in_memory=in_memory)
    if started:
        render.success(f"local endpoint ({endpoint.engine}) running at {endpoint.url} (pid {endpoint.pid})")
        if engine is Engine.moto or in_memory:
            render.info("its data lives in memory and is lost when it stops: `ddbtool local stop`")
        else:
            render.info(
                f"its data is kept in {local.data_dir(state, port)}; stop it with `ddbtool local stop`"
            )
    elif endpoint.state == "running":
        render.info(
            f"local endpoint ({endpoint.engine}) already running at {endpoint.url} (pid {endpoint.pid})"
        )
    else:
        render.warn(f"something ddbtool did not start already answers at {endpoint.url}; using it as it is")


@local_app.command("status")
def status(
    port: Port = local.DEFAULT_PORT,
    state_dir: StateDir = None,
    output: TableOrJsonOutput = TableOrJson.table,
    jmespath: JmesPath = None,
) -> None:
    """Say whether the endpoint runs; exit 0 if it does, 1 if not.

    Example:

    \b
      ddbtool local status || ddbtool local start
      ddbtool local status -o json --query url
    """
    endpoint = local.status(port, _folder(state_dir))
    pairs: list[tuple[str, object]] = [("url", endpoint.url)]
    if endpoint.state == "running":
        pairs += [
            ("state", "running"),
            ("engine", endpoint.engine),
            ("pid", endpoint.pid),
            ("log", endpoint.log),
        ]
    elif endpoint.state == "foreign":
        pairs.append(("state", "answering, not started by ddbtool"))
    else:
        pairs.append(("state", "stopped"))
    render.emit(
        {
            "url": endpoint.url,
            "state": endpoint.state,
            "engine": endpoint.engine,
            "pid": endpoint.pid,
            "log": str(endpoint.log),
        },
        output,
        table=lambda _: render.print_pairs(pairs),
        query=jmespath,
    )
    if endpoint.state == "stopped":
        raise typer.Exit(1)


@local_app.command("stop")
def stop(port: Port = local.DEFAULT_PORT, state_dir: StateDir = None) -> None:
    """Stop the endpoint that `local start` began (and nothing else).

    Data in memory is gone; DynamoDB Local's data in the state folder stays.

    Example:

    \b
      ddbtool local stop
    """
    stopped = local.stop(port, _folder(state_dir))
    if stopped:
        render.success(f"stopped the local endpoint ({stopped.engine}) at {stopped.url} (pid {stopped.pid})")
    else:
        render.info(f"no endpoint started by ddbtool runs on port {port}; nothing to stop")
