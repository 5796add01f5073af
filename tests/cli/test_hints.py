"""Every option a message or example names exists where it can be printed.

The check reads ddbtool's source: each `--option` in a string of a command (its
help, examples and errors) must be one of that command's options, including the
strings of cli/app.py and project.py helpers it calls; options named by errors.py and
aws.py, which any command can print, must be on every command with a
target; and any other option named anywhere must exist on some command.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from ddbtool.cli import app
from ddbtool.cli.catalog import load_all

# Commands load when looked up; these tests walk them all.
load_all(app)

PACKAGE = Path(__file__).resolve().parents[2] / "ddbtool"
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
# Options every command has, and --version on the root command.
EVERYWHERE = {"--help", "--version"}


def commands() -> Iterator[tuple[str, Any, ast.FunctionDef]]:
    """Every command: its name, its click command (typer's own click) and its function's source tree."""
    root: Any = typer.main.get_command(app)
    groups = [("", root, app)] + [
        (f"{info.name} ", root.commands[str(info.name)], info.typer_instance)
        for info in app.registered_groups
        if info.typer_instance is not None
    ]
    for prefix, group, source in groups:
        for info in source.registered_commands:
            assert info.callback is not None
            function = inspect.unwrap(info.callback)
            name = info.name or function.__name__.replace("_", "-")
            tree = ast.parse(Path(inspect.getfile(function)).read_text())
            [node] = [
                n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == function.__name__
            ]
            yield prefix + name, group.commands[name], node


def options_of(command: Any) -> set[str]:
    return {
        o for p in command.params for o in [*p.opts, *p.secondary_opts] if o.startswith("--")
    } | EVERYWHERE


# `ddbtool local start --port 8001`: an example or hint naming another command; its
# options are checked against that command. It ends where the shell command does.
INVOCATION = re.compile(r"ddbtool((?: [a-z][a-z-]*)+)[^`\n|;&)]*")
# `aws dynamodb update-continuous-backups --table-name ...`: the AWS CLI's options, not ddbtool's.
AWS_CLI = re.compile(r"\baws(?: [a-z][a-z0-9-]*)+[^`\n|;&)]*")


def strings(tree: ast.AST) -> Iterator[str]:
    """Every string constant under `tree`, the literal parts of f-strings included."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def named_options(tree: ast.AST) -> set[str]:
    """Every --option under `tree` that is not part of a `ddbtool COMMAND ...` invocation."""
    return {
        option
        for text in strings(tree)
        for option in OPTION.findall(INVOCATION.sub("", AWS_CLI.sub("", text)))
    }


def invocations(tree: ast.AST, names: set[str]) -> Iterator[tuple[str, set[str]]]:
    """Each `ddbtool COMMAND ...` under `tree`: the command and the options it passes."""
    for text in strings(tree):
        for match in INVOCATION.finditer(text):
            words = match[1].split()
            # Prose ("ddbtool reads ...") names no command.
            for command in (" ".join(words[:2]), words[0]):
                if command in names:
                    yield command, set(OPTION.findall(match[0]))
                    break


def module_tree(name: str) -> ast.Module:
    return ast.parse((PACKAGE / name).read_text())


def helpers_of_app() -> dict[str, set[str]]:
    """The options each function of cli/app.py and project.py (the helpers commands call) names."""
    return {
        node.name: named_options(node)
        for module in ("cli/app.py", "project.py")
        for node in module_tree(module).body
        if isinstance(node, ast.FunctionDef)
    }


def calls(tree: ast.AST) -> set[str]:
    return {
        node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))
    }


def test_each_command_names_only_its_own_options() -> None:
    helpers = helpers_of_app()
    wrong = {}
    for name, command, function in commands():
        named = named_options(function).union(*(helpers[c] for c in calls(function) if c in helpers))
        missing = named - options_of(command)
        if missing:
            wrong[name] = sorted(missing)
    assert wrong == {}


def test_errors_any_command_can_print_name_options_every_command_has() -> None:
    with_target = [
        (name, command) for name, command, _ in commands() if "--endpoint-url" in options_of(command)
    ]
    assert len(with_target) > 10
    for module in ("errors.py", "aws.py"):
        named = named_options(module_tree(module))
        assert named, module
        for name, command in with_target:
            assert named <= options_of(command), (module, name, named - options_of(command))


def test_every_option_named_anywhere_exists() -> None:
    root = typer.main.get_command(app)
    known = set().union(options_of(root), *(options_of(command) for _, command, _ in commands()))
    for path in PACKAGE.rglob("*.py"):
        unknown = named_options(ast.parse(path.read_text())) - known
        assert not unknown, (path.relative_to(PACKAGE), unknown)


def test_every_command_that_reads_a_table_takes_the_table_option() -> None:
    for name, command, function in commands():
        if "table_name" in calls(function):
            assert {"--table", "-t"} <= {o for p in command.params for o in p.opts}, name


def test_every_invocation_in_help_and_hints_uses_options_of_its_command() -> None:
    options = {name: options_of(command) for name, command, _ in commands()}
    seen = 0
    for path in PACKAGE.rglob("*.py"):
        for command, named in invocations(ast.parse(path.read_text()), set(options)):
            seen += 1
            assert named <= options[command], (path.relative_to(PACKAGE), command, named - options[command])
    assert seen > 30
