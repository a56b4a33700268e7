"""Git as the record of a workspace: review work committed in batches, ``localize sync`` with a remote.

Turned on by ``[tool.localize.git] commit = true`` in a workspace inside a git
work tree (the workspace may be a folder of a larger repository). Then:

* :func:`commit_settled` commits each catalog whose settled changes (saved, no
  write in progress) are not yet committed: one commit per article × language,
  whose author is the person with the most changes since the last such commit
  and the others ``Co-authored-by``. A ``Localize-History`` trailer keeps the
  last change of the history it covers, so the next commit names only the
  people who worked after it, whichever host makes it. Changed templates and
  sources go in one commit of their own. ``localize worker`` runs it every
  ``every`` seconds, every export before it makes editions (the manifest
  records the commit), ``localize commit`` by hand.
* :func:`sync` commits, fetches the remote's branch, merges it and pushes.
  The merge is made in a temporary work tree, catalogs entry by entry
  (:mod:`localize.pomerge`, as git's merge driver); the workspace's files are
  then replaced one by one under their catalog's lock, so a review save going
  on meanwhile is merged too, never overwritten. Two versions of one
  translation keep the better one; the other becomes a suggestion. A conflict
  in any other file stops the sync before anything changes, naming the files.

Everything goes through the ``git`` command; commits are made by
``localize <localize@EMAIL-DOMAIN>``, people as ``login <login@EMAIL-DOMAIN>``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import catalog, history, languages, po, pomerge
from .errors import CatalogError, LocalizeError, WorkspaceError
from .workspace import Workspace, slug

log = logging.getLogger("localize.git")

GIT_TIMEOUT = 300           # seconds for one git command (a fetch or a push over a slow link)
DEFAULT_EVERY = 300         # seconds between the worker's commits
DEFAULT_DOMAIN = "localize.invalid"
TRAILER = "Localize-History"
SYNC_USER = "sync"


class GitError(LocalizeError):
    """Git could not do what was asked: names the command's complaint; nothing was changed."""


@dataclass(frozen=True)
class GitSettings:
    """``[tool.localize.git]``."""

    commit: bool = False
    every: float = DEFAULT_EVERY
    remote: str = "origin"
    branch: str | None = None
    email_domain: str = DEFAULT_DOMAIN


