"""A real PostgreSQL server for the tests of `--users-db`, started by the suite and removed after.

initdb and pg_ctl (Debian's postgresql package; ./scripts/install-postgresql
installs it) run a throwaway cluster in a temporary folder: TCP on 127.0.0.1 on a
free port, its unix socket in that folder, password authentication over TCP so a
wrong password is refused as in production. PostgreSQL refuses to run as root,
so under root (CI's containers) it runs as the `postgres` user, else `nobody`.
Without the server programs or psycopg the tests skip on a developer's machine;
under CI they fail, since CI must run them.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .support import ROOT, free_port, under_ci

PASSWORD = "pg-test-secret"  # the tests check that no message ever shows it
DATABASE = "cruddur"
SCHEMA = ROOT / "db" / "schema.sql"
SEED = ROOT / "db" / "seed.sql"


def server_bin_dir() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, else the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", path.parent.name))

    candidates = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()]
    return max(candidates, key=version) if candidates else None


@dataclass(frozen=True)
class PostgresServer:
    bin_dir: Path
    folder: Path
    port: int

    def url(self, database: str = DATABASE, password: str = PASSWORD, user: str = "postgres") -> str:
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{database}"


def _run_as_owner() -> tuple[list[str], int | None, int | None]:
    """The command prefix that runs the server's programs, and the uid and gid to give its files."""
    if os.geteuid() != 0:
        return [], None, None
    for name in ("postgres", "nobody"):
        try:
            account = pwd.getpwnam(name)
        except KeyError:
            continue
        return ["runuser", "-u", name, "--"], account.pw_uid, account.pw_gid
    raise RuntimeError("running as root, with neither a postgres nor a nobody user to run PostgreSQL")


def start_server(bin_dir: Path) -> PostgresServer:
    """initdb, then pg_ctl start on a free port; the folder holds data, socket and log."""
    prefix, uid, gid = _run_as_owner()
    folder = Path(tempfile.mkdtemp(prefix="ddbtool-postgres-"))
    password_file = folder / "password"
    password_file.write_text(PASSWORD)
    if uid is not None and gid is not None:
        for path in (folder, password_file):
            os.chown(path, uid, gid)
    server = PostgresServer(bin_dir, folder, free_port())
    initdb = [
        *(str(bin_dir / "initdb"), "-D", str(folder / "data"), "-U", "postgres"),
        *("--pwfile", str(password_file), "--auth-local=trust", "--auth-host=scram-sha-256"),
        *("-E", "UTF8", "--locale=C", "--no-sync"),
    ]
    options = f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    start = [str(bin_dir / "pg_ctl"), "-D", str(folder / "data"), "-l", str(folder / "log")]
    try:
        subprocess.run([*prefix, *initdb], check=True, capture_output=True, text=True, cwd=folder)
        subprocess.run(
            [*prefix, *start, "-o", options, "-w", "-t", "120", "start"],
            check=True,
            capture_output=True,
            text=True,
            cwd=folder,
        )
    except subprocess.CalledProcessError as exc:
        log = folder / "log"
        tail = log.read_text()[-2000:] if log.exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {exc.stderr}\n{tail}") from exc
    return server


def stop_server(server: PostgresServer) -> None:
    prefix, _, _ = _run_as_owner()
    stop = [str(server.bin_dir / "pg_ctl"), "-D", str(server.folder / "data"), "-m", "fast", "-w", "stop"]
    try:
        subprocess.run([*prefix, *stop], capture_output=True, check=False, timeout=60, cwd=server.folder)
    finally:
        shutil.rmtree(server.folder, ignore_errors=True)


def load_users(url: str) -> None:
    """The app's users table, made afresh and filled with db/seed.sql's users."""
    import psycopg

    with psycopg.connect(url) as connection:
        connection.execute(SCHEMA.read_text())
        connection.execute(SEED.read_text())


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the session, with an empty database `cruddur`."""
    bin_dir = server_bin_dir()
    missing = None if bin_dir else "PostgreSQL's server programs (initdb, pg_ctl) are not installed"
    try:
        import psycopg
    except ImportError:
        missing = "psycopg is not installed (pip install -e '.[test]')"
    if missing or bin_dir is None:
        message = f"{missing}; ./scripts/install-postgresql installs the server"
        if under_ci():
            pytest.fail(message)
        pytest.skip(message)
    server = start_server(bin_dir)
    try:
        with psycopg.connect(server.url("postgres"), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {DATABASE}")
        yield server
    finally:
        stop_server(server)


@pytest.fixture
def users_db(postgres_server: PostgresServer) -> str:
    """The URL of the `cruddur` database, its users table freshly loaded from db/."""
    url = postgres_server.url()
    load_users(url)
    return url
