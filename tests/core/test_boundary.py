"""The toolkit never names an app; apps come through ddbtool.apps; no module names a table."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "ddbtool"
APPS = PACKAGE / "apps"
# The messaging app's words: its entities, its identity service, its key prefixes.
APP_WORDS = re.compile(r"conversation|message_group|cognito|cruddur|GRP#|MSG#|USER#", re.IGNORECASE)


def core_files() -> list[Path]:
    """Every module but the apps' own (the seam, ddbtool/apps/__init__.py, is core)."""
    return [p for p in sorted(PACKAGE.rglob("*.py")) if p.parent == APPS or APPS not in p.parents]


def test_core_source_names_no_app() -> None:
    found = {
        f"{path.relative_to(PACKAGE)}:{number}": line.strip()
        for path in core_files()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if APP_WORDS.search(line)
    }
    assert len(core_files()) > 15
    assert found == {}


def imported_modules(path: Path) -> Iterator[str]:
    """The modules `path` imports, `from a import b` counted as a.b where b may be a module."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names if alias.name.islower())
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


# The seam's own names, which core modules use to ask for the installed apps.
SEAM = {"ddbtool.apps.installed", "ddbtool.apps.shown"}


def test_core_imports_no_app() -> None:
    wrong = {
        str(path.relative_to(PACKAGE)): name
        for path in core_files()
        for name in imported_modules(path)
        if name.startswith("ddbtool.apps.") and name not in SEAM
    }
    assert wrong == {}


# The library below the CLI (the CLI loads the installed apps for their commands).
PROBE = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(sorted(m for m in sys.modules if m.startswith("ddbtool.apps.")))
"""


def test_importing_every_library_module_loads_no_app() -> None:
    names = [
        ".".join(("ddbtool", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
        for path in core_files()
        if path.relative_to(PACKAGE).parts[0] not in ("cli", "__main__.py")
    ]
    assert "ddbtool.items.seedfile" in names
    result = subprocess.run([sys.executable, "-c", PROBE, *names], capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n", result.stdout


LAMBDA_PROBE = """
import sys
from ddbtool.apps.cruddur.lambdas.message_stream import handler
print(sorted(m for m in sys.modules if m.split(".")[0] in ("ddbtool", "typer", "click", "rich", "yaml")))
"""

# What the Lambda may load: the seam's dataclasses, the app's inbox and model, and
# the toolkit's client factory, values, batch writer and errors. No CLI, no rendering, no YAML.
LAMBDA_MODULES = [
    "ddbtool",
    "ddbtool.apps",
    "ddbtool.apps.cruddur",
    "ddbtool.apps.cruddur.inbox",
    "ddbtool.apps.cruddur.lambdas",
    "ddbtool.apps.cruddur.lambdas.message_stream",
    "ddbtool.apps.cruddur.model",
    "ddbtool.aws",
    "ddbtool.errors",
    "ddbtool.items",
    "ddbtool.items.batch",
    "ddbtool.items.pace",
    "ddbtool.limits",
    "ddbtool.times",
    "ddbtool.values",
]


def test_the_lambda_handler_imports_only_boto3_level_code() -> None:
    result = subprocess.run([sys.executable, "-c", LAMBDA_PROBE], capture_output=True, text=True, check=True)
    assert result.stdout == f"{LAMBDA_MODULES}\n"


def test_no_module_hard_codes_a_table_name() -> None:
    # The table comes from TABLE or --table/-t, else DDBTOOL_TABLE, else the one table in
    # ./schemas (project.table_name), for the toolkit and the apps alike.
    named = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and node.value == "cruddur-messages"
    ]
    assert named == []
