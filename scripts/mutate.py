"""Mutation testing of the core modules: do the tests notice when the code is changed?

    .venv/bin/python scripts/mutate.py                 every module (make mutate; three to four hours)
    .venv/bin/python scripts/mutate.py --only markup   one module (repeatable)
    .venv/bin/python scripts/mutate.py --report        the table and survivors of the last run, again
    .venv/bin/python scripts/mutate.py --diffs         ... with each unexplained survivor's change
    .venv/bin/python scripts/mutate.py --survivors     the last run's survivors again, against today's tests

mutmut 3 mutates a scratch copy of this checkout per module (out/mutate/<module>) and runs,
for each mutant, the module's tests that call the changed function (MODULES below), fastest
first, stopping at the first failure; tests slower than a second are left out (see
scripts/mutate_plugin.py). mutmut leaves decorated functions alone, so before it runs, the
copy's module-level functions decorated with a registration such as ``@check(...)`` or
``@contextlib.contextmanager`` are rewritten as ``f = check(...)(f)`` after the function:
the same function, registered the same way, and now mutated too. Functions behind a cache
(``functools.lru_cache``) stay as they are: a cache filled by one mutant would answer for
the next.

The table counts, per module, the mutants, those killed (a test failed), those that
survived, timed out (counted as caught: the change made the code loop), and those no test
runs. The score is caught over all mutants. Survivors listed in the README's "Mutation
testing" section, with the reason they change nothing a user could see, are marked as
explained.
"""
from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Each module, the files it covers (globs, relative to the checkout), and the tests that exercise it
# in this process (mutmut maps each of those tests to the functions it calls, and runs a mutant against
# the tests that call its function). Browser tests and tests of servers are left out: they drive the
# same code through other processes, and would make one survivor cost minutes.
MODULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "markup": (("localize/markup.py",),
               ("tests/test_markup.py", "tests/test_protect.py", "tests/test_render_faithful.py",
                "tests/test_article.py", "tests/test_xliff.py", "tests/reliability/test_fuzz_markup.py")),
    "checks": (("localize/checks/*.py",),
               ("tests/test_checks.py", "tests/test_checks_rules.py", "tests/test_checks_machine.py",
                "tests/test_qa_text.py", "tests/test_qa_labelled.py", "tests/test_staleness.py")),
    "catalog": (("localize/catalog.py",),
                ("tests/test_catalog.py", "tests/test_catalog_files.py", "tests/test_catalog_text.py",
                 "tests/test_merge_properties.py", "tests/test_pomerge.py",
                 "tests/test_staleness.py", "tests/test_loss.py")),
    "po": (("localize/po/*.py",),
           ("tests/test_po.py", "tests/test_po_errors.py", "tests/test_po_conformance.py",
            "tests/reliability/test_hostile_catalogs.py")),
    "review": (("localize/review.py",),
               ("tests/test_review.py", "tests/test_review_actions.py", "tests/test_web_review.py",
                "tests/test_loss.py")),
    "gate": (("localize/editions/gate.py",),
             ("tests/test_gate.py", "tests/test_editions.py", "tests/test_web_publish.py")),
}

# tests that read the source files themselves (a mutant's copy is not the source a user has)
DESELECTED = [
    "tests/test_qa_text.py::test_the_checks_messages_are_extracted",
    "tests/test_qa_text.py::test_every_message_of_the_checks_is_translated",
    "tests/test_qa_text.py::test_the_checks_say_their_messages_with_said",
    # timings of the reader on 5 MB inputs: seconds per survivor, and any mutant that slows it is a timeout
    "tests/reliability/test_hostile_catalogs.py::test_the_reader_alone_is_quick_on_each_huge_input",
    "tests/reliability/test_hostile_catalogs.py::test_huge_inputs_are_dealt_with_quickly",
]

# decorators that register or wrap a function without remembering its results
REWRITTEN = ("check", "contextlib.contextmanager", "contextmanager")

