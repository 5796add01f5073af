"""The app's folder: its table definitions in schemas/, its seeds in seeds/, its default table.

Commands run from the folder of an app built on DynamoDB, as CI scripts do; this
module answers, once for every command, where those files are and which table a
command means when it is not named.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from ddbtool.errors import UsageError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from ddbtool.items.seedfile import KeyLookup
    from ddbtool.tables.patterns import AccessPattern
    from ddbtool.tables.spec import TableSpec

SCHEMAS = Path("schemas")
SEEDS = Path("seeds")
TABLE_VARIABLE = "DDBTOOL_TABLE"


def definitions(files: list[Path] | None = None) -> list[TableSpec]:
    """The validated table definitions named, else those in ./schemas."""
    from ddbtool.tables.definition import load_definitions

    return load_definitions(files_or_folder(files, SCHEMAS, "table definitions"))


def defined_table_names() -> list[str]:
    """The tables defined in ./schemas, for shell completion: a file that does not load is left out."""
    return sorted({spec.name for spec in _loadable_definitions()})


def defined_patterns() -> dict[str, tuple[str, ...]]:
    """The access patterns declared in ./schemas and their parameters, for shell completion."""
    return {p.name: p.parameters for spec in _loadable_definitions() for p in spec.patterns}


def _loadable_definitions() -> list[TableSpec]:
    from ddbtool import yamlfile
    from ddbtool.errors import DdbtoolError
    from ddbtool.tables.definition import parse_definition

    specs = []
    for path in yamlfile.yaml_files(SCHEMAS):
        try:
            specs.append(parse_definition(yamlfile.load(path), str(path)))
        except DdbtoolError:
            continue  # completion offers what it can; schema-load reports the problem
    return specs


def designs(option: str | None) -> list[TableSpec]:
    """The definitions in ./schemas, only the table named by --table or DDBTOOL_TABLE if any."""
    specs = definitions()
    named = option or os.environ.get(TABLE_VARIABLE)
    if not named:
        return specs
    chosen = [spec for spec in specs if spec.name == named]
    if not chosen:
        where = ", ".join(spec.source for spec in specs)
        raise UsageError(f"table {named!r} is not defined in {where}: name a table defined there")
    return chosen


def access_pattern(name: str, specs: list[TableSpec]) -> AccessPattern:
    """The access pattern called `name` in the definitions `designs` gave."""
    import difflib

    known = {pattern.name: pattern for spec in specs for pattern in spec.patterns}
    if name in known:
        return known[name]
    if not known:
        where = ", ".join(spec.source for spec in specs)
        raise UsageError(
            f"no access patterns are declared in {where}: add `access_patterns:` (see the README)"
        )
    near = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {near[0]!r}? " if near else ""
    raise UsageError(f"no access pattern {name!r}; {hint}`ddbtool patterns` lists them")


def table_name(option: str | None, argument: str | None = None) -> str:
    """The table a command reads, the one rule for every command.

    TABLE (where a command takes one) or --table/-t, else DDBTOOL_TABLE, else the
    one table defined in ./schemas.
    """
    from ddbtool.tables.definition import valid_name
    from ddbtool.yamlfile import yaml_files

    if option and argument and option != argument:
        raise UsageError(f"TABLE {argument!r} and --table {option!r} differ: name the table once")
    named = [
        (value, source)
        for value, source in (
            (argument, "TABLE"),
            (option, "--table"),
            (os.environ.get(TABLE_VARIABLE), TABLE_VARIABLE),
        )
        if value
    ]
    if named:
        value, source = named[0]
        if not valid_name(value):
            raise UsageError(
                f"{source} {value!r} is not a table name: use 3 to 255 letters, digits, '_', '-' or '.'"
            )
        return value
    how = f"pass --table TABLE or set {TABLE_VARIABLE}"
    if not yaml_files(SCHEMAS):
        raise UsageError(
            f"no table named and no table definitions in ./{SCHEMAS}: {how}, or run from the app's folder"
        )
    defined = definitions()
    if len(defined) != 1:
        raise UsageError(f"{len(defined)} tables are defined in ./{SCHEMAS}: {how}")
    return str(defined[0].name)


def files_or_folder(files: list[Path] | None, folder: Path, kind: str) -> list[Path]:
    """The files named on the command line, else every YAML file in `folder`."""
    if files:
        return files
    from ddbtool.yamlfile import yaml_files

    found = yaml_files(folder)
    if not found:
        raise UsageError(
            f"no {kind} given and no *.yaml files in {folder}/; pass FILE... or run from the app's folder"
        )
    return found


def seed_files(files: list[Path] | None) -> list[Path]:
    """The seed files named, else every YAML file in ./seeds."""
    return files_or_folder(files, SEEDS, "seed files")


def seed_keys(client: DynamoDBClient) -> KeyLookup:
    """Each table's key from its definition in ./schemas, else from the live table."""
    from ddbtool.items.seedfile import TableKey
    from ddbtool.tables.live import require
    from ddbtool.yamlfile import yaml_files

    defined = {spec.name: spec for spec in definitions()} if yaml_files(SCHEMAS) else {}

    def key_of(table: str) -> TableKey:
        if table in defined:
            return TableKey.from_spec(defined[table])
        return TableKey.from_live(require(client, table))

    return key_of
