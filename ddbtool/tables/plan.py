"""The steps from a live table to its definition, in an order DynamoDB accepts.

A plan is data: each step is the exact request one call sends and what must be
true before the next step may start. `apply.py` carries a plan out; printing it
is the dry run. Planning reads nothing: it compares a `LiveTable` (read with
its TTL, backups and tags) with a `TableSpec`.

DynamoDB's rules that shape the order:
- UpdateTable creates or deletes one global index at a time, and takes no other
  change while the table or an index is not ACTIVE;
- a stream's view type cannot change while it is on: off first, then on;
- switching to PROVISIONED needs units for the table and every global index;
  an index created on an on-demand table takes none;
- the table's keys, its attribute types, local indexes and a global index's
  keys or projection cannot change at all: that table needs recreating.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ddbtool.tables.live import LiveIndex, LiveTable
from ddbtool.tables.spec import Capacity, IndexSpec, KeySchema, TableSpec

Action = Literal[
    "CreateTable",
    "UpdateTable",
    "UpdateTimeToLive",
    "UpdateContinuousBackups",
    "TagResource",
    "UntagResource",
]
Wait = Literal["table", "none"]

# Tags AWS itself puts on a table (CloudFormation, Backup): nobody may change them.
_SYSTEM_TAG = "aws:"


@dataclass(frozen=True)
class Step:
    """One call: its operation, the exact request, what it changes and what it waits for."""

    action: Action
    request: dict[str, Any]
    change: str
    wait: Wait = "table"  # "table": the table and every global index ACTIVE before the next step

    @property
    def waits_for(self) -> str:
        return "table and indexes ACTIVE" if self.wait == "table" else "nothing"


@dataclass(frozen=True)
class Recreate:
    """A difference DynamoDB cannot change in place."""

    what: str
    detail: str


@dataclass(frozen=True)
class TablePlan:
    table: str
    steps: tuple[Step, ...] = ()
    recreate: tuple[Recreate, ...] = ()
    notes: tuple[str, ...] = ()  # settings this endpoint cannot report, so not compared

    @property
    def status(self) -> str:
        if self.recreate:
            return "needs recreate"
        if self.steps and self.steps[0].action == "CreateTable":
            return "missing"
        return "changes" if self.steps else "up to date"

    @property
    def applicable(self) -> bool:
        return not self.recreate


def plan_table(spec: TableSpec, live: LiveTable | None, *, replace_indexes: bool = False) -> TablePlan:
    """The plan from `live` (None: no such table) to `spec`."""
    if live is None:
        return _create(spec)
    recreate = list(_fixed(spec, live))
    index_steps, index_recreate = _global_indexes(spec, live, replace_indexes)
    recreate += index_recreate
    notes = []
    steps = [
        *_stream(spec, live),
        *index_steps[0],  # deletions first: fewer indexes for a billing change to name
        *_throughput(spec, live),
        *index_steps[1],
    ]
    if spec.table_class != live.table_class:
        steps.append(_update(spec, f"table class {spec.table_class}", TableClass=spec.table_class))
    if spec.deletion_protection != live.deletion_protection:
        state = "on" if spec.deletion_protection else "off"
        steps.append(
            _update(spec, f"deletion protection {state}", DeletionProtectionEnabled=spec.deletion_protection)
        )
    steps += _ttl(spec, live)
    if live.point_in_time_recovery is None:
        if spec.point_in_time_recovery:
            notes.append("point-in-time recovery: this endpoint cannot report it, so it is not compared")
    elif spec.point_in_time_recovery != live.point_in_time_recovery:
        steps.append(_recovery(spec))
    if live.tags is None:
        if spec.tags:
            notes.append("tags: this endpoint does not support tagging, so they are not compared")
    else:
        steps += _tags(spec, live.arn, live.tags)
    return TablePlan(spec.name, tuple(steps), tuple(recreate), tuple(notes))


def _create(spec: TableSpec) -> TablePlan:
    create = Step("CreateTable", spec.create_request(), "create the table")
    return TablePlan(spec.name, (create, *after_create(spec).steps))


def after_create(spec: TableSpec) -> TablePlan:
    """What CreateTable cannot set: TTL and point-in-time recovery."""
    steps = _ttl(spec, None)
    if spec.point_in_time_recovery:
        steps.append(_recovery(spec))
    return TablePlan(spec.name, tuple(steps))


def _update(spec: TableSpec, change: str, **request: Any) -> Step:
    return Step("UpdateTable", {"TableName": spec.name, **request}, change)


def _fixed(spec: TableSpec, live: LiveTable) -> list[Recreate]:
    """The table's key, the types of attributes it and its local indexes use, and local indexes."""
    found = []
    if spec.key != live.key:
        found.append(Recreate("key", f"the file says {_key(spec.key)}, the table has {_key(live.key)}"))
    fixed = {*live.key.names, *(name for index in live.local_indexes for name in index.key.names)}
    for name in sorted(fixed):
        wanted, have = spec.attributes.get(name), live.attributes.get(name)
        if wanted is not None and wanted != have:
            detail = f"the file says {wanted}, the table has {have or 'nothing'}"
            found.append(Recreate(f"attribute {name}", detail))
    wanted_lsis = {i.name: _shape(i, spec.attributes) for i in spec.local_indexes}
    have_lsis = {i.name: _shape(i, live.attributes) for i in live.local_indexes}
    for name in sorted(set(wanted_lsis) | set(have_lsis)):
        if wanted_lsis.get(name) != have_lsis.get(name):
            detail = (
                f"the file says {wanted_lsis.get(name) or 'nothing'}, "
                f"the table has {have_lsis.get(name) or 'nothing'}; only CreateTable makes local indexes"
            )
            found.append(Recreate(f"local index {name}", detail))
    return found


