"""How long reading and validating a seed file takes, against libyaml's CSafeLoader alone.

    python bench/reading.py [--items N] [--runs N]

Two files of about N items each: the messaging app's transcript form (what the
seed benchmark writes) and plain `items:` mappings. For each, in one process,
interleaved: `yaml.load(text, Loader=yaml.CSafeLoader)` (PyYAML's C parser and
its Python constructor, no checks) and ddbtool's `load_seeds` (lines kept for
every value, every item checked against DynamoDB's rules and the table's key).
Medians of the runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
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
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


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
        print("| seed file | items | CSafeLoader alone (s) | ddbtool load_seeds (s) | ratio |")
        print("|---|---|---|---|---|")
        for name, (path, items) in files.items():
            text = path.read_text()
            libyaml: list[float] = []
            ours: list[float] = []
            for _ in range(args.runs):
                libyaml.append(seconds(lambda: yaml.load(text, Loader=yaml.CSafeLoader)))  # noqa: B023
                ours.append(seconds(lambda: load_seeds([path], lambda table: MESSAGING_KEY)))  # noqa: B023
            base, mine = statistics.median(libyaml), statistics.median(ours)
            print(f"| {name} | {items:,} | {base:.3f} | {mine:.3f} | {mine / base:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
