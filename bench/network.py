"""Latency mode: seed, import and scan as if the endpoint were a network round trip away.

    ./scripts/bench --latency 0,5,25                      on moto, DynamoDB Local and dynalite
    ./scripts/bench --latency 0,25 --backends dynalite    one backend, two latencies

For each backend, one proxy per latency (bench/latency.py) adds that many
milliseconds to every request; 0 ms goes straight to the backend. In each run
every latency and every contender takes its turn (interleaved, so drift on a
shared machine hits all alike); medians of the runs are reported, with each
ratio taken between contenders measured in the same run set. Every writer's
table is counted afterwards.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from backends import running
from harness import HERE, TABLE, Endpoint, Launcher, Result, write_seed_file
from latency import LatencyProxy

LOOP = "BatchWriteItem loop, 16 threads"
DDBTOOL_SCAN = "ddbtool scan --output jsonl"
SEGMENTS_SCAN = "ddbtool scan --output jsonl --segments 8"
BARE_SCAN = "boto3 paginator loop"
SOURCE, COPY = "latency-source", "latency-copy"
TARGET = 1.05  # ddbtool's time over the bare contender's, at every latency
LATENCY_CASES = ("seed", "import", "scan")
MEMORY_TARGET = 1.5  # --segments 8 over one segment, peak RSS


@dataclass(frozen=True)
class Cell:
    backend: str
    case: str
    contender: str
    latency_ms: int


def run_latency(
    launcher: Launcher,
    work: Path,
    backends: Sequence[str],
    latencies: Sequence[int],
    messages: int,
    runs: int,
    cases: Sequence[str] = LATENCY_CASES,
) -> dict[Cell, Result]:
    results: dict[Cell, Result] = {}
    for backend in backends:
        print(f"... {backend}: {messages:,} messages at {latencies} ms, {runs} runs", file=sys.stderr)
        with running(backend) as url, contextlib.ExitStack() as proxies:
            urls = {
                ms: proxies.enter_context(LatencyProxy(url, ms / 1000)).url if ms else url for ms in latencies
            }
            results |= _run_backend(launcher, work, backend, Endpoint(url), urls, messages, runs, cases)
    return results


def _run_backend(
    launcher: Launcher,
    work: Path,
    backend: str,
    direct: Endpoint,
    urls: dict[int, str],
    messages: int,
    runs: int,
    cases: Sequence[str],
) -> dict[Cell, Result]:
    seed = work / "seed.yaml"
    items = write_seed_file(seed, messages)
    source_seed = work / "source.yaml"
    source_seed.write_text(seed.read_text().replace(f"table: {TABLE}", f"table: {SOURCE}"))
    direct.fresh_table(SOURCE)
    direct.prepare("seed", str(source_seed))
    dump = work / "dump.jsonl"
    direct.prepare("export", "-t", SOURCE, "-o", str(dump))
    baseline = [sys.executable, str(HERE / "baselines.py")]
    results: dict[Cell, Result] = {}

    def measure(case: str, name: str, command: list[str], endpoint: Endpoint, ms: int) -> None:
        cell = Cell(backend, case, name, ms)
        result = results.setdefault(cell, Result(case, name, items=items))
        result.samples.append(launcher.measure(command, endpoint.env))

    def measure_writer(case: str, name: str, command: list[str], endpoint: Endpoint, ms: int) -> None:
        table = TABLE if case == "seed" else COPY
        for _ in range(3):
            direct.fresh_table(table)
            measure(case, name, command, endpoint, ms)
            written = direct.count(table)
            if written == items:
                return
            # moto's server can lose concurrent first writes to a new partition key (a
            # race in its item store): that sample does not count, and is taken again.
            results[Cell(backend, case, name, ms)].samples.pop()
            print(f"... {backend}: {name} left {written} of {items} items; again", file=sys.stderr)
        raise RuntimeError(f"{backend}: {name} wrote {written} items, not {items}")

    for _ in range(runs):
        for ms, url in urls.items():
            endpoint = Endpoint(url)
            writers = {
                "seed": {
                    "ddbtool seed": endpoint.ddbtool("seed", str(seed)),
                    LOOP: [*baseline, "batch-loop", str(seed), TABLE, "16"],
                },
                "import": {
                    "ddbtool import": endpoint.ddbtool("import", "-t", COPY, str(dump)),
                    LOOP: [*baseline, "import", str(dump), COPY, "16"],
                },
            }
            for case in (case for case in writers if case in cases):
                for name, command in writers[case].items():
                    measure_writer(case, name, command, endpoint, ms)
            readers = {
                DDBTOOL_SCAN: endpoint.ddbtool("scan", SOURCE, "--output", "jsonl"),
                SEGMENTS_SCAN: endpoint.ddbtool("scan", SOURCE, "--output", "jsonl", "--segments", "8"),
                BARE_SCAN: [*baseline, "scan", SOURCE],
            }
            for name, command in readers.items() if "scan" in cases else ():
                measure("scan", name, command, endpoint, ms)
    return results


def latency_checks(
    results: dict[Cell, Result], backends: Sequence[str], latencies: Sequence[int]
) -> list[tuple[str, str, list[str], bool]]:
    """Per backend and target: what was measured at each latency, the target, and whether all met it."""
    checks = []
    pairs = [
        ("seed", "ddbtool seed", LOOP, "seed: ddbtool seed / 16-thread BatchWriteItem loop"),
        ("import", "ddbtool import", LOOP, "import: ddbtool import / 16-thread BatchWriteItem loop"),
        ("scan", DDBTOOL_SCAN, BARE_SCAN, "scan: ddbtool scan jsonl / bare paginator"),
    ]
    ran = {cell.case for cell in results}
    for backend in backends:
        for case, ours, theirs, what in pairs:
            if case not in ran:
                continue
            ratios = [
                results[Cell(backend, case, ours, ms)].seconds
                / results[Cell(backend, case, theirs, ms)].seconds
                for ms in latencies
            ]
            met = all(r <= TARGET for r in ratios)
            checks.append((f"{backend}: {what}", f"at most {TARGET}x", [f"{r:.2f}x" for r in ratios], met))
        if "scan" not in ran:
            continue
        memory = [
            results[Cell(backend, "scan", SEGMENTS_SCAN, ms)].rss
            / results[Cell(backend, "scan", DDBTOOL_SCAN, ms)].rss
            for ms in latencies
        ]
        checks.append(
            (
                f"{backend}: scan peak RSS, --segments 8 / one segment",
                f"at most {MEMORY_TARGET}x",
                [f"{m:.2f}x" for m in memory],
                all(m <= MEMORY_TARGET for m in memory),
            )
        )
    return checks


def latency_report(
    results: dict[Cell, Result], backends: Sequence[str], latencies: Sequence[int], markdown: bool
) -> str:
    columns = [f"{ms} ms" for ms in latencies]
    header = ["backend", "case", "contender", *[f"{c} (s)" for c in columns], "peak RSS (MB)"]
    rows = []
    names = dict.fromkeys((cell.backend, cell.case, cell.contender) for cell in results)
    for backend, case, contender in names:
        cells = [results[Cell(backend, case, contender, ms)] for ms in latencies]
        rss = max(cell.rss for cell in cells)
        rows.append([backend, case, contender, *[f"{cell.seconds:.2f}" for cell in cells], f"{rss:.0f}"])
    checks = latency_checks(results, backends, latencies)
    verdicts = [[what, *values, target, "yes" if met else "no"] for what, target, values, met in checks]
    second = ["measured", *columns, "target", "met"]
    return _table(header, rows, markdown) + "\n\n" + _table(second, verdicts, markdown)


def _table(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])
    widths = [max(len(x) for x in column) for column in zip(header, *rows, strict=False)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in [header, *rows]
    )