def settings(ws: Workspace) -> GitSettings:
    table = ws.settings.extra.get("git", {})
    where = f"{ws.root / 'pyproject.toml'}: [tool.localize.git]"
    if not isinstance(table, dict):
        raise WorkspaceError(f"{where} must be a table")
    unknown = set(table) - {"commit", "every", "remote", "branch", "email-domain"}
    if unknown:
        raise WorkspaceError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    commit = table.get("commit", False)
    every = table.get("every", DEFAULT_EVERY)
    remote = table.get("remote", "origin")
    branch = table.get("branch")
    domain = table.get("email-domain", DEFAULT_DOMAIN)
    if not isinstance(commit, bool):
        raise WorkspaceError(f"{where} commit must be true or false, not {commit!r}")
    if isinstance(every, bool) or not isinstance(every, (int, float)) or not 1 <= every <= 86400:
        raise WorkspaceError(f"{where} every must be 1 to 86400 seconds, not {every!r}")
    for name, value in (("remote", remote), ("branch", branch)):
        if value is not None and (not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9][\w./-]{0,99}", value)
                                  or ".." in value):
            raise WorkspaceError(f"{where} {name} must be a git name, not {value!r}")
    if not isinstance(domain, str) or not re.fullmatch(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+", domain):
        raise WorkspaceError(f"{where} email-domain must be a domain name, not {domain!r}")
    return GitSettings(commit, float(every), remote, branch, domain)


@dataclass(frozen=True)
class Commit:
    sha: str
    language: str | None    # None: templates and sources
    slug: str | None
    authors: tuple[str, ...]
    changes: int


@dataclass
class SyncReport:
    fetched: str = ""           # the remote's commit merged
    merged: str = ""            # HEAD afterwards
    pushed: bool = False
    commits: list[Commit] = field(default_factory=list)
    files: list[str] = field(default_factory=list)          # workspace files the merge changed
    suggestions: list[int] = field(default_factory=list)    # conflicts kept as suggestions
    conflicts: list[dict] = field(default_factory=list)


class Repository:
    """The git work tree a workspace lives in."""

    def __init__(self, ws: Workspace, top: Path, git_dir: Path, config: GitSettings):
        self.ws, self.top, self.git_dir, self.config = ws, top, git_dir, config

    @classmethod
    def of(cls, ws: Workspace, *, required: bool = False) -> "Repository | None":
        """The repository of a workspace that turned git on; None if it did not (:class:`GitError` with
        ``required``, or if it did but is in no repository)."""
        config = settings(ws)
        if not config.commit:
            if required:
                raise GitError("git is not turned on for this workspace: set [tool.localize.git] commit = true "
                               "in pyproject.toml")
            return None
        if shutil.which("git") is None:
            raise GitError("[tool.localize.git] commit = true, but the git command is not installed")
        try:
            out = subprocess.run(["git", "-C", str(ws.root), "rev-parse", "--show-toplevel", "--absolute-git-dir"],
                                 capture_output=True, text=True, timeout=GIT_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise GitError(f"git: {exc}") from None
        if out.returncode != 0:
            raise GitError(f"[tool.localize.git] commit = true, but {ws.root} is not in a git work tree "
                           "(git init, or git clone the workspace)")
        top, git_dir = out.stdout.splitlines()[:2]
        return cls(ws, Path(top), Path(git_dir), config)

    def identity(self, name: str) -> str:
        login = re.sub(r"[^A-Za-z0-9._-]+", "-", name.removesuffix(" (command line)")).strip("-.") or "someone"
        return f"{login} <{login}@{self.config.email_domain}>"

    def git(self, *args: str, env: dict | None = None, check: bool = True, cwd: Path | None = None,
            timeout: float = GIT_TIMEOUT) -> subprocess.CompletedProcess:
        me = self.identity(history.SYSTEM)
        name, email = me.split(" <")
        full = {**os.environ, "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email[:-1],
                "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email[:-1], "GIT_TERMINAL_PROMPT": "0",
                "LC_ALL": "C", "GIT_LITERAL_PATHSPECS": "1", **(env or {})}
        try:
            result = subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=cwd or self.top, env=full,
                                    capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise GitError(f"git {args[0]} took more than {timeout:.0f} s; nothing was changed by it") from None
        if check and result.returncode != 0:
            said = (result.stderr.strip() or result.stdout.strip()).splitlines()
            raise GitError(f"git {args[0]} failed: {' '.join(said[-3:])[:500] or f'exit {result.returncode}'}")
        return result

    def head(self) -> str | None:
        out = self.git("rev-parse", "--verify", "-q", "HEAD", check=False)
        return out.stdout.strip() or None

    def relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.top.resolve()).as_posix()

    @contextlib.contextmanager
    def lock(self):
        """One committer at a time on this repository (every host, with a PostgreSQL store)."""
        with catalog.locked(self.git_dir / "localize-record", clean=False, timeout=GIT_TIMEOUT):
            yield

    def changed(self, pathspecs: list[str] | None = None) -> set[str]:
        """The paths (relative to the top) under ``pathspecs`` (folders or files; None: everywhere) that
        differ from HEAD or are untracked."""
        out = self.git("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *(pathspecs or ["."])).stdout
        found = set()
        parts = iter(out.split("\0"))
        for part in parts:
            if not part:
                continue
            code, path = part[:2], part[3:]
            if code[0] in "RC":
                next(parts, None)   # the old name of a rename
            found.add(path)
        return found


def _is_slug(name: str) -> bool:
    try:
        return slug(name) == name
    except WorkspaceError:
        return False


class _Layout:
    """Which workspace file a path (relative to the repository's top) is: a catalog, a template, a source."""

    def __init__(self, ws: Workspace, repo: Repository):
        self.locales = PurePosixPath(repo.relative(ws.locales_dir))
        self.sources = PurePosixPath(repo.relative(ws.source_dir))
        self.codes = {languages.to_gettext(lang): lang for lang in ws.settings.languages}

    def folders(self) -> list[str]:
        return sorted({str(self.locales), str(self.sources)})

    def catalog(self, path: str) -> tuple[str, str] | None:
        """(language, slug) of a catalog of the workspace's languages; None for any other file."""
        try:
            parts = PurePosixPath(path).relative_to(self.locales).parts
        except ValueError:
            return None
        if len(parts) != 3 or parts[1] != "LC_MESSAGES" or parts[0] not in self.codes or not parts[2].endswith(".po"):
            return None
        name = parts[2][:-3]
        return (self.codes[parts[0]], name) if _is_slug(name) else None

    def source(self, path: str) -> str | None:
        """The slug of an article's template or source file; None for any other file."""
        pure = PurePosixPath(path)
        if (pure.parent == self.locales and pure.suffix == ".pot") or \
                (pure.parent == self.sources and pure.suffix in (".html", ".md")):
            return pure.stem if _is_slug(pure.stem) else None
        return None


# -- committing ------------------------------------------------------------------------------

def commit_settled(ws: Workspace, *, langs: list[str] | None = None, names: list[str] | None = None) -> list[Commit]:
    """Commit what changed in the workspace's catalogs, templates and sources (of ``langs`` × ``names``,
    default every one); the commits made. Nothing when git is not turned on."""
    repo = Repository.of(ws)
    if repo is None:
        return []
    with repo.lock():
        return commit_held(ws, repo, langs, names)


def commit_held(ws: Workspace, repo: Repository, langs, names) -> list[Commit]:
    """:func:`commit_settled` for a caller that holds the repository's lock."""
    store = history.store_of(ws.root)
    made: list[Commit] = []
    layout = _Layout(ws, repo)
    changed = repo.changed(layout.folders())
    catalogs = {path: found for path in changed if (found := layout.catalog(path)) is not None
                and (not langs or found[0] in langs) and (not names or found[1] in names)}
    moved = sorted(path for path in changed if (name := layout.source(path)) is not None
                   and (not names or name in names))
    if moved:
        repo.git("add", "-A", "--", *moved)
        if repo.git("diff", "--cached", "--quiet", "--", *moved, check=False).returncode:
            slugs = sorted({Path(p).stem for p in moved})
            repo.git("commit", "-q", "--no-verify", "-m", f"Sources: {', '.join(slugs)}", "--", *moved)
            made.append(Commit(repo.head(), None, None, (history.SYSTEM,), len(moved)))
    for path, (lang, name) in sorted(catalogs.items()):
        full = repo.top / path
        with catalog.locked(full, clean=False):
            if store is not None and store.pending(lang, name):
                continue   # a write under way: settled next time
            if not full.exists():
                continue   # never committed and gone: nothing to record
            since = _last_recorded(repo, path)
            rows = store.history(lang, name, since=since) if store is not None else []
            people = Counter(row.user for row in rows)
            authors = [user for user, _ in people.most_common()] or [history.SYSTEM]
            last = max((row.id for row in rows), default=since)
            actions = Counter(row.action for row in rows)
            subject = f"{lang}/{name}: " + (f"{len(rows)} changes by {len(people)} "
                                             f"{'person' if len(people) == 1 else 'people'}" if rows
                                             else "catalog updated")
            body = ", ".join(f"{action} {count}" for action, count in sorted(actions.items()))
            trailers = [f"Co-authored-by: {repo.identity(user)}" for user in authors[1:]]
            trailers.append(f"{TRAILER}: {last}")
            message = subject + ("\n\n" + body if body else "") + "\n\n" + "\n".join(trailers) + "\n"
            name_, email = repo.identity(authors[0]).split(" <")
            repo.git("add", "--", path)
            repo.git("commit", "-q", "--no-verify", "-m", message, "--", path,
                     env={"GIT_AUTHOR_NAME": name_, "GIT_AUTHOR_EMAIL": email[:-1]})
            made.append(Commit(repo.head(), lang, name, tuple(authors), len(rows)))
    return made


def _last_recorded(repo: Repository, path: str) -> int:
    out = repo.git("log", "-1", f"--format=%(trailers:key={TRAILER},valueonly)", "--", path, check=False).stdout
    value = out.strip().splitlines()[-1].strip() if out.strip() else ""
    return int(value) if value.isdigit() else 0


def committer(ws: Workspace) -> threading.Thread | None:
    """For ``localize worker``: a thread that commits settled work every ``every`` seconds; None when git is off."""
    repo = Repository.of(ws)
    if repo is None:
        return None
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(repo.config.every):
            try:
                for made in commit_settled(ws):
                    log.info("committed %s %s/%s by %s", made.sha[:10], made.language or "sources", made.slug or "",
                             ", ".join(made.authors))
            except LocalizeError as exc:
                log.warning("commit: %s", exc)

    thread = threading.Thread(target=run, name="git commits", daemon=True)
    thread.stop = stop   # type: ignore[attr-defined]
    thread.start()
    return thread


# -- sync ------------------------------------------------------------------------------------------

def sync(ws: Workspace, *, remote: str | None = None, branch: str | None = None, push: bool = True) -> SyncReport:
    """Commit, fetch the remote's branch, merge it into the workspace and push the result."""
    repo = Repository.of(ws, required=True)
    remote = remote or repo.config.remote
    if repo.git("remote", "get-url", "--", remote, check=False).returncode != 0:
        raise GitError(f"no git remote {remote!r}: git remote add {remote} URL, or [tool.localize.git] remote")
    if branch is None:
        branch = repo.config.branch or repo.git("symbolic-ref", "-q", "--short", "HEAD", check=False).stdout.strip()
        if not branch:
            raise GitError("the workspace is on no branch (a detached HEAD): check out a branch to sync")
    report = SyncReport()
    with repo.lock():
        for _attempt in range(3):
            report.commits += commit_held(ws, repo, None, None)
            ours = repo.head()
            fetched = repo.git("fetch", "-q", "--no-tags", remote, f"refs/heads/{branch}", check=False)
            if fetched.returncode != 0:
                if "couldn't find remote ref" in fetched.stderr:
                    theirs = None   # a new, empty remote: push ours
                else:
                    said = fetched.stderr.strip().splitlines()
                    raise GitError(f"git fetch {remote} failed: {' '.join(said[-2:])[:500]}")
            else:
                theirs = repo.git("rev-parse", "FETCH_HEAD").stdout.strip()
            report.fetched = theirs or ""
            if theirs and ours is None:
                target = theirs
            elif theirs is None or _is_ancestor(repo, theirs, ours):
                target = ours
            elif _is_ancestor(repo, ours, theirs):
                target = theirs
            else:
                target, conflicts = _merge(repo, ours, theirs, f"{remote}/{branch}")
                report.conflicts += conflicts
            if target != ours:
                report.files += _bring(ws, repo, ours, target, report, f"sync {remote}/{branch}")
            report.merged = target or ""
            if not push or target is None:
                return report
            pushed = repo.git("push", "-q", remote, f"HEAD:refs/heads/{branch}", check=False)
            if pushed.returncode == 0:
                report.pushed = True
                return report
            if "rejected" not in pushed.stderr and "fetch first" not in pushed.stderr:
                said = pushed.stderr.strip().splitlines()
                raise GitError(f"git push {remote} failed: {' '.join(said[-2:])[:500]}")
        raise GitError(f"{remote}/{branch} kept moving while syncing; the workspace holds what was merged; "
                       "sync again")


def _is_ancestor(repo: Repository, older: str, newer: str) -> bool:
    return repo.git("merge-base", "--is-ancestor", older, newer, check=False).returncode == 0


def _merge(repo: Repository, ours: str, theirs: str, what: str) -> tuple[str, list[dict]]:
    """The merge of ``theirs`` into ``ours``, made in a temporary work tree: the new commit and the conflicts
    its catalogs had (each a dict with the catalog's path)."""
    with tempfile.TemporaryDirectory(prefix="localize-merge-") as scratch:
        tree = Path(scratch) / "tree"
        attributes = Path(scratch) / "attributes"
        attributes.write_text("*.po merge=localize-po\n", encoding="utf-8")
        conflicts_file = Path(scratch) / "conflicts.jsonl"
        driver = f"{shlex.quote(sys.executable)} -m localize.pomerge %O %A %B %P"
        repo.git("worktree", "add", "-q", "--detach", str(tree), ours)
        try:
            merged = repo.git("-c", f"core.attributesFile={attributes}", "-c", f"merge.localize-po.driver={driver}",
                              "-c", "merge.localize-po.name=localize: catalogs entry by entry",
                              "merge", "-q", "--no-ff", "--no-edit", "-m", f"Merge {what}", theirs,
                              cwd=tree, check=False,
                              env={"LOCALIZE_MERGE_CONFLICTS": str(conflicts_file),
                                   "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parent.parent),
                                                                              os.environ.get("PYTHONPATH")]))})
            if merged.returncode != 0:
                unmerged = repo.git("diff", "--name-only", "--diff-filter=U", cwd=tree, check=False).stdout.split()
                refused = [line.removeprefix("localize: ") for line in merged.stderr.splitlines()
                           if line.startswith("localize: ")]
                detail = "; ".join(refused) or (f"conflicting changes in {', '.join(unmerged)}" if unmerged
                                                 else merged.stderr.strip()[-300:])
                raise GitError(f"cannot merge {what}: {detail}. Nothing was changed; resolve it in git "
                               "(git merge), then sync again")
            target = repo.git("rev-parse", "HEAD", cwd=tree).stdout.strip()
        finally:
            repo.git("worktree", "remove", "--force", str(tree), check=False)
            repo.git("worktree", "prune", check=False)
        conflicts = []
        if conflicts_file.exists():
            conflicts = [json.loads(line) for line in conflicts_file.read_text(encoding="utf-8").splitlines() if line]
    return target, conflicts


