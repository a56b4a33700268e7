"""Shared fixtures: real workspaces in tmp_path, the command run in-process, GNU msgfmt."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

pytest.register_assert_rewrite("providers")
pytest_plugins = ["providers"]  # local stand-ins for the online MT services: fake_provider, mt_env

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "source" / "emotional-numbness.html"
PAGES = sorted((Path(__file__).parent / "pages").glob("*.html"))


def msgfmt_check(path: Path) -> subprocess.CompletedProcess:
    """GNU msgfmt --check, the outside referee for every catalog we write."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext (msgfmt) must be installed: scripts/setup installs it"
    return subprocess.run([msgfmt, "--check", "-o", "/dev/null", str(path)],
                          capture_output=True, text=True)


def assert_msgfmt_ok(path: Path) -> None:
    result = msgfmt_check(path)
    assert result.returncode == 0, f"msgfmt --check rejected {path}:\n{result.stderr}"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace holding the seed article, translated into Spanish and Arabic."""
    root = tmp_path / "ws"
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.localize]\nsource-language = "en"\nlanguages = ["es", "ar"]\n', encoding="utf-8")
    shutil.copy(SEED, root / "source" / "emotional-numbness.html")
    return root


class Result:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    def __repr__(self):
        return f"Result(code={self.code}, out={self.out!r}, err={self.err!r})"


@pytest.fixture
def run(monkeypatch, capsys):
    """Run `localize ARGS…` in-process from a folder; return its exit code and output."""
    from localize.cli import main

    def invoke(*args: str, cwd: Path | None = None) -> Result:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path, with its bytes (lock files left out)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith(".lock")}


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL cluster for the whole session (started the first time a test asks for it)."""
    from dataservers import POSTGRES_BIN, Postgres

    if POSTGRES_BIN is None:
        pytest.skip("needs Debian's postgresql (scripts/setup test)")
    pytest.importorskip("psycopg", reason="the PostgreSQL driver (scripts/setup test)")
    with Postgres() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """The store's address on each engine: a SQLite file, or a fresh database of the session's PostgreSQL."""
    if request.param == "sqlite":
        return tmp_path / "instance" / "localize.sqlite3"
    import uuid

    return request.getfixturevalue("postgres").create_database(f"t{uuid.uuid4().hex}")


@pytest.fixture(autouse=True)
def _catalog_locks_of_this_test():
    """A test whose store is PostgreSQL shares its catalog locks through it: the next test starts without."""
    from localize import catalog

    kept = catalog._shared_locks
    yield
    catalog._shared_locks = kept
