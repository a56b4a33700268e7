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


def test_a_survivors_pass_forgets_what_was_not_killed_and_brings_in_changed_code(tmp_path):
    """``--survivors``: survivors and timeouts run again (a busy machine makes timeouts), kills stand; a module
    changed since the run is copied in, rewritten, for mutmut to mutate its changed functions anew."""
    name = "localize/checks/content.py"
    meta = tmp_path / "mutants" / (name + ".meta")
    meta.parent.mkdir(parents=True)
    codes = {"a__mutmut_1": 1, "a__mutmut_2": 0, "a__mutmut_3": 36, "a__mutmut_4": None, "a__mutmut_5": 3}
    meta.write_text(json.dumps({"exit_code_by_key": codes, "hash_by_function_name": {"a": "x"}}))
    assert mutate.forget(tmp_path, [name]) == 2
    data = json.loads(meta.read_text())
    assert data["exit_code_by_key"] == {"a__mutmut_1": 1, "a__mutmut_2": None, "a__mutmut_3": None,
                                        "a__mutmut_4": None, "a__mutmut_5": 3}
    assert data["hash_by_function_name"] == {"a": "x"}

    (tmp_path / name).parent.mkdir(parents=True)
    (tmp_path / name).write_text("# as it was\n", encoding="utf-8")
    (tmp_path / "mutants" / "mutmut-stats.json").write_text("{}")
    assert mutate.refresh(tmp_path, [name]) == [name]
    assert not (tmp_path / "mutants" / "mutmut-stats.json").exists()   # which tests call what: read anew
    text = (tmp_path / name).read_text(encoding="utf-8")
    assert "@check(" not in text and "pseudo = check(" in text      # rewritten as for a whole run
    assert (tmp_path / "tests" / "test_mutation.py").is_file()       # the tests as they are now
    assert mutate.refresh(tmp_path, [name]) == []                    # nothing changed since
