"""The seam between the single-table toolkit and the apps built on it.

An app is a package that names an `App` under the entry point group
`ddbtool.apps` (in its pyproject: `[project.entry-points."ddbtool.apps"]`,
`myapp = "myapp.ddbtool:app"`). Through it the app adds, each optional:

- commands: `register_commands(typer_app)`, the shape of sqlite-utils' hook; a
  command that talks to DynamoDB is made with `cls=TargetCommand` and calls
  `connect(ctx)` (ddbtool.cli.options), so it takes the target options. The
  app lists them in `commands` (name, one line of help): `ddbtool --help` shows
  those lines, and the hook runs only when one of them does;
- seed sections: lists a seed file may hold besides `items`, which the app
  reads into seed items (`read_seeds`) and writes its own way (`write_seeds`);
- seed options: options the app adds to `seed` (`seed_options`: parameters as
  Typer builds them, which `ddbtool.cli.options.declared_params` makes from a
  function's Annotated options), whose values reach `read_seeds` as keyword
  arguments named after them;
- a view: how tables (scan, query, sql) show the items it recognises, as the
  columns to show after the item's key; other items show every attribute.

The toolkit never imports an app by name; it asks `installed()`. This module
imports nothing heavy, so that an app's package (and its Lambda) stays light.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer

    from ddbtool.items.seed import SeedWrite
    from ddbtool.items.seedfile import SeedItem

ENTRY_POINT_GROUP = "ddbtool.apps"

# The columns a table shows for one item after its key, named by the app: {"kind": "note", ...}.
ItemView = Mapping[str, Any]


@dataclass(frozen=True)
class App:
    """What an app brings to ddbtool; every part is optional."""

    name: str
    register_commands: Callable[[typer.Typer], None] | None = None
    # (name, one line of help) of each command register_commands adds, as --help lists them.
    commands: tuple[tuple[str, str], ...] = ()
    # The seed file lists the app reads, and the kinds of items they give, in the
    # order `seed` counts them.
    seed_sections: tuple[str, ...] = ()
    seed_kinds: tuple[str, ...] = ()
    # `read_seeds(documents, **values)`: the values of the app's seed options, by name.
    read_seeds: Callable[..., Iterable[SeedItem]] | None = None
    seed_options: Callable[[], Sequence[Any]] | None = None
    # Kinds the seed writes whole with the batch writer, as it writes plain items;
    # `write_seeds` writes the others and returns lines worth telling the user.
    seed_batch_kinds: tuple[str, ...] = ()
    write_seeds: Callable[[SeedWrite], list[str]] | None = None
    view: Callable[[Mapping[str, Any]], ItemView | None] | None = None

    def __post_init__(self) -> None:
        if self.register_commands is not None and not self.commands:
            raise TypeError(f"app {self.name!r} registers commands but lists none in App.commands")


@cache
def installed() -> tuple[App, ...]:
    """Every app installed, in the order of their names. Read once per process."""
    apps = [_load(value) for value in _entry_points(ENTRY_POINT_GROUP)]
    return tuple(sorted((app for app in apps if isinstance(app, App)), key=lambda app: app.name))


def shown(item: Mapping[str, Any], key: Sequence[str]) -> dict[str, Any]:
    """An item as a table shows it: its key, then the first installed app's view of it,
    else every other attribute by name, each value as it is."""
    row = {name: item.get(name) for name in key}
    for app in installed():
        view = app.view(item) if app.view is not None else None
        if view is not None:
            return {**row, **view}
    return {**row, **dict(sorted(item.items()))}


def _entry_points(group: str) -> list[str]:
    """The `module:attribute` of each entry point in `group`, from the metadata folders on sys.path.

    The answer of importlib.metadata.entry_points(group=group), read by hand:
    importing importlib.metadata (email, zipfile, csv) and its scan cost `--help`
    some 20 ms of CPU, more than all of ddbtool's own modules. As there, the
    first distribution of a name on sys.path wins.
    """
    values: list[str] = []
    distributions: set[str] = set()
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")  # noqa: PTH208 - names only, without a Path apiece
        except OSError:
            continue
        for name in sorted(n for n in names if n.endswith((".dist-info", ".egg-info"))):
            distribution = re.sub(r"[-_.]+", "_", name.rpartition(".")[0].split("-")[0]).lower()
            if distribution in distributions:
                continue
            distributions.add(distribution)
            try:
                text = Path(folder or ".", name, "entry_points.txt").read_text(encoding="utf-8")
            except OSError:
                continue
            values += _group_values(text, group)
    return values


def _group_values(text: str, group: str) -> list[str]:
    """The values of the entries under `[group]` in an entry_points.txt (an INI file)."""
    values, current = [], None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            current = line.strip("[]").strip()
        elif current == group and "=" in line and not line.startswith(("#", ";")):
            # `module:attribute [extra]`: extras only matter to installers.
            values.append(line.split("=", 1)[1].split("[", 1)[0].strip())
    return values


def _load(value: str) -> Any:
    module, _, attributes = value.partition(":")
    loaded: Any = importlib.import_module(module.strip())
    for attribute in filter(None, attributes.strip().split(".")):
        loaded = getattr(loaded, attribute)
    return loaded