def _show(repo: Repository, commit: str, path: str) -> bytes | None:
    out = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=repo.top, capture_output=True,
                         timeout=GIT_TIMEOUT)
    return out.stdout if out.returncode == 0 else None


def _bring(ws: Workspace, repo: Repository, ours: str, target: str, report: SyncReport, origin: str) -> list[str]:
    """Make the workspace's files hold ``target``'s version where they held ``ours``'s, then move HEAD."""
    layout = _Layout(ws, repo)
    changes = repo.git("diff", "--name-only", "-z", "--no-renames", ours, target).stdout.split("\0")
    changes = [p for p in changes if p]
    catalogs = {path: found for path in changes if (found := layout.catalog(path)) is not None}
    # first: no file the merge changes holds local work outside the record (that would be lost)
    dirty = repo.changed() & set(changes)
    blocked = [p for p in dirty if p not in catalogs]
    if blocked:
        raise GitError(f"{', '.join(sorted(blocked)[:5])} changed here and in the merge: commit or put away "
                       "those changes, then sync again; nothing was changed")
    store = history.store_of(ws.root)
    recorder = history.Recorder(store, SYNC_USER, "sync") if store is not None else None
    done = []
    with history.kept(recorder):
        for path in changes:
            full = repo.top / path
            new = _show(repo, target, path)
            if path in catalogs:
                lang, name = catalogs[path]
                with catalog.locked(full):
                    _bring_catalog(ws, repo, full, path, ours, new, lang, name, recorder)
            else:
                _replace(full, new)
            done.append(path)
    repo.git("update-ref", "-m", f"localize: {origin}", "HEAD", target, ours)
    repo.git("reset", "-q")    # the index follows HEAD; the files are already there
    if store is not None:
        for conflict in report.conflicts:
            where = catalogs.get(conflict["path"])
            if where is None:
                continue
            lang, name = where
            current = po.parse(catalog.read_text(repo.top / conflict["path"]), conflict["path"])
            entry = current.index().get((conflict["msgctxt"], conflict["msgid"]))
            if entry is None:
                continue
            made, _ = store.suggest({"user": SYNC_USER, "language": lang, "slug": name,
                                     "entry": history.entry_id(entry.msgctxt, entry.msgid), "msgctxt": entry.msgctxt,
                                     "msgid": entry.msgid, "msgstr": entry.msgstr,
                                     "state": history.state_of(entry)}, conflict["other"], origin)
            report.suggestions.append(made.id)
    return done


