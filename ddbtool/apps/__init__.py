"""The seam between the single-table toolkit and the apps built on it.

An app is a package that names an `App` under the entry point group
`ddbtool.apps` (in its pyproject: `[project.entry-points."ddbtool.apps"]`,
`myapp = "myapp.ddbtool:app"`). Through it the app adds, each optional:

- commands: `register_commands(typer_app)`, the shape of sqlite-utils' hook;
- seed sections: lists a seed file may hold besides `items`, which the app
  reads into seed items (`read_seeds`) and writes its own way (`write_seeds`);
- a view: the kind and the who/uuid/details columns of scan's table view for
  the items it recognises.

The toolkit never imports an app by name; it asks `installed()`. This module
imports nothing heavy, so that an app's package (and its Lambda) stays light.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer
    from mypy_boto3_dynamodb import DynamoDBClient

    from ddbtool.items.seedfile import SeedDocument, SeedItem

ENTRY_POINT_GROUP = "ddbtool.apps"

# The kind and the who, uuid and details columns of one item in scan's table view.
ViewRow = tuple[str, list[Any]]


@dataclass(frozen=True)
class SeedWrite:
    """What `write_seeds` is given: the app's seed items of one table and how to write them."""

    client: DynamoDBClient
    table: str
    seeds: Sequence[SeedItem]
    key: Sequence[str]
    # on_progress, concurrency and policy, as the batch writer takes them.
    options: Mapping[str, Any]


@dataclass(frozen=True)
class App:
    """What an app brings to ddbtool; every part is optional."""

    name: str
    register_commands: Callable[[typer.Typer], None] | None = None
    # The seed file lists the app reads, and the kinds of items they give, in the
    # order `seed` counts them.
    seed_sections: tuple[str, ...] = ()
    seed_kinds: tuple[str, ...] = ()
    read_seeds: Callable[[Sequence[SeedDocument]], Iterable[SeedItem]] | None = None
    # Returns lines worth telling the user (for example what a re-run kept).
    write_seeds: Callable[[SeedWrite], list[str]] | None = None
    view: Callable[[Mapping[str, Any]], ViewRow | None] | None = None


@cache
def installed() -> tuple[App, ...]:
    """Every app installed, in the order of their names. Read once per process."""
    from importlib.metadata import entry_points

    apps = [entry.load() for entry in entry_points(group=ENTRY_POINT_GROUP)]
    return tuple(sorted((app for app in apps if isinstance(app, App)), key=lambda app: app.name))
