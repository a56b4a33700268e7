"""Git as the record: review work committed per article × language with its translators as authors,
editions recording the commit they were made from, `localize sync` through a local bare repository
merging catalogs entry by entry (a conflict kept as a suggestion), and every refusal leaving the
workspace as it was. Real git, real catalogs, the real API and worker."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest

from conftest import assert_msgfmt_ok
from localize.cli import main
from localize.history import entry_id
from test_api import SLUG, Site, site, template  # noqa: F401  (fixtures: a workspace with accounts)

GIT_ON = '\n[tool.localize.git]\ncommit = true\n'
HEADING = entry_id(None, "Why this happens")


def cli(*args) -> int:
    return main([str(a) for a in args])


def git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "setup", "GIT_AUTHOR_EMAIL": "setup@example.org",
           "GIT_COMMITTER_NAME": "setup", "GIT_COMMITTER_EMAIL": "setup@example.org"}
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def under_git(site, remote: Path | None = None) -> None:
    """The workspace of ``site`` turned into a git repository with git on (and pushed to ``remote``)."""
    with (site.root / "pyproject.toml").open("a", encoding="utf-8") as out:
        out.write(GIT_ON)
    (site.root / ".gitignore").write_text("instance/\nout/\n*.lock\n", encoding="utf-8")
    git(site.root, "init", "-q", "-b", "main")
    git(site.root, "add", "-A")
    git(site.root, "commit", "-q", "-m", "The workspace")
    if remote is not None:
        git(remote.parent, "init", "-q", "--bare", "-b", "main", str(remote))
        git(site.root, "remote", "add", "origin", str(remote))
        git(site.root, "push", "-q", "origin", "main")


def save(site, who: str, lang: str, entry: str, text: str, action: str = "save"):
    item = site.entry(lang, entry)
    body = {"action": action, "version": item.version}
    if action == "save":
        body["text"] = text
    answer = site.call(who, "POST", f"/api/{lang}/{SLUG}/entries/{entry}", body)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def entries(site, lang: str) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in polib.pofile(str(site.po(lang)))}


def log(root: Path, *args: str) -> list[dict]:
    out = git(root, "log", "--format=%H%x1f%an%x1f%ae%x1f%B%x1e", *args)
    found = []
    for record in out.split("\x1e"):
        if record.strip():
            sha, name, email, body = record.strip("\n").split("\x1f")
            found.append({"sha": sha, "author": name, "email": email, "body": body})
    return found


def clean(root: Path, *paths: str) -> bool:
    return git(root, "status", "--porcelain", "--", *paths) == ""


# -- committing ------------------------------------------------------------------------------------

def test_review_work_is_committed_per_catalog_with_its_translators_as_authors(site, capsys):
    under_git(site)
    first = site.entry("es", HEADING)
    save(site, "tom", "es", HEADING, "Por qué ocurre esto")
    save(site, "rita", "es", HEADING, "", action="approve")
    other = next(i for i in site.review.items("es", SLUG) if i.id != HEADING and i.kind != "heading")
    save(site, "tom", "es", other.id, "Un párrafo traducido por tom.")
    save(site, "ada", "fr", HEADING, "Pourquoi cela arrive")
    assert not clean(site.root, "locales")
    assert cli("--root", site.root, "commit") == 0
    said = capsys.readouterr().out
    assert "es/emotional-numbness: 3 changes by tom, rita" in said and "fr/emotional-numbness" in said

    es, fr = log(site.root, "-1", "--", f"locales/es/LC_MESSAGES/{SLUG}.po")[0], \
        log(site.root, "-1", "--", f"locales/fr/LC_MESSAGES/{SLUG}.po")[0]
    assert (es["author"], es["email"]) == ("tom", "tom@localize.invalid")   # the most changes
    assert "Co-authored-by: rita <rita@localize.invalid>" in es["body"]
    assert "approve 1, save 2" in es["body"]
    assert fr["author"] == "ada" and "Co-authored-by" not in fr["body"]
    assert clean(site.root, "locales")
    committed = git(site.root, "show", f"HEAD:locales/es/LC_MESSAGES/{SLUG}.po")
    assert committed == site.po("es").read_text(encoding="utf-8") and first.msgstr == ""
    assert len(git(site.root, "log", "--format=%H").split()) == 3   # the workspace, es, fr: one each

    assert cli("--root", site.root, "commit") == 0
    assert capsys.readouterr().out.strip() == "nothing to commit"

    save(site, "rita", "es", other.id, "", action="approve")   # the next batch names only who worked since
    assert cli("--root", site.root, "commit", "--lang", "es") == 0
    latest = log(site.root, "-1")[0]
    assert latest["author"] == "rita" and "Co-authored-by" not in latest["body"]
    assert "1 changes by 1 person" in latest["body"]


def test_an_edition_records_the_commit_its_catalog_was_made_from(site):
    under_git(site)
    cat = polib.pofile(str(site.po("es")), wrapwidth=0)
    for entry in cat:
        entry.msgstr, entry.flags = "ES " + entry.msgid, []
    cat.save(str(site.po("es")))
    assert cli("--root", site.root, "export", "--lang", "es", "--slug", SLUG, "--format", "html") == 0
    manifest = json.loads((site.root / "out" / "editions" / "es" / f"{SLUG}.json").read_text(encoding="utf-8"))
    head = git(site.root, "rev-parse", "HEAD").strip()
    assert manifest["commit"] == head
    assert git(site.root, "show", f"{head}:locales/es/LC_MESSAGES/{SLUG}.po") == \
        site.po("es").read_text(encoding="utf-8")
    assert log(site.root, "-1")[0]["author"] == "localize"   # changed by a script: no person to name


def test_a_running_worker_commits_review_work_on_its_own(site):
    under_git(site)
    with (site.root / "pyproject.toml").open("a", encoding="utf-8") as out:
        out.write("every = 1\n")
    worker = subprocess.Popen([str(Path(sys.executable).parent / "localize"), "--root", str(site.root), "worker"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        save(site, "tom", "es", HEADING, "Por qué ocurre esto")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not clean(site.root, "locales"):
            time.sleep(0.2)
        committed = clean(site.root, "locales")
    finally:
        worker.terminate()
        said = worker.communicate(timeout=30)[0]
    assert committed, f"the worker did not commit within 30 s: {said[-2000:]}"
    assert log(site.root, "-1")[0]["author"] == "tom"
    assert "commits review work every 1 s" in said


@pytest.mark.parametrize("config, says", [
    ("", "git is not turned on"),
    ("\n[tool.localize.git]\ncommit = true\nevery = 0\n", "every must be 1 to 86400 seconds"),
    ("\n[tool.localize.git]\ncommit = true\nremote = \"--upload-pack=touch /tmp/x\"\n", "remote must be a git name"),
    ("\n[tool.localize.git]\ncommit = true\nbranch = \"a..b\"\n", "branch must be a git name"),
    ("\n[tool.localize.git]\ncommit = \"yes\"\n", "commit must be true or false"),
    ("\n[tool.localize.git]\ncommit = true\npush = true\n", "unknown keys push"),
    (GIT_ON, "is not in a git work tree"),
])
def test_git_misconfigured_is_a_clear_error_and_nothing_is_written(site, capsys, config, says):
    with (site.root / "pyproject.toml").open("a", encoding="utf-8") as out:
        out.write(config)
    before = site.po("es").read_bytes()
    assert cli("--root", site.root, "commit") in (1, 2)   # a workspace's setting: 2, git itself: 1
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
    assert site.po("es").read_bytes() == before and not (site.root / ".git").exists()


# -- sync ----------------------------------------------------------------------------------------------

@pytest.fixture
def pair(site, template, tmp_path):
    """Two workspaces, here and there, cloned from one bare repository, each with its own store."""
    under_git(site, tmp_path / "remote.git")
    there = tmp_path / "there"
    shutil.copytree(site.root, there)   # a clone, with the accounts of this one
    other = Site(there, template["tokens"], template["cited"])
    yield site, other
    for path in sorted((there / "locales").rglob("*.po")):
        assert_msgfmt_ok(path)


def test_sync_merges_work_on_different_entries_of_one_catalog_both_ways(pair, capsys):
    here, there = pair
    other = next(i for i in here.review.items("es", SLUG) if i.id != HEADING and i.kind != "heading")
    save(here, "tom", "es", HEADING, "Por qué ocurre esto")
    save(here, "rita", "es", HEADING, "", action="approve")
    save(there, "tom", "es", other.id, "Un párrafo de allí.")
    assert cli("--root", here.root, "sync") == 0
    assert "pushed" in capsys.readouterr().out
    assert cli("--root", there.root, "sync") == 0    # both changed es: merged entry by entry
    assert "1 files changed" in capsys.readouterr().out
    assert cli("--root", here.root, "sync") == 0
    for side in (here, there):
        es = entries(side, "es")
        assert es["Why this happens"].msgstr == "Por qué ocurre esto" and "fuzzy" not in es["Why this happens"].flags
        assert es[other.msgid].msgstr == "Un párrafo de allí."
        assert clean(side.root)
    assert git(here.root, "rev-parse", "HEAD") == git(there.root, "rev-parse", "HEAD")
    merges = [c for c in log(there.root) if c["body"].startswith("Merge origin/main")]
    assert merges, "no merge commit"
    rows = [c for c in here.store.history("es", SLUG) if c.action == "sync"]
    assert [r.new_msgstr for r in rows] == ["Un párrafo de allí."] and rows[0].user == "sync"


def test_two_versions_of_one_translation_keep_the_better_and_the_other_as_a_suggestion(pair, capsys):
    here, there = pair
    save(here, "tom", "es", HEADING, "Por qué pasa esto")
    save(here, "rita", "es", HEADING, "", action="approve")
    save(there, "tom", "es", HEADING, "Por qué ocurre")       # needs review there
    assert cli("--root", here.root, "sync") == 0
    assert cli("--root", there.root, "sync") == 0
    assert "1 conflicting translations kept as suggestions" in capsys.readouterr().out
    kept = entries(there, "es")["Why this happens"]
    assert kept.msgstr == "Por qué pasa esto" and "fuzzy" not in kept.flags   # approved beats needs review
    suggestions = there.store.suggestions("es", SLUG, HEADING)
    assert [(s.text, s.origin) for s in suggestions] == [("Por qué ocurre", "sync origin/main")]
    assert cli("--root", here.root, "sync") == 0
    assert entries(here, "es")["Why this happens"].msgstr == "Por qué pasa esto"


def test_a_conflict_outside_the_catalogs_stops_the_sync_and_changes_nothing(pair, capsys):
    here, there = pair
    for side, words in ((here, "here"), (there, "there")):
        (side.root / "glossary.toml").write_text(f'# {words}\n', encoding="utf-8")
        git(side.root, "add", "glossary.toml")
        git(side.root, "commit", "-q", "-m", f"glossary {words}")
    assert cli("--root", here.root, "sync") == 0
    save(there, "tom", "es", HEADING, "Por qué ocurre")
    head = git(there.root, "rev-parse", "HEAD")
    capsys.readouterr()
    assert cli("--root", there.root, "sync") == 1
    err = capsys.readouterr().err
    assert "cannot merge origin/main: conflicting changes in glossary.toml" in err and "Traceback" not in err
    assert (there.root / "glossary.toml").read_text(encoding="utf-8") == "# there\n"
    assert entries(there, "es")["Why this happens"].msgstr == "Por qué ocurre"
    assert git(there.root, "rev-parse", "HEAD~1") == head   # only its own work was committed
    assert len(git(there.root, "worktree", "list").splitlines()) == 1   # the merge's work tree is gone
    assert clean(there.root)   # nothing is left half-done


def test_sync_without_a_remote_or_a_branch_says_so(site, capsys):
    under_git(site)
    assert cli("--root", site.root, "sync") == 1
    assert "no git remote 'origin'" in capsys.readouterr().err
    git(site.root, "remote", "add", "origin", str(site.root / "nowhere.git"))
    assert cli("--root", site.root, "sync") == 1
    err = capsys.readouterr().err
    assert "git fetch origin failed" in err and "Traceback" not in err


def test_a_workspace_in_a_folder_of_a_larger_repository_commits_its_own_files_only(site, capsys):
    top = site.root.parent
    with (site.root / "pyproject.toml").open("a", encoding="utf-8") as out:
        out.write(GIT_ON)
    (top / ".gitignore").write_text("instance/\nout/\n*.lock\n", encoding="utf-8")
    (top / "notes.txt").write_text("the publisher's own file\n", encoding="utf-8")
    git(top, "init", "-q", "-b", "main")
    git(top, "add", ".gitignore")
    git(top, "commit", "-q", "-m", "The repository")
    assert cli("--root", site.root, "commit") == 0     # the workspace's files come in: sources, then each catalog
    first = log(top)
    assert len(first) == 1 + 1 + 6
    sources = git(top, "show", "--name-only", "--format=", first[-2]["sha"]).split()
    assert sorted(sources) == sorted(f"{site.root.name}/{kind}" for kind in (
        f"source/{SLUG}.html", "source/numbness-copy.html", f"locales/{SLUG}.pot", "locales/numbness-copy.pot"))
    save(site, "tom", "es", HEADING, "Por qué ocurre esto")
    assert cli("--root", site.root, "commit") == 0
    committed = git(top, "show", "--name-only", "--format=", "HEAD").split()
    assert committed == [f"{site.root.name}/locales/es/LC_MESSAGES/{SLUG}.po"]
    assert "?? notes.txt" in git(top, "status", "--porcelain")   # not the workspace's: left alone
