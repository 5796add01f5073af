"""The Typer application, its error handling, and how commands ask before writing.

Commands live in sibling modules and register themselves on `app`, with the
shared options of options.py. Each one parses options, makes one or two library
calls, renders what they return and picks the exit code. Errors from the library
become one line on stderr.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from ddbtool import render
from ddbtool.cli import catalog
from ddbtool.cli.options import target_params
from ddbtool.cli.paramvalues import runtime_param
from ddbtool.errors import DdbtoolError, UsageError, from_botocore

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ddbtool.aws import Connection
    from ddbtool.tables.spec import TableSpec


# click's UsageError (unknown option or command, missing argument, bad value), from
# the click that typer vendors; typer exports only its BadParameter subclass.
_ClickUsageError: type[Exception] = typer.BadParameter.__mro__[1]


class _Group(TyperGroup):
    """Turns every DdbtoolError, bad option and botocore error into one line and an exit code."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _readable_help(self)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        _quick(self.get_params(ctx))
        return super().parse_args(ctx, args)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            _quick(command.get_params(ctx))
        return command

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)
        except _ClickUsageError as exc:  # an option of ddbtool itself: `ddbtool --bogus`
            _abort(_usage(exc), cause=exc)

    def invoke(self, ctx: Any) -> Any:  # typer's vendored click.Context
        try:
            return super().invoke(ctx)
        except DdbtoolError as exc:
            _abort(exc)
        except _ClickUsageError as exc:
            _abort(_usage(exc), cause=exc)
        except Exception as exc:
            translated = from_botocore(exc)
            if translated is None:
                raise
            _abort(translated, cause=exc)


class _RootGroup(_Group):
    """`ddbtool` itself: it also takes the target options, for every command after it.

    Its commands come from the catalog: a command's module is imported, and the
    command built, when it is looked up, and --help lists the catalog's lines.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{**kwargs, "params": [*kwargs.get("params", ()), *target_params()]})
        lines = {listed.name: listed.line for listed in catalog.listing()}
        for name, command in self.commands.items():
            command.short_help = lines.get(name)

    def list_commands(self, ctx: Any) -> list[str]:
        return [listed.name for listed in catalog.listing()]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands:
            listed = catalog.find(cmd_name)
            if listed is None:
                return None
            self._load([listed])
        return super().get_command(ctx, cmd_name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and catalog.find(args[0]) is None:
            # A typo: Typer suggests the closest of the commands it holds, so it holds them all.
            self._load(catalog.listing())
        return super().resolve_command(ctx, args)

    def _load(self, listed: Iterable[catalog.Listed]) -> None:
        for each in listed:
            each.load(app)
        # Typer builds a new root from what `app` now holds; its commands join this one.
        self.commands.update(typer.main.get_command(app).commands)  # type: ignore[attr-defined]

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """The commands and their lines, as click lays them out, without loading any."""
        listed = catalog.listing()
        limit = formatter.width - 6 - max(len(each.name) for each in listed)
        rows = [
            (each.name, TyperCommand(each.name, short_help=each.line).get_short_help_str(limit))
            for each in listed
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


class _ReadableArgument(TyperArgument):
    """An argument as people read it in help: `FILE...`, `[TABLE]`, `USER`.

    Typer's plain help adds Python types (`FILE <list[Path]>`) and braces (`{user}`).
    """

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def get_runtime_param(self) -> Any:
        return runtime_param(self.type_descriptor, super().get_runtime_param)

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        if self.nargs != 1 and not name.endswith("..."):
            name += "..."
        return name if self.required else f"[{name}]"


class _QuickOption(TyperOption):
    """An option whose plain values skip pydantic (paramvalues.py)."""

    def get_runtime_param(self) -> Any:
        return runtime_param(self.type_descriptor, super().get_runtime_param)


def _quick(params: Iterable[Any]) -> None:
    """Let Typer's options (the help option and completion flags included) convert plain values
    without pydantic, just before they parse. Arguments are `_ReadableArgument`s already."""
    for param in params:
        if type(param) is TyperOption:
            param.__class__ = _QuickOption


def _readable_help(command: Any) -> None:
    """Give every argument and option of `command` and its subcommands a metavar people read.

    Options taking a value show `N` for a number or their name (`--region REGION`),
    as click does, instead of `<int range>` or `<str>`; choices stay `<table|json>`.
    """
    for param in command.params:
        if isinstance(param, TyperArgument):
            param.metavar = param.metavar or str(param.name).upper()
            param.__class__ = _ReadableArgument
        elif isinstance(param, TyperOption) and param.metavar is None and not (param.is_flag or param.count):
            described = param.type_descriptor
            if described.is_choice:
                continue
            if described.annotation is int:
                param.metavar = "N"
            else:
                param.metavar = max(param.opts, key=len).lstrip("-").upper().replace("-", "_")
    for subcommand in getattr(command, "commands", {}).values():
        _readable_help(subcommand)


def _usage(exc: Any) -> UsageError:
    """click's usage error as one line: its message and where the help is."""
    if type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: click shows its help
        raise exc
    where = exc.ctx.command_path if exc.ctx else "ddbtool"
    return UsageError(f"{exc.format_message().rstrip('.')} (see `{where} --help`)")


def _abort(exc: DdbtoolError, cause: BaseException | None = None) -> NoReturn:
    if os.environ.get("DDBTOOL_DEBUG"):
        raise cause or exc
    for line in exc.lines():
        render.error(line)
    raise typer.Exit(exc.exit_code)


app = typer.Typer(
    cls=_RootGroup,
    name="ddbtool",
    help="Single-table DynamoDB from YAML: tables, seeds, scans and access patterns.\n\n"
    "Commands talk to http://localhost:8000 unless given --endpoint-url or --prod.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain click help: it renders in a third of the time of rich's, keeps `[...]` as
    # written, and reads the same on a terminal and in a pipe.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from ddbtool import __version__

        typer.echo(f"ddbtool {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = False,
) -> None:
    pass


def main() -> None:
    """The console script: `ddbtool`."""
    app()


def announce(connection: Connection, action: str) -> None:
    """Say where a write is going before it goes there."""
    render.info(f"{action} → {connection.describe()}")


def confirm(connection: Connection, question: str, *, yes: bool) -> None:
    """Ask on a terminal; without one, refuse destructive work unless --yes or the target is loopback.

    Any endpoint but this machine's (a shared DynamoDB Local, LocalStack behind
    https) may hold someone's data, so only loopback goes without asking.
    """
    if yes:
        return
    if sys.stdin.isatty():
        if not typer.confirm(f"{question} ({connection.describe()})", default=False, err=True):
            raise DdbtoolError("cancelled; nothing was changed")
        return
    if not connection.is_loopback:
        where = connection.endpoint_url or "AWS"
        raise UsageError(
            f"refusing to go on without a terminal against {where}: {question} Pass --yes to confirm."
        )


def show_warnings(specs: Iterable[TableSpec]) -> None:
    """What lint only warns about in table definitions, a line each on stderr."""
    for spec in specs:
        for warning in spec.warnings:
            render.warn(str(warning))
