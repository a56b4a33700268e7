"""A pytest plugin for the runs of scripts/mutate.py: each mutant's tests fastest first, slow ones left out.

mutmut runs, for each mutant, the tests that call the mutated function, stopping at the first failure.
Once every test has been timed with its set-up (mutmut's stats run, which runs them all), the tests are run
fastest first, so that a mutant is caught by the quickest test that can catch it; and tests slower than
``LOCALIZE_MUTATE_SLOW`` seconds (2 by default) are left out, or one survivor would cost the time of
every fuzzer in the suite. They still run in every normal test run.

Each test session also gets a temporary folder of its own: pytest keeps only the last three sessions'
folders, and with a session per mutant, two at a time, it would delete one still in use (and the
test's error would count as a kill).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

SLOW = float(os.environ.get("LOCALIZE_MUTATE_SLOW", "2.0"))


TIMES = Path("mutate-test-times.json")   # mutmut runs the tests in its mutants/ folder
_measured: dict[str, float] = {}


def _durations() -> dict[str, float] | None:
    if not TIMES.exists():
        return None
    try:
        return json.loads(TIMES.read_text(encoding="utf-8"))
    except ValueError:
        return None


def pytest_runtest_logreport(report):
    """Each test's time with its set-up (a fixture that drafts a whole article counts), while there are
    no times yet: mutmut's first run of every test, which collects its statistics."""
    if not TIMES.exists():
        _measured[report.nodeid] = _measured.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session):
    if _measured and not TIMES.exists() and os.environ.get("MUTANT_UNDER_TEST") == "stats":
        TIMES.write_text(json.dumps(_measured), encoding="utf-8")


def pytest_collection_modifyitems(session, config, items):
    durations = _durations()
    if not durations:
        return
    slow = [item for item in items if durations.get(item.nodeid, 0.0) > SLOW]
    if slow:
        config.hook.pytest_deselected(items=slow)
    kept = [item for item in items if durations.get(item.nodeid, 0.0) <= SLOW]
    kept.sort(key=lambda item: durations.get(item.nodeid, 0.0))
    items[:] = kept


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    if not config.option.basetemp:
        config.option.basetemp = config._mutate_basetemp = tempfile.mkdtemp(prefix="mutant-")


def pytest_unconfigure(config):
    folder = getattr(config, "_mutate_basetemp", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