CAUGHT = {"killed", "timeout"}
README_SECTION = "## Mutation testing"
MUTANT_NAME = re.compile(r"`(localize\.[\w.]+__mutmut_\d+)`")
MUTANT_RANGE = re.compile(r"`(localize\.[\w.]+__mutmut_)(\d+)` to `\1(\d+)`")   # `f__mutmut_2` to `f__mutmut_5`


def files_of(modules: list[str]) -> list[str]:
    found = []
    for name in modules:
        for pattern in MODULES[name][0]:
            found += sorted(str(p.relative_to(ROOT)) for p in ROOT.glob(pattern))
    return found


def module_of(path: str) -> str:
    for name, (patterns, _) in MODULES.items():
        if any(fnmatch.fnmatch(path, p) for p in patterns):
            return name
    raise KeyError(path)


# -- the scratch copy -------------------------------------------------------------------

def copy_checkout(scratch: Path) -> list[str]:
    """Copy the checkout's tracked files (and its untracked new ones), without .git and the venv; their names."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.splitlines()
    for name in listed:
        source = ROOT / name
        if not source.is_file():
            continue
        target = scratch / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return listed


def _decorator_name(decorator) -> str:
    import libcst as cst
    node = decorator.decorator
    if isinstance(node, cst.Call):
        node = node.func
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if isinstance(node, cst.Name):
        parts.append(node.value)
    return ".".join(reversed(parts))


def unwrap_decorators(source: str) -> tuple[str, list[str]]:
    """Module-level functions decorated only by REWRITTEN decorators, as a plain function
    followed by ``name = decorator(name)``: the function mutmut will mutate."""
    import libcst as cst
    module = cst.parse_module(source)
    body, rewritten = [], []
    for statement in module.body:
        if (isinstance(statement, cst.FunctionDef) and statement.decorators
                and all(_decorator_name(d) in REWRITTEN for d in statement.decorators)):
            name = statement.name.value
            applied = name
            for decorator in reversed(statement.decorators):
                applied = f"{module.code_for_node(decorator.decorator)}({applied})"
            body.append(statement.with_changes(decorators=[]))
            body.append(cst.parse_statement(f"{name} = {applied}\n"))
            rewritten.append(name)
        else:
            body.append(statement)
    return module.with_changes(body=body).code, rewritten


def prepare(scratch: Path, files: list[str], tests: list[str], fresh: bool) -> None:
    if fresh and scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    listed = copy_checkout(scratch)
    for name in files:
        path = scratch / name
        text, rewritten = unwrap_decorators(path.read_text(encoding="utf-8"))
        path.write_text(text, encoding="utf-8")
        if rewritten:
            print(f"  {name}: {len(rewritten)} decorated functions mutated too ({', '.join(rewritten)})")
    top = sorted({Path(n).parts[0] for n in listed} - {"localize", "tests", "pyproject.toml"})
    write_config(scratch, files, tests, top)


def write_config(scratch: Path, files: list[str], tests: list[str], top: list[str]) -> None:
    """The copy's pyproject.toml: the checkout's, with mutmut's settings for this module."""
    config = {
        "source_paths": ["localize"],
        "only_mutate": files,
        "also_copy": top,
        "pytest_add_cli_args_test_selection": [t for t in tests if (ROOT / t.split("::")[0]).exists()],
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-p", "mutate_plugin", "-W", "ignore",
                                *(f"--deselect={t}" for t in DESELECTED)],
        # mutmut stops a mutant after (its tests' time + constant) × multiplier CPU seconds, counting tests but
        # not their set-up (a fixture that drafts an article with Apertium) nor pytest's start: the constant
        # covers those, or a mutant whose tests all pass slowly would be taken for one that loops, and counted
        # as caught (the checks' 500 tests take 25 s with their set-up)
        "timeout_constant": 30.0,
        "timeout_multiplier": 2.0,
        "use_git_change_detection": False,
    }
    pyproject = scratch / "pyproject.toml"
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    text += "\n[tool.mutmut]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in config.items())
    pyproject.write_text(text, encoding="utf-8")


