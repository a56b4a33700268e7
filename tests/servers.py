"""A real gunicorn serving ``web:create_app()`` over a workspace, for the tests that need several workers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
SECRET = "served-by-gunicorn-in-tests-" + "k" * 32


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn -w N over a workspace, its access log naming the worker (pid) of every request;
    ``env`` adds to the environment (None removes a variable). Stopped by stop()."""

    def __init__(self, root: Path, workers: int = 4, log: Path | None = None, env: dict | None = None):
        self.root, self.port = root, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.access = root / "access.log"
        self.log = (log or root / "gunicorn.log").open("wb")
        environment = {**os.environ, "LOCALIZE_ROOT": str(root), "LOCALIZE_SECRET_KEY": SECRET, **(env or {})}
        environment = {k: v for k, v in environment.items() if v is not None}
        self.proc = subprocess.Popen(
            [str(GUNICORN), "-w", str(workers), "-b", f"127.0.0.1:{self.port}", "--no-control-socket",
             "--graceful-timeout", "5", "--access-logfile", str(self.access),
             "--access-logformat", "%(p)s %(m)s %(U)s %(s)s", "web:create_app()"],
            cwd=REPO, env=environment, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}: {self.output()[-2000:]}")
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"gunicorn did not answer /healthz within {timeout} s: {self.output()[-2000:]}")

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")

    def workers_of(self, method: str, path: str) -> set[str]:
        """The workers (pids) that served requests for ``method path``."""
        lines = self.access.read_text().splitlines() if self.access.exists() else []
        return {line.split()[0] for line in lines if line.split()[1:3] == [method, path]}

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)   # the arbiter and its workers, a group of our own
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.log.close()
