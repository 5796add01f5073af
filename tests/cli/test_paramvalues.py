"""Every parameter of every command converts a value as Typer would, or leaves it to Typer
(ddbtool.cli.paramvalues)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.core import TyperArgument, TyperOption

from ddbtool.cli import app
from ddbtool.cli.catalog import load_all
from ddbtool.cli.paramvalues import leaf_of

load_all(app)


def every_param(group: Any, ctx: Any) -> list[Any]:
    """Every parameter as it is when it parses: its command looked up, the help option included."""
    found = list(group.get_params(ctx))
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        found += every_param(command, ctx) if hasattr(command, "commands") else command.get_params(ctx)
    return found


ROOT: Any = typer.main.get_command(app)
PARAMS = every_param(ROOT, ROOT.make_context("ddbtool", ["lint"], resilient_parsing=True))
TEXTS = ["", "abc", "-x", "0", "1", "-5", "007", "1.5", " 3", "3 ", "1e3", "65535", "65536", "٣", "NaN"]


def samples(param: Any, tmp_path: Path) -> list[Any]:
    unreadable = tmp_path / "secret"
    unreadable.write_text("x")
    unreadable.chmod(0)
    values: list[Any] = [None, *TEXTS, 5, 1.5, True, False, Path("a/b"), str(tmp_path), str(unreadable)]
    annotation = param.type_descriptor.annotation
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        names = [str(member.value) for member in annotation]
        values += [*annotation, *names, *(name.upper() for name in names)]
    if param.multiple or param.nargs == -1:
        values = [None, (), *((value,) for value in values[1:]), ("a", "b"), ["1", "x"]]
    return values


def outcome(runtime: Any, param: Any, value: Any) -> tuple[str, Any]:
    try:
        return "value", runtime.coerce(value, param=param, ctx=None)
    except Exception as exc:
        return type(exc).__name__, str(exc)


def typers(param: Any) -> Any:
    base = TyperArgument if isinstance(param, TyperArgument) else TyperOption
    param._runtime_param = None  # what Typer built or would build, not a cached quick one
    return base.get_runtime_param(param)


def test_every_parameter_with_a_value_is_quick() -> None:
    typed = [p for p in PARAMS if isinstance(p, (TyperArgument, TyperOption))]
    assert all(type(p) not in (TyperArgument, TyperOption) for p in typed)
    assert sum(leaf_of(p.type_descriptor) is not None for p in typed) > 50


@pytest.mark.parametrize("param", PARAMS, ids=lambda p: str(p.name))
def test_a_value_converts_as_typer_converts_it(param: Any, tmp_path: Path) -> None:
    if not hasattr(param, "type_descriptor"):
        pytest.skip("click's own parameter")
    for value in samples(param, tmp_path):
        expected = outcome(typers(param), param, value)
        got = outcome(param.get_runtime_param(), param, value)
        assert got == expected, (param.name, value)
        assert type(got[1]) is type(expected[1]), (param.name, value)