def refresh(scratch: Path, files: list[str], tests: list[str] = ()) -> list[str]:
    """Bring the checkout's code and tests into a finished run's copy, to run its mutants not killed again.

    A module changed since the run is copied too (its decorated functions rewritten), newer than its
    mutants: mutmut then mutates it anew, and drops the results of the functions that changed, whose
    mutants run again with the others; a function unchanged keeps its results. The files changed are
    returned."""
    changed = []
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "localize", "tests"], cwd=ROOT,
                            check=True, capture_output=True, text=True).stdout.splitlines()
    for name in listed:
        here, there = ROOT / name, scratch / name
        if not here.is_file():
            continue
        there.parent.mkdir(parents=True, exist_ok=True)
        if name in files:
            text, _ = unwrap_decorators(here.read_text(encoding="utf-8"))
            if not there.is_file() or there.read_text(encoding="utf-8") != text:
                there.write_text(text, encoding="utf-8")
                changed.append(name)
        else:
            shutil.copy2(here, there)
    # a test changed since the run may call other functions now (mutmut maps only new tests again):
    # the map from functions to the tests that call them is made anew
    (scratch / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    if tests:   # the settings as they are now (the run's folders to copy stay the run's)
        top = tomllib.loads((scratch / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mutmut"]["also_copy"]
        write_config(scratch, files, list(tests), top)
    return changed


def forget(scratch: Path, files: list[str]) -> int:
    """Drop the results of the mutants not killed, so that mutmut runs them again."""
    from mutmut.stats import status_by_exit_code
    dropped = 0
    for name in files:
        meta = scratch / "mutants" / (name + ".meta")
        if not meta.exists():
            continue
        data = json.loads(meta.read_text())
        for key, code in data["exit_code_by_key"].items():
            if code is not None and status_by_exit_code[code] != "killed":
                data["exit_code_by_key"][key] = None
                dropped += 1
        meta.write_text(json.dumps(data, indent=4))
    return dropped


def run_mutmut(scratch: Path, names: list[str], children: int) -> int:
    env = dict(os.environ)
    # tests that run `localize` in a child process see the mutated code too
    env["PYTHONPATH"] = os.pathsep.join((str(scratch / "mutants"), str(ROOT / "scripts")))
    # made before Python starts: a path missing at start-up is remembered as missing
    (scratch / "mutants").mkdir(exist_ok=True)
    mutmut = Path(sys.executable).with_name("mutmut")
    command = [str(mutmut), "run", "--max-children", str(children), *names]
    return subprocess.run(command, cwd=scratch, env=env).returncode


# -- the report -------------------------------------------------------------------------

def results(scratch: Path, files: list[str]) -> dict[str, tuple[str, str]]:
    """Each mutant's status, and the module it is in."""
    from mutmut.stats import status_by_exit_code
    found = {}
    for name in files:
        meta = scratch / "mutants" / (name + ".meta")
        if not meta.exists():
            continue
        for key, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            found[key] = status_by_exit_code[code], module_of(name)
    return found


def explained() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.find(README_SECTION)
    if start < 0:
        return set()
    end = text.find("\n## ", start + len(README_SECTION))
    section = text[start:end if end > 0 else None]
    names = set(MUTANT_NAME.findall(section))
    for m in MUTANT_RANGE.finditer(section):
        names.update(f"{m.group(1)}{n}" for n in range(int(m.group(2)), int(m.group(3)) + 1))
    return names


def diff_of(scratch: Path, name: str) -> str:
    mutmut = Path(sys.executable).with_name("mutmut")
    shown = subprocess.run([str(mutmut), "show", name], cwd=scratch, capture_output=True, text=True).stdout
    return "\n".join(line for line in shown.splitlines()
                     if line.startswith(("+", "-")) and not line.startswith(("+++", "---")))


def report(folder: Path, modules: list[str], show_diffs: bool, only: list[str] = ()) -> dict[str, dict]:
    """Print the table of the modules' last runs (each in ``folder/<module>``) and their survivors."""
    statuses: dict[str, tuple[str, str]] = {}
    unrun: dict[str, int] = {}   # mutants an interrupted run did not reach
    for module in modules:
        for key, (status, name) in results(folder / module, files_of([module])).items():
            if only and not any(fnmatch.fnmatch(key, p) for p in only):
                continue
            if status == "not checked":
                unrun[name] = unrun.get(name, 0) + 1
            else:
                statuses[key] = status, name
    known = explained()
    table: dict[str, dict] = {}
    for status, module in statuses.values():
        row = table.setdefault(module, dict.fromkeys(
            ("mutants", "killed", "survived", "timeout", "no tests", "other"), 0))
        row["mutants"] += 1
        row[status if status in row else "other"] += 1
    print(f"\n{'module':<10}{'mutants':>9}{'killed':>8}{'survived':>10}{'timeout':>9}{'no tests':>10}"
          f"{'other':>7}{'score':>8}")
    for module in MODULES:
        if module not in table:
            continue
        row = table[module]
        row["score"] = 100 * (row["killed"] + row["timeout"]) / row["mutants"]
        row["not run"] = unrun.get(module, 0)
        print(f"{module:<10}{row['mutants']:>9}{row['killed']:>8}{row['survived']:>10}{row['timeout']:>9}"
              f"{row['no tests']:>10}{row['other']:>7}{row['score']:>7.1f}%"
              + (f"  (interrupted: {row['not run']} more not run)" if row["not run"] else ""))
    survivors = sorted(k for k, (s, _) in statuses.items() if s not in CAUGHT)
    unexplained = [k for k in survivors if k not in known]
    print(f"\n{len(survivors)} not caught, {len(survivors) - len(unexplained)} of them explained in the README's "
          f"\"{README_SECTION[3:]}\" section:")
    for key in survivors:
        status, module = statuses[key]
        print(f"  {key}  [{'explained' if key in known else status}]")
        if show_diffs and key not in known:
            for line in diff_of(folder / module, key).splitlines():
                print(f"      {line.strip()}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "table.json").write_text(json.dumps(table, indent=1))
    (folder / "survivors.json").write_text(json.dumps({k: statuses[k] for k in survivors}, indent=1))
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=list(MODULES), help="a module (repeatable)")
    parser.add_argument("--dir", type=Path, default=ROOT / "out" / "mutate",
                        help="where the scratch copies go, one per module")
    parser.add_argument("--tests", action="append", help="test files or ids to run instead of the module's")
    parser.add_argument("--mutants", nargs="*", default=[], help="mutant names or globs to run (default: all)")
    parser.add_argument("--children", type=int, default=os.cpu_count() or 2, help="mutants run at once")
    parser.add_argument("--resume", action="store_true", help="go on with an interrupted run's mutants")
    parser.add_argument("--survivors", action="store_true",
                        help="run the last run's mutants not killed (survived, timed out, not run) again, against "
                             "the code and tests as they are now (a changed function's mutants run again too)")
    parser.add_argument("--report", action="store_true", help="only print the last run's table and survivors")
    parser.add_argument("--diffs", action="store_true", help="print the last run's report with each unexplained survivor's change")
    args = parser.parse_args(argv)
    modules = args.only or list(MODULES)
    if not (args.report or args.diffs):     # --diffs reads the last run; it never starts one
        for module in modules:
            started = time.monotonic()
            files = files_of([module])
            scratch = args.dir / module
            print(f"{module}: mutating {len(files)} files in {scratch}", flush=True)
            names = args.mutants
            if args.survivors:
                for name in refresh(scratch, files, args.tests or list(MODULES[module][1])):
                    print(f"  {name} changed since the run: the mutants of its changed functions run again")
                # a timeout may be a mutant that loops or a test slowed by a busy machine: run those again too
                forget(scratch, files)
                count = sum(status != "killed" for status, _ in results(scratch, files).values())
                print(f"{module}: {count} mutants not killed, run again (with those of changed functions)",
                      flush=True)
                names = []
            elif not (args.resume and (scratch / "mutants").is_dir()):
                prepare(scratch, files, args.tests or list(MODULES[module][1]), fresh=True)
            code = run_mutmut(scratch, names, args.children)
            print(f"{module}: mutmut ran {time.monotonic() - started:.0f} s, exit {code}", flush=True)
            if code != 0:
                return code
    report(args.dir, modules, args.diffs, args.mutants)
    return 0


if __name__ == "__main__":
    sys.exit(main())
