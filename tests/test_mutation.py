"""The mutation harness (scripts/mutate.py, `make mutate`) in a run small enough for every test run:
its rewrite of decorated functions, and a real mutmut run over the `pseudo` check's mutants."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("mutate", ROOT / "scripts" / "mutate.py")
mutate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mutate)

SOURCE = '''\
import contextlib
import functools

REGISTRY = {}


def check(name):
    def register(function):
        REGISTRY[name] = function
        return function
    return register


@check("twice")
def twice(x):
    return 2 * x


@contextlib.contextmanager
def opened(log):
    log.append("open")
    yield len(log)
    log.append("closed")


@functools.lru_cache(maxsize=8)
def cached(x):
    return x + 1


class Thing:
    @property
    def size(self):
        return 3
'''


def test_registered_functions_become_plain_functions_registered_after_them():
    text, rewritten = mutate.unwrap_decorators(SOURCE)
    assert rewritten == ["twice", "opened"]
    assert "@check" not in text and "@contextlib.contextmanager" not in text
    assert 'twice = check("twice")(twice)' in text and "opened = contextlib.contextmanager(opened)" in text
    # a cache stays a decorator: mutmut leaves that function alone
    assert "@functools.lru_cache(maxsize=8)\ndef cached" in text and "@property" in text
    # and the module does what it did
    namespace: dict = {}
    exec(compile(text, "rewritten.py", "exec"), namespace)
    assert namespace["REGISTRY"]["twice"](4) == 8 and namespace["REGISTRY"]["twice"] is namespace["twice"]
    log: list = []
    with namespace["opened"](log) as n:
        assert n == 1
    assert log == ["open", "closed"]


def test_every_module_of_the_core_is_found():
    files = mutate.files_of(list(mutate.MODULES))
    assert {mutate.module_of(f) for f in files} == set(mutate.MODULES)
    assert "localize/checks/content.py" in files and "localize/po/parser.py" in files
    tests = [t for _, tests in mutate.MODULES.values() for t in tests]
    assert all((ROOT / t).exists() for t in tests), [t for t in tests if not (ROOT / t).exists()]


def test_a_small_run_mutates_a_decorated_check_and_the_tests_kill_its_mutants(tmp_path, capsys):
    code = mutate.main(["--only", "checks", "--dir", str(tmp_path / "scratch"), "--children", "2",
                        "--tests", "tests/test_checks.py::test_passes", "--tests", "tests/test_checks.py::test_fails",
                        "--mutants", "localize.checks.content.x_pseudo__mutmut_*"])
    out = capsys.readouterr().out
    assert code == 0, out
    table = json.loads((tmp_path / "scratch" / "table.json").read_text())
    row = table["checks"]
    # pseudo is decorated with @check: without the harness's rewrite, mutmut would make no mutant of it
    assert row["mutants"] >= 10
    assert row["killed"] >= row["mutants"] // 2
    assert row["killed"] + row["survived"] + row["timeout"] + row["no tests"] + row["other"] == row["mutants"]
    assert f"{row['score']:.1f}%" in out
    # the survivors are named, each with its change
    survivors = [line for line in out.splitlines() if "x_pseudo__mutmut_" in line and "[" in line]
    assert len(survivors) == row["mutants"] - row["killed"] - row["timeout"]
    # the checkout itself is untouched: mutants live in the scratch copy only
    assert not (ROOT / "mutants").exists()
    assert "_mutmut" not in (ROOT / "localize" / "checks" / "content.py").read_text()
    assert sys.modules.get("localize.checks.content") is None or \
        "scratch" not in sys.modules["localize.checks.content"].__file__
