"""Real data servers for the tests, started and stopped by the tests themselves, never the machine's own:
Debian's redis-server and a throwaway PostgreSQL cluster, each on a Unix socket in a temporary folder
(both installed by ``scripts/setup test``)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


class Redis:
    """A redis-server of its own: no TCP port, a Unix socket in ``folder``, every write in its append-only file
    (``appendfsync always``), so a restart after ``kill -9`` finds what was acknowledged. ``url`` is what
    ``LOCALIZE_QUEUE`` takes."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.socket = self.folder / "redis.sock"
        self.url = f"unix://{self.socket}?db=0"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Redis":
        self.socket.unlink(missing_ok=True)
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", "0", "--unixsocket", str(self.socket), "--unixsocketperm", "700",
             "--dir", str(self.folder), "--save", "", "--appendonly", "yes", "--appendfsync", "always",
             "--daemonize", "no"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 15
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start: {(self.folder / 'redis.log').read_text()[-2000:]}")
            time.sleep(0.02)
        return self

    def _answers(self) -> bool:
        if not self.socket.exists():
            return False
        try:
            with socket.socket(socket.AF_UNIX) as s:
                s.settimeout(1)
                s.connect(str(self.socket))
                s.sendall(b"PING\r\n")
                return s.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        """kill -9: the server dies at once, as a crash or an out-of-memory kill would stop it."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None

    def __enter__(self) -> "Redis":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _postgres_bin() -> Path | None:
    """The folder of Debian's PostgreSQL programs (initdb, pg_ctl are not on PATH there)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name),
                   reverse=True)
    if found:
        return found[0].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


POSTGRES_BIN = _postgres_bin()


class Postgres:
    """A throwaway PostgreSQL cluster: ``initdb`` in a temporary folder, no TCP, its Unix socket in that folder,
    trust authentication for the user ``localize``; stopped and removed at the end. As root, the server runs
    as Debian's ``postgres`` user (PostgreSQL refuses root). ``url(name)`` is a database's SQLAlchemy URL."""

    USER = "localize"

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="localize-pg-"))   # /tmp: reachable by the postgres user
        self.data = self.folder / "data"
        self.process_user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *command: str) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", self.process_user, "--"] if self.process_user else []
        return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120)

    def start(self) -> "Postgres":
        if self.process_user:
            shutil.chown(self.folder, self.process_user, self.process_user)
        made = self._run(str(POSTGRES_BIN / "initdb"), "-D", str(self.data), "-U", self.USER, "-A", "trust",
                         "-E", "UTF8", "--locale", "C.UTF-8", "--no-sync")
        if made.returncode:
            raise RuntimeError(f"initdb failed: {made.stderr[-2000:]}")
        options = f"-k {self.folder} -c listen_addresses='' -c fsync=off -c synchronous_commit=off " \
                  "-c full_page_writes=off -c max_connections=200"
        started = self._run(str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
                            str(self.folder / "server.log"), "-w", "-t", "60", "start")
        if started.returncode:
            log = (self.folder / "server.log").read_text(errors="replace") if (self.folder / "server.log").exists() else ""
            raise RuntimeError(f"PostgreSQL did not start: {started.stderr[-1000:]} {log[-2000:]}")
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.USER}@/{database}?host={self.folder}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(host=str(self.folder), user=self.USER, dbname="postgres", autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.data.exists():
            self._run(str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "Postgres":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
