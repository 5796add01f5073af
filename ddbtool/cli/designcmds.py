"""A table's declared design: lint its definitions, list its access patterns."""

from __future__ import annotations

from ddbtool import render
from ddbtool.cli.app import app, show_warnings
from ddbtool.cli.options import Definitions, JmesPath, TableOption, TableOrJson, TableOrJsonOutput
from ddbtool.project import definitions, designs


@app.command("lint")
def lint(
    files: Definitions = None,
) -> None:
    """Check table definitions as schema-load, patterns and query do, and call nothing.

    Each problem is one line naming file, line and field (exit 2): keys and
    indexes DynamoDB would refuse, and in `entities` and `access_patterns` an
    index the table lacks, key names that are not its key, a pattern without
    its partition key, unknown or ill-formed placeholders, a sort condition
    without a sort key, `between` without two values, and two entities that can
    match the same item. An index no pattern uses is a warning (exit 0).

    Examples:

    \b
      ddbtool lint
      ddbtool lint schemas/shop.yaml
    """
    specs = definitions(files)
    show_warnings(specs)
    entities = sum(len(spec.entities) for spec in specs)
    patterns = sum(len(spec.patterns) for spec in specs)
    warnings = sum(len(spec.warnings) for spec in specs)
    counts = [f"{len(specs)} tables", f"{entities} entities", f"{patterns} access patterns"]
    render.success(f"valid: {', '.join(counts)}" + (f"; {warnings} warnings" if warnings else ""))


@app.command("patterns")
def patterns(
    table_option: TableOption = None,
    output: TableOrJsonOutput = TableOrJson.table,
    jmespath: JmesPath = None,
) -> None:
    """List each declared access pattern: its name, what DynamoDB is asked, its parameters.

    Patterns come from the definitions in ./schemas; `ddbtool query PATTERN
    NAME=VALUE...` runs one.

    Examples:

    \b
      ddbtool patterns
      ddbtool patterns --table shop --output json
      ddbtool patterns -o json --query '[].name'
    """
    specs = designs(table_option)
    show_warnings(specs)
    found = [pattern for spec in specs for pattern in spec.patterns]
    render.emit(
        [pattern.summary() for pattern in found],
        output,
        table=lambda _: render.print_table(
            ["pattern", "table", "operation", "parameters", "description"],
            [
                (p.name, p.table, p.operation, " ".join(f"{n}=" for n in p.parameters), p.description)
                for p in found
            ],
            wrap=["description"],
        ),
        query=jmespath,
    )
    if not found:
        render.info("no access patterns declared; add `access_patterns:` to a definition (see the README)")
