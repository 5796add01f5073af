"""What every benchmark shares: samples and medians, the launcher, the endpoint, the seed file."""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import boto3

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
SCHEMA = HERE.parent / "schemas" / "cruddur-messages.yaml"
TABLE = "cruddur-messages"
WORDS = [
    "the",
    "station",
    "drifts",
    "past",
    "the",
    "jump",
    "gate",
    "while",
    "the",
    "council",
    "argues",
    "about",
    "trade",
    "routes",
    "and",
    "tea",
]


@dataclass
class Sample:
    seconds: float
    peak_rss_mb: float


@dataclass
class Result:
    case: str
    contender: str
    samples: list[Sample] = field(default_factory=list)
    items: int | None = None

    @property
    def seconds(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def rss(self) -> float:
        return statistics.median(s.peak_rss_mb for s in self.samples)

    @property
    def rate(self) -> float | None:
        return self.items / self.seconds if self.items else None


class Launcher:
    """Runs each measured command from bench/launch.py, a small process (see its docstring)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "launch.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def measure(self, command: Sequence[str], env: dict[str, str]) -> Sample:
        """Run one process to completion; its wall time and peak resident memory."""
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps({"argv": list(command), "env": env}) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        if answer["returncode"] != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{answer['stderr']}")
        return Sample(answer["seconds"], answer["peak_rss_kb"] / 1024)

    def close(self) -> None:
        assert self.process.stdin
        self.process.stdin.close()
        self.process.wait(timeout=10)


# --- the endpoint and its data --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_seed_file(path: Path, messages: int, per_conversation: int = 1000) -> int:
    """A seed file of `messages` messages in conversations of `per_conversation`; returns its item count."""
    conversations = max(1, -(-messages // per_conversation))
    people = conversations + 1
    lines = [f"table: {TABLE}", "users:"]
    for n in range(people):
        lines += [
            f"  - uuid: {n:08x}-0000-4000-8000-000000000000",
            f"    handle: user{n}",
            f"    display_name: User {n}",
        ]
    lines.append("conversations:")
    left = messages
    for c in range(conversations):
        count = min(per_conversation, left)
        left -= count
        lines += [
            f"  - uuid: {c:08x}-1111-4111-8111-111111111111",
            f"    participants: [user{c}, user{c + 1}]",
            # Staggered, so a user's two conversations never end at the same instant (one group key).
            f"    starts_at: 2023-12-{1 + c % 28:02d}T{c // 28 % 24:02d}:00:00Z",
            "    every: 1s",
            "    transcript: |",
        ]
        for m in range(count):
            text = " ".join(WORDS[(m + k) % len(WORDS)] for k in range(12))
            lines.append(f"      Person {m % 2 + 1}: {m}: {text}")
    path.write_text("\n".join(lines) + "\n")
    return people + 2 * conversations + messages


class Endpoint:
    """The benchmark's moto server, and the table operations between measurements."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.env = {
            **os.environ,
            "AWS_ENDPOINT_URL": url,
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_PAGER": "",
            "NO_COLOR": "1",
        }
        self.client = boto3.client(
            "dynamodb", endpoint_url=url, region_name="us-east-1",
            aws_access_key_id="bench", aws_secret_access_key="bench",
        )  # fmt: skip

    def ddbtool(self, *args: str) -> list[str]:
        return [str(BIN / "ddbtool"), *args, "--endpoint-url", self.url]

    def fresh_table(self, name: str = TABLE) -> None:
        existing = self.client.list_tables()["TableNames"]
        if name in existing:
            self.client.delete_table(TableName=name)
        schema = SCHEMA
        if name != TABLE:
            schema = Path(tempfile.mkdtemp()) / f"{name}.yaml"
            schema.write_text(SCHEMA.read_text().replace(f"table: {TABLE}", f"table: {name}"))
        subprocess.run(
            self.ddbtool("schema-load", str(schema)), env=self.env, check=True, capture_output=True
        )

    def prepare(self, *args: str) -> None:
        """Run a ddbtool command that sets up a measurement; stop with its stderr if it fails."""
        done = subprocess.run(self.ddbtool(*args), env=self.env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"ddbtool {' '.join(args)} failed:\n{done.stderr}")

    def count(self, name: str = TABLE) -> int:
        pages = self.client.get_paginator("scan").paginate(TableName=name, Select="COUNT")
        return sum(page["Count"] for page in pages)
