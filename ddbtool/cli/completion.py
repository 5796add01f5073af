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
from typing import Any

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


def complete_pattern_words(ctx: Any, incomplete: str) -> list[str]:
    """`query PATTERN NAME=VALUE...`: a pattern's name first, then its parameters not yet given."""
    from ddbtool.project import defined_patterns

    try:
        patterns = defined_patterns()
    except DdbtoolError:
        return []
    given = list(ctx.params.get("words") or [])
    if not given:
        return sorted(name for name in patterns if name.startswith(incomplete))
    named = {word.partition("=")[0] for word in given[1:]}
    wanted = [f"{name}=" for name in patterns.get(given[0], ()) if name not in named]
    return [word for word in wanted if word.startswith(incomplete)]
