"""Shell completion of names: tables from ./schemas, and any other list a command offers.

Typer completes commands, options and choices by itself (`--install-completion`,
`--show-completion`, or `_DDBTOOL_COMPLETE=source_bash ddbtool`); an argument or
option that names something from the app's folder adds `autocompletion=` one
of these callbacks. The shell runs them on every Tab, so they read only local
files, never the network, and a file that does not load offers nothing rather
than an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ddbtool.errors import DdbtoolError

Completer = Callable[[str], list[str]]


def names_from(source: Callable[[], Iterable[str]]) -> Completer:
    """A Typer autocompletion callback offering the names `source` returns that start as typed."""

    def complete(incomplete: str) -> list[str]:
        try:
            names = list(source())
        except DdbtoolError:  # a broken file: offer nothing; the command itself will say why
            return []
        return sorted(name for name in set(names) if name.startswith(incomplete))

    return complete


def _table_names() -> list[str]:
    from ddbtool.project import defined_table_names

    return defined_table_names()


complete_table = names_from(_table_names)