def _bring_catalog(ws, repo, full: Path, path: str, ours: str, new: bytes | None, lang: str, name: str,
                   recorder) -> None:
    now = full.read_bytes() if full.exists() else None
    was = _show(repo, ours, path)
    if new is None:   # removed by the merge
        if now is not None and now == was:
            full.unlink()
        return
    text = new.decode("utf-8")
    if now is not None and now != was:   # saved here since the commit: merged in, entry by entry
        try:
            base = po.parse(was.decode("utf-8"), path) if was else None
            merged, _ = pomerge.merge3(base, po.parse(now.decode("utf-8"), path), po.parse(text, path))
        except (CatalogError, UnicodeDecodeError) as exc:
            raise GitError(f"cannot merge {path}: {exc}") from None
        text = po.dumps(merged)
    before = history.snapshot(po.parse(now.decode("utf-8"), path)) if now else history.snapshot(po.Catalog())
    if recorder is not None:
        recorder.record(lang, name, before, po.parse(text, path), path=full, text=text)
    catalog.write_atomic(full, text)


def _replace(full: Path, data: bytes | None) -> None:
    if data is None:
        full.unlink(missing_ok=True)
        return
    full.parent.mkdir(parents=True, exist_ok=True)
    tmp = full.with_name(f".{full.name}.sync")
    tmp.write_bytes(data)
    os.replace(tmp, full)
