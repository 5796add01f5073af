"""Every command `ddbtool --help` lists: its name, its line there, and what defines it.

A command's module is imported only when that command runs (or its help is
asked for), so `ddbtool --help` and each command load one module of commands,
not all of them. The lines here are the commands' short help, their one source.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

    from ddbtool.apps import App


@dataclass(frozen=True)
class Listed:
    """A command as `ddbtool --help` lists it, and the module or app that defines it."""

    name: str
    line: str
    module: str = ""
    app: App | None = None

    def load(self, cli: typer.Typer) -> None:
        """Register this command (and its module's or app's others) on `cli`."""
        if self.app is not None:
            _register(self.app, cli)
        else:
            importlib.import_module(self.module)


# In the order --help lists them: tables, designs, items, single items, queries and
# their transfer; then the commands of the installed apps, then the local endpoint.
TOOLKIT = (
    Listed("schema-load", "Create tables from YAML definitions.", "ddbtool.cli.tables"),
    Listed("delete-table", "Delete tables and wait until they are gone.", "ddbtool.cli.tables"),
    Listed("list-tables", "List every table at the target, every page.", "ddbtool.cli.tables"),
    Listed("describe-table", "Show a table's keys, indexes and settings.", "ddbtool.cli.tables"),
    Listed("lint", "Check table definitions, their entities and access patterns.", "ddbtool.cli.designcmds"),
    Listed("patterns", "List the access patterns the definitions declare.", "ddbtool.cli.designcmds"),
    Listed("seed", "Write YAML seed data, batched and idempotent.", "ddbtool.cli.items"),
    Listed("scan", "Stream every item of a table.", "ddbtool.cli.items"),
    Listed("get", "Read one item by its primary key.", "ddbtool.cli.itemcmds"),
    Listed("put", "Write items from JSON or YAML.", "ddbtool.cli.itemcmds"),
    Listed("update", "Change attributes of one item.", "ddbtool.cli.itemcmds"),
    Listed("delete", "Delete one item by its primary key.", "ddbtool.cli.itemcmds"),
    Listed("query", "Read items by access pattern or key condition.", "ddbtool.cli.querycmds"),
    Listed("count", "Count items, every page.", "ddbtool.cli.querycmds"),
    Listed("sql", "Run a PartiQL statement.", "ddbtool.cli.querycmds"),
    Listed("export", "Every item to a dump file (or to S3 with --s3).", "ddbtool.cli.transfer"),
    Listed(
        "import", "Write dump files into a table (or ImportTable from S3 with --s3).", "ddbtool.cli.transfer"
    ),
    Listed("export-status", "Recent S3 exports of a table.", "ddbtool.cli.s3transfer"),
    Listed("import-status", "Recent S3 imports.", "ddbtool.cli.s3transfer"),
)
LAST = (Listed("local", "Run a local endpoint (moto or DynamoDB Local).", "ddbtool.cli.local"),)


def listing() -> list[Listed]:
    """Every command, the installed apps' included, in the order --help lists them."""
    from ddbtool.apps import installed

    apps = [Listed(name, line, app=app) for app in installed() for name, line in app.commands]
    return [*TOOLKIT, *apps, *LAST]


def find(name: str) -> Listed | None:
    return next((listed for listed in listing() if listed.name == name), None)


def load_all(cli: typer.Typer) -> None:
    """Register every command on `cli`: for what walks them all (tests, documentation)."""
    for listed in listing():
        listed.load(cli)


@cache
def _register(app: App, cli: typer.Typer) -> None:
    """An app's commands, added once per process however many of them are looked up."""
    if app.register_commands is not None:
        app.register_commands(cli)
