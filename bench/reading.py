"""How long reading and validating a seed file takes, against libyaml's CSafeLoader alone.

    python bench/reading.py [--items N] [--runs N]

Two files of about N items each: the messaging app's transcript form (what the
seed benchmark writes) and plain `items:` mappings. For each, in one process,
interleaved: `yaml.load(text, Loader=yaml.CSafeLoader)` (PyYAML's C parser and
its Python constructor, no checks), the same with Python's cyclic garbage
collector paused (as ddbtool pauses it while it loads), and ddbtool's
`load_seeds` (lines kept for every value, every item checked against
DynamoDB's rules and the table's key). Medians of the runs.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import yaml
from harness import TABLE, write_seed_file

from ddbtool.apps.cruddur.seeding import MESSAGING_KEY
from ddbtool.items.seedfile import load_seeds


def write_plain_items(path: Path, count: int) -> int:
    lines = [f"table: {TABLE}", "items:"]
    for n in range(count):
        lines += [
            f"  - pk: CUSTOMER#{n % 500:04d}",
            f"    sk: ORDER#{n:06d}",
            f"    total: {n}.{n % 100:02d}",
            f"    status: {'paid' if n % 3 else 'open'}",
            f"    tags: [gift, b{n % 7}]",
            f"    address: {{city: Town {n % 50}, zip: '{10000 + n % 900}'}}",
        ]
    path.write_text("\n".join(lines) + "\n")
    return count


def seconds(work: Callable[[], object]) -> float:
    gc.collect()  # each measurement starts with no garbage left by the one before
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def paused(work: Callable[[], object]) -> None:
    gc.disable()
    try:
        work()
    finally:
        gc.enable()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        transcript, plain = Path(folder) / "transcript.yaml", Path(folder) / "plain.yaml"
        files = {
            "transcript": (transcript, write_seed_file(transcript, args.items)),
            "plain items": (plain, write_plain_items(plain, args.items)),
        }
        print(
            "| seed file | items | CSafeLoader (s) | CSafeLoader, collector paused (s) "
            "| ddbtool (s) | ratios |"
        )
        print("|---|---|---|---|---|---|")
        for name, (path, items) in files.items():
            text = path.read_text()
            contenders: dict[str, Callable[[], object]] = {
                "libyaml": partial(yaml.load, text, Loader=yaml.CSafeLoader),
                "paused": partial(paused, partial(yaml.load, text, Loader=yaml.CSafeLoader)),
                "ddbtool": partial(load_seeds, [path], lambda table: MESSAGING_KEY),
            }
            times: dict[str, list[float]] = {contender: [] for contender in contenders}
            for _ in range(args.runs):
                for contender, work in contenders.items():
                    times[contender].append(seconds(work))
            base, quiet, mine = (statistics.median(samples) for samples in times.values())
            print(
                f"| {name} | {items:,} | {base:.3f} | {quiet:.3f} | {mine:.3f} "
                f"| {mine / base:.2f}x, {mine / quiet:.2f}x |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
