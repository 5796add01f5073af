"""schema-load --plan and --apply: show each table's plan, and carry it out after asking."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from ddbtool import render
from ddbtool.cli.app import announce, confirm
from ddbtool.cli.options import TableOrJson

if TYPE_CHECKING:
    from ddbtool.aws import Connection
    from ddbtool.tables.plan import TablePlan
    from ddbtool.tables.spec import TableSpec


def plans(connection: Connection, specs: list[TableSpec], *, replace_indexes: bool) -> list[TablePlan]:
    """Each table's plan, from the live table read with its TTL, backups and tags."""
    from ddbtool.tables.live import describe
    from ddbtool.tables.plan import plan_table

    client = connection.dynamodb()
    return [
        plan_table(
            spec,
            describe(client, spec.name, ttl=True, backups=True, tags=True),
            replace_indexes=replace_indexes,
        )
        for spec in specs
    ]


def show(found: list[TablePlan], output: TableOrJson) -> None:
    """The plans as one table for people, or JSON with each step's exact request."""

    def draw(_: object) -> None:
        rows: list[tuple[Any, ...]] = []
        for plan in found:
            if plan.status == "up to date":
                rows.append((plan.table, "", "", "up to date", ""))
            rows += [(plan.table, n, s.action, s.change, s.waits_for) for n, s in enumerate(plan.steps, 1)]
            rows += [(plan.table, "", "needs recreate", f"{r.what}: {r.detail}", "") for r in plan.recreate]
        render.print_table(["table", "#", "call", "change", "waits for"], rows, wrap=["change"])

    render.emit([_plain(plan) for plan in found], output, table=draw)
    for plan in found:
        for note in plan.notes:
            render.warn(f"{plan.table}: {note}")


def refuse_recreate(found: list[TablePlan]) -> None:
    """Exit 1 naming the tables DynamoDB cannot change in place, if any."""
    stuck = [plan.table for plan in found if not plan.applicable]
    if stuck:
        render.error(
            f"{', '.join(stuck)} cannot be changed in place (see `needs recreate`): recreate "
            "them deliberately (export, delete-table, schema-load, import), or, for a global "
            "index, pass --replace-indexes; nothing was changed"
        )
        raise typer.Exit(1)


def apply(connection: Connection, found: list[TablePlan], output: TableOrJson, *, yes: bool) -> None:
    """Show the plans, ask, then make every step, table by table, with progress on stderr."""
    from ddbtool.tables.apply import apply_plan, waiting_on

    show(found, output)
    refuse_recreate(found)
    todo = [plan for plan in found if plan.steps]
    if not todo:
        return
    count = sum(len(plan.steps) for plan in todo)
    names = ", ".join(plan.table for plan in todo)
    confirm(connection, f"Make these {count} changes to {names}?", yes=yes)
    announce(connection, "changing tables")
    client = connection.dynamodb()
    for plan in todo:
        with render.status(f"{plan.table}: starting") as update:

            def started(number: int, step: Any, plan: TablePlan = plan) -> None:
                render.info(f"{plan.table}: {number}/{len(plan.steps)} {step.action}: {step.change}")

            def waiting(live: Any, plan: TablePlan = plan) -> None:
                update(f"{plan.table}: waiting until ACTIVE ({waiting_on(live)})")

            apply_plan(client, plan, on_step=started, on_wait=waiting)
        render.success(f"{plan.table}: {len(plan.steps)} of {len(plan.steps)} steps made")


def _plain(plan: TablePlan) -> dict[str, Any]:
    return {
        "table": plan.table,
        "status": plan.status,
        "steps": [
            {"action": s.action, "request": s.request, "change": s.change, "waits_for": s.waits_for}
            for s in plan.steps
        ],
        "recreate": [{"what": r.what, "detail": r.detail} for r in plan.recreate],
        "notes": list(plan.notes),
    }
