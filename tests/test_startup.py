"""What a command imports before it runs: `localize --version` and single-file extraction start without the
store (SQLAlchemy), the web face (Flask), PDFs (WeasyPrint), fuzzy matching, the queue or the engines'
clients; the commands that need them still find them. Measured as the set of modules loaded, not a time."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("sqlalchemy", "alembic", "psycopg", "redis", "huey", "flask", "werkzeug", "jinja2", "weasyprint",
         "rapidfuzz", "markdown_it", "requests")

RUN = """
import json, sys
from localize.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def loaded(*args: str, cwd=None) -> tuple[int, set[str]]:
    done = subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True, cwd=cwd, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return found["code"], {name.split(".")[0] for name in found["modules"]}


def test_version_loads_nothing_heavy_and_not_the_markup_stack():
    code, modules = loaded("--version")
    assert code == 0
    assert not modules & {*HEAVY, "lxml", "babel"}, sorted(modules & {*HEAVY, "lxml", "babel"})


def test_extracting_one_page_loads_only_what_splitting_needs(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<!doctype html><html lang="en"><head><title>T</title></head>'
                    "<body><h1>Hello</h1><p>A <em>small</em> page.</p></body></html>", encoding="utf-8")
    code, modules = loaded("extract", str(page), "-o", str(tmp_path / "page.pot"))
    assert code == 0 and (tmp_path / "page.pot").is_file()
    assert "lxml" in modules                          # it does parse the page
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


@pytest.mark.parametrize("args, needs", [
    (("db", "upgrade", "--database", "{tmp}/store.sqlite3"), "sqlalchemy"),
    (("serve", "--help"), "flask"),                 # a command another package adds, found when asked for
])
def test_the_commands_that_need_the_heavy_parts_still_get_them(tmp_path, args, needs):
    code, modules = loaded(*(a.format(tmp=tmp_path) for a in args), cwd=tmp_path)
    assert code == 0 and needs in modules


def test_the_command_list_still_shows_the_commands_other_packages_add():
    done = subprocess.run([sys.executable, "-c", RUN, "--help"], capture_output=True, text=True, check=True)
    assert "serve" in done.stdout and "export" in done.stdout and "sync" in done.stdout