def _global_indexes(
    spec: TableSpec, live: LiveTable, replace_indexes: bool
) -> tuple[tuple[list[Step], list[Step]], list[Recreate]]:
    """(deletions, creations) of global indexes, and those that need --replace-indexes."""
    have = {i.name: i for i in live.global_indexes if i.status != "DELETING"}
    deletions = [
        _delete_index(spec, name) for name in have if name not in {i.name for i in spec.global_indexes}
    ]
    new: list[IndexSpec] = []
    recreate = []
    for index in spec.global_indexes:
        if index.name not in have:
            new.append(index)
            continue
        was, now = _shape(have[index.name], live.attributes), _shape(index, spec.attributes)
        if was == now:
            continue
        if replace_indexes:
            deletions.append(_delete_index(spec, index.name, "replace"))
            new.append(index)
        else:
            detail = (
                f"the file says {now}, the table has {was}; --replace-indexes deletes and creates it again"
            )
            recreate.append(Recreate(f"global index {index.name}", detail))
    # Each creation names the type of every key attribute the table will then use: some
    # endpoints (moto) replace the table's attribute definitions with the request's.
    built = [i for i in spec.global_indexes if i not in new]
    creations = []
    for index in new:
        built.append(index)
        creations.append(_create_index(spec, index, built, "replace" if index.name in have else "create"))
    return (deletions, creations), recreate


