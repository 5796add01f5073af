"""Seed, scan, export, import and start-up benchmarks, measured side by side in one run.

    ./scripts/bench            the full run (about 15 minutes on 2 cores)
    ./scripts/bench --quick    small sizes, one run: checks the harness works
    ./scripts/bench --cases transfer   only export and import
    ./scripts/bench --latency 0,5,25   latency mode: seed, import and scan behind a delay (network.py)

It starts its own moto server on a free port, generates its data, runs every
contender as its own process (whole-process wall time, and peak RSS from wait4
through bench/launch.py so the harness's own size does not leak in),
interleaves contenders within each run so drift hits all alike, takes medians,
checks that every writer wrote every item, and prints one table of figures with
the ratios the targets are about. Nothing here is asserted: it reports.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from backends import BACKENDS
from harness import BIN, HERE, TABLE, Endpoint, Launcher, Result, free_port, write_seed_file
from network import LATENCY_CASES, latency_report, run_latency

from ddbtool import local

CASES = frozenset({"seed", "scan", "transfer", "start-up"})


# --- the cases -------------------------------------------------------------------------------


def run_seed(launcher: Launcher, endpoint: Endpoint, work: Path, messages: int, runs: int) -> list[Result]:
    seed = work / "seed.yaml"
    items = write_seed_file(seed, messages)
    contenders: dict[str, list[str]] = {
        "ddbtool seed": endpoint.ddbtool("seed", str(seed)),
        "put_item loop": [sys.executable, str(HERE / "baselines.py"), "put-loop", str(seed), TABLE],
        "boto3 batch_writer": [sys.executable, str(HERE / "baselines.py"), "batch-writer", str(seed), TABLE],
    }
    results = {name: Result(seed_case(messages), name, items=items) for name in contenders}
    for _ in range(runs):
        for name, command in contenders.items():
            endpoint.fresh_table()
            results[name].samples.append(launcher.measure(command, endpoint.env))
            written = endpoint.count()
            if written != items:
                raise RuntimeError(f"{name} wrote {written} items, not {items}")
    return list(results.values())


def scan_case(size: int) -> str:
    return f"scan: table of {size:,} messages"


def seed_case(messages: int) -> str:
    return f"seed: {messages:,} messages"


def run_scan(
    launcher: Launcher, endpoint: Endpoint, work: Path, sizes: Sequence[int], runs: int, aws: bool
) -> list[Result]:
    results = []
    for size in sizes:
        table = f"scan-{size}"
        seed = work / f"{table}.yaml"
        items = write_seed_file(seed, size)
        seed.write_text(seed.read_text().replace(f"table: {TABLE}", f"table: {table}"))
        endpoint.fresh_table(table)
        endpoint.prepare("seed", str(seed))
        assert endpoint.count(table) == items
        contenders: dict[str, list[str]] = {
            "ddbtool scan --output jsonl": endpoint.ddbtool("scan", table, "--output", "jsonl"),
            "boto3 paginator loop": [sys.executable, str(HERE / "baselines.py"), "scan", table],
        }
        if aws:
            contenders["aws dynamodb scan"] = [str(BIN / "aws"), "dynamodb", "scan", "--table-name", table]
        rows = {name: Result(scan_case(size), name, items=items) for name in contenders}
        for _ in range(runs):
            for name, command in contenders.items():
                rows[name].samples.append(launcher.measure(command, endpoint.env))
        results += rows.values()
    return results


def transfer_case(kind: str, messages: int) -> str:
    return f"{kind}: {messages:,} messages"


def run_transfer(
    launcher: Launcher, endpoint: Endpoint, work: Path, messages: int, runs: int
) -> list[Result]:
    """Export to a dump file against a bare paginator, then import it against a bare BatchWriteItem loop."""
    table, copy = "transfer", "transfer-copy"
    seed = work / f"{table}.yaml"
    items = write_seed_file(seed, messages)
    seed.write_text(seed.read_text().replace(f"table: {TABLE}", f"table: {table}"))
    endpoint.fresh_table(table)
    endpoint.prepare("seed", str(seed))
    dump, bare = work / "export.jsonl", work / "bare.jsonl"
    exporters: dict[str, list[str]] = {
        "ddbtool export -o FILE": endpoint.ddbtool("export", "-t", table, "-o", str(dump)),
        "boto3 paginator to JSON lines": [
            sys.executable,
            str(HERE / "baselines.py"),
            "export",
            table,
            str(bare),
        ],
    }
    importers: dict[str, list[str]] = {
        "ddbtool import FILE": endpoint.ddbtool("import", "-t", copy, str(dump)),
        "BatchWriteItem loop": [sys.executable, str(HERE / "baselines.py"), "import", str(dump), copy],
    }
    export_case, import_case = transfer_case("export", messages), transfer_case("import", messages)
    rows = {name: Result(export_case, name, items=items) for name in exporters}
    rows |= {name: Result(import_case, name, items=items) for name in importers}
    for _ in range(runs):
        for name, command in exporters.items():
            rows[name].samples.append(launcher.measure(command, endpoint.env))
        for path in (dump, bare):
            if sum(1 for _ in path.open()) != items:
                raise RuntimeError(f"{path.name} does not hold {items} items")
        for name, command in importers.items():
            endpoint.fresh_table(copy)
            rows[name].samples.append(launcher.measure(command, endpoint.env))
            written = endpoint.count(copy)
            if written != items:
                raise RuntimeError(f"{name} wrote {written} items, not {items}")
    return list(rows.values())


def run_startup(launcher: Launcher, endpoint: Endpoint, runs: int, aws: bool) -> list[Result]:
    contenders: dict[str, list[str]] = {
        "ddbtool --help": [str(BIN / "ddbtool"), "--help"],
        'python -c "import boto3"': [sys.executable, "-c", "import boto3"],
    }
    if aws:
        contenders["aws dynamodb help"] = [str(BIN / "aws"), "dynamodb", "help"]
    results = {name: Result("start-up", name) for name in contenders}
    for _ in range(runs):
        for name, command in contenders.items():
            results[name].samples.append(launcher.measure(command, endpoint.env))
    return list(results.values())


# --- the report ------------------------------------------------------------------------------


def ratio(results: list[Result], case: str, numerator: str, denominator: str) -> float:
    by_name = {r.contender: r for r in results if r.case == case}
    return by_name[numerator].seconds / by_name[denominator].seconds


def targets(
    results: list[Result], messages: int, sizes: Sequence[int], aws: bool, cases: frozenset[str] = CASES
) -> list[tuple[str, str, bool]]:
    """The verdict on each target of the cases that ran."""
    seed, small, large = seed_case(messages), scan_case(sizes[0]), scan_case(sizes[-1])
    checks: list[tuple[str, str, bool]] = []
    if "seed" in cases:
        checks += seed_targets(results, seed)
    if "scan" in cases:
        checks += scan_targets(results, small, large, sizes, aws)
    if "transfer" in cases:
        checks += transfer_targets(results, messages)
    if "start-up" in cases:
        checks += startup_targets(results)
    return checks


def seed_targets(results: list[Result], seed: str) -> list[tuple[str, str, bool]]:
    checks = []
    speedup = ratio(results, seed, "put_item loop", "ddbtool seed")
    checks.append((f"seed: ddbtool is {speedup:.1f}x the put_item loop", "at least 10x", speedup >= 10))
    vs_writer = ratio(results, seed, "ddbtool seed", "boto3 batch_writer")
    checks.append(
        (
            f"seed: ddbtool takes {vs_writer:.2f}x batch_writer's time",
            "no slower (at most 1.0x)",
            vs_writer <= 1.0,
        )
    )
    return checks


def scan_targets(
    results: list[Result], small: str, large: str, sizes: Sequence[int], aws: bool
) -> list[tuple[str, str, bool]]:
    checks = []
    if aws:
        vs_aws = ratio(results, large, "ddbtool scan --output jsonl", "aws dynamodb scan")
        checks.append(
            (f"scan: ddbtool takes {vs_aws:.2f}x the AWS CLI's time", "faster (below 1.0x)", vs_aws < 1.0)
        )
    vs_bare = ratio(results, large, "ddbtool scan --output jsonl", "boto3 paginator loop")
    checks.append((f"scan: ddbtool takes {vs_bare:.2f}x the bare loop's time", "within 1.2x", vs_bare <= 1.2))
    rss = {r.case: r.rss for r in results if r.contender == "ddbtool scan --output jsonl"}
    growth = rss[large] / rss[small]
    checks.append(
        (
            f"scan: ddbtool peak RSS {rss[small]:.0f} MB -> {rss[large]:.0f} MB "
            f"({growth:.2f}x) from {sizes[0]:,} to {sizes[-1]:,} items",
            "flat (under 1.2x)",
            growth < 1.2,
        )
    )
    return checks


def transfer_targets(results: list[Result], messages: int) -> list[tuple[str, str, bool]]:
    checks = []
    exported = ratio(
        results, transfer_case("export", messages), "ddbtool export -o FILE", "boto3 paginator to JSON lines"
    )
    checks.append(
        (f"export: ddbtool takes {exported:.2f}x the bare paginator's time", "within 1.2x", exported <= 1.2)
    )
    imported = ratio(results, transfer_case("import", messages), "ddbtool import FILE", "BatchWriteItem loop")
    checks.append(
        (
            f"import: ddbtool takes {imported:.2f}x the bare BatchWriteItem loop's time",
            "within 1.2x",  # it reads every line twice: all are checked before the first write
            imported <= 1.2,
        )
    )
    return checks


def startup_targets(results: list[Result]) -> list[tuple[str, str, bool]]:
    checks = []
    help_ratio = ratio(results, "start-up", "ddbtool --help", 'python -c "import boto3"')
    checks.append(
        (
            f"start-up: ddbtool --help takes {help_ratio:.2f}x the time to import boto3",
            "under 0.6x",
            help_ratio < 0.6,
        )
    )
    return checks


def report(results: list[Result], checks: list[tuple[str, str, bool]], markdown: bool) -> str:
    header = ["case", "contender", "median wall (s)", "items/s", "peak RSS (MB)"]
    rows = [
        [r.case, r.contender, f"{r.seconds:.3f}", f"{r.rate:,.0f}" if r.rate else "-", f"{r.rss:.0f}"]
        for r in results
    ]
    lines: list[str] = []
    if markdown:
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        lines += ["", "| measured | target | met |", "|---|---|---|"]
        lines += [f"| {what} | {target} | {'yes' if met else 'no'} |" for what, target, met in checks]
        return "\n".join(lines)
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=False)]
    for row in [header, *rows]:
        lines.append("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    lines.append("")
    lines += [f"[{'met' if met else 'MISSED'}] {what} (target: {target})" for what, target, met in checks]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes and one run, to check the harness")
    parser.add_argument("--runs", type=int, help="runs per contender; the median is reported (default 3)")
    parser.add_argument("--messages", type=int, help="messages in the seed case (default 20000)")
    parser.add_argument(
        "--cases",
        help=f"comma-separated cases to run (default all: {', '.join(sorted(CASES))}; "
        f"in latency mode {', '.join(LATENCY_CASES)})",
    )
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    parser.add_argument("--json", type=Path, help="also write every sample to this file")
    parser.add_argument(
        "--latency",
        help="latency mode: comma-separated delays in ms added to every request (0,5,25); see network.py",
    )
    parser.add_argument(
        "--backends",
        default=",".join(BACKENDS),
        help=f"latency mode: comma-separated endpoints (default all: {', '.join(BACKENDS)})",
    )
    args = parser.parse_args(argv)
    # Stopped from outside, still stop the endpoints it started (they run in sessions of their own).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.latency:
        backends = args.backends.split(",")
        if not set(backends) <= set(BACKENDS):
            parser.error(f"unknown backends: {', '.join(sorted(set(backends) - set(BACKENDS)))}")
        cases = (
            [case for case in args.cases.split(",") if case in LATENCY_CASES] if args.cases else LATENCY_CASES
        )
        return latency_mode(args, [int(ms) for ms in args.latency.split(",")], backends, cases)
    cases = frozenset(args.cases.split(",")) if args.cases else CASES
    if not cases <= CASES:
        parser.error(f"unknown cases: {', '.join(sorted(cases - CASES))}")
    runs = args.runs or (1 if args.quick else 3)
    messages = args.messages or (300 if args.quick else 20_000)
    sizes = (200, 2_000) if args.quick else (10_000, 100_000)
    aws = (BIN / "aws").exists()
    if not aws:
        print(
            "the AWS CLI is not installed here (pip install 'ddbtool[bench]'); leaving it out",
            file=sys.stderr,
        )

    state = Path(tempfile.mkdtemp(prefix="ddbtool-bench-"))
    server, _ = local.start(free_port(), state)  # ddbtool's own local endpoint: moto's server
    endpoint = Endpoint(f"http://127.0.0.1:{server.port}")
    launcher = Launcher()
    step: Callable[[str], None] = lambda what: print(f"... {what}", file=sys.stderr, flush=True)  # noqa: E731
    try:
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            results: list[Result] = []
            if "seed" in cases:
                step(f"seed: {messages:,} messages, {runs} runs of each contender")
                results += run_seed(launcher, endpoint, work, messages, runs)
            if "scan" in cases:
                step(f"scan: {' and '.join(f'{s:,}' for s in sizes)} items")
                results += run_scan(launcher, endpoint, work, sizes, runs, aws)
            if "transfer" in cases:
                step(f"export and import: {messages:,} messages")
                results += run_transfer(launcher, endpoint, work, messages, runs)
            if "start-up" in cases:
                step("start-up")
                results += run_startup(launcher, endpoint, max(runs, 5), aws)
    finally:
        launcher.close()
        local.stop(server.port, state)
    checks = targets(results, messages, sizes, aws, cases)
    print(report(results, checks, args.markdown))
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "case": r.case,
                        "contender": r.contender,
                        "items": r.items,
                        "samples": [vars(s) for s in r.samples],
                    }
                    for r in results
                ],
                indent=2,
            )
        )
    return 0


def latency_mode(
    args: argparse.Namespace, latencies: list[int], backends: list[str], cases: Sequence[str]
) -> int:
    runs = args.runs or (1 if args.quick else 3)
    messages = args.messages or (300 if args.quick else 20_000)
    launcher = Launcher()
    try:
        with tempfile.TemporaryDirectory() as folder:
            results = run_latency(launcher, Path(folder), backends, latencies, messages, runs, cases)
    finally:
        launcher.close()
    print(latency_report(results, backends, latencies, args.markdown))
    if args.json:
        samples = [
            {**vars(cell), "items": result.items, "samples": [vars(s) for s in result.samples]}
            for cell, result in results.items()
        ]
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(samples, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