def _delete_index(spec: TableSpec, name: str, verb: str = "delete") -> Step:
    change = f"{verb} global index {name}" + (" (delete)" if verb == "replace" else "")
    return _update(spec, change, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": name}}])


def _create_index(spec: TableSpec, index: IndexSpec, built: list[IndexSpec], verb: str) -> Step:
    keys = [spec.key, *(i.key for i in (*spec.local_indexes, *built))]
    names = dict.fromkeys(name for key in keys for name in key.names)
    return _update(
        spec,
        f"{verb} global index {index.name}" + (" (create)" if verb == "replace" else ""),
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": spec.attributes[n]} for n in names],
        GlobalSecondaryIndexUpdates=[{"Create": index.request()}],
    )


def _stream(spec: TableSpec, live: LiveTable) -> list[Step]:
    if spec.stream == live.stream:
        return []
    steps = []
    if live.stream:
        steps.append(_update(spec, "stream off", StreamSpecification={"StreamEnabled": False}))
    if spec.stream:
        on = {"StreamEnabled": True, "StreamViewType": spec.stream}
        steps.append(_update(spec, f"stream on ({spec.stream})", StreamSpecification=on))
    return steps


def _throughput(spec: TableSpec, live: LiveTable) -> list[Step]:
    """One UpdateTable for the billing mode and the units of the table and of indexes that stay."""
    request: dict[str, Any] = {}
    changes = []
    switching = spec.billing != live.billing
    if switching:
        request["BillingMode"] = spec.billing
        changes.append(f"billing {spec.billing}")
    if spec.capacity is not None and (switching or spec.capacity != live.capacity):
        request["ProvisionedThroughput"] = spec.capacity.request()
        changes.append(f"capacity {_units(spec.capacity)}")
    have = {i.name: i for i in live.global_indexes if i.status != "DELETING"}
    updates = []
    for index in spec.global_indexes:
        found = have.get(index.name)
        if found is None or _shape(found, live.attributes) != _shape(index, spec.attributes):
            continue  # created (or replaced) later, with its units
        if index.capacity is not None and (switching or index.capacity != found.capacity):
            units = {"IndexName": index.name, "ProvisionedThroughput": index.capacity.request()}
            updates.append({"Update": units})
            changes.append(f"index {index.name} capacity {_units(index.capacity)}")
    if updates:
        request["GlobalSecondaryIndexUpdates"] = updates
    if not request:
        return []
    return [_update(spec, ", ".join(changes), **request)]


def _ttl(spec: TableSpec, live: LiveTable | None) -> list[Step]:
    have = live.ttl if live is not None else None
    if spec.ttl == have:
        return []
    steps = []
    if have:
        steps.append(_ttl_step(spec, have, enabled=False))
    if spec.ttl:
        steps.append(_ttl_step(spec, spec.ttl, enabled=True))
    return steps


def _ttl_step(spec: TableSpec, attribute: str, *, enabled: bool) -> Step:
    return Step(
        "UpdateTimeToLive",
        {"TableName": spec.name, "TimeToLiveSpecification": {"Enabled": enabled, "AttributeName": attribute}},
        f"TTL {'on' if enabled else 'off'} ({attribute})",
        wait="none",  # TTL is switched in the background; the table stays ACTIVE
    )


def _recovery(spec: TableSpec) -> Step:
    enabled = spec.point_in_time_recovery
    return Step(
        "UpdateContinuousBackups",
        {
            "TableName": spec.name,
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": enabled},
        },
        f"point-in-time recovery {'on' if enabled else 'off'}",
        wait="none",
    )


def _tags(spec: TableSpec, arn: str, have: Mapping[str, str]) -> list[Step]:
    wanted = dict(spec.tags)
    changed = {k: v for k, v in wanted.items() if have.get(k) != v}
    removed = sorted(k for k in have if k not in wanted and not k.startswith(_SYSTEM_TAG))
    steps = []
    if changed:
        steps.append(
            Step(
                "TagResource",
                {"ResourceArn": arn, "Tags": [{"Key": k, "Value": v} for k, v in changed.items()]},
                "tags " + ", ".join(f"{k}={v}" for k, v in changed.items()),
                wait="none",
            )
        )
    if removed:
        steps.append(
            Step(
                "UntagResource",
                {"ResourceArn": arn, "TagKeys": removed},
                "remove tags " + ", ".join(removed),
                wait="none",
            )
        )
    return steps


def _shape(index: IndexSpec | LiveIndex, attributes: Mapping[str, str]) -> str:
    """What DynamoDB cannot change about an index: its typed key and its projection."""
    typed = ", ".join(f"{n} ({attributes.get(n, '?')})" for n in index.key.names)
    projection = index.projection + (f" {sorted(index.include)}" if index.include else "")
    return f"{typed} {projection}"


def _key(key: KeySchema) -> str:
    return " + ".join(key.names)


def _units(capacity: Capacity) -> str:
    return f"read {capacity.read} / write {capacity.write}"
