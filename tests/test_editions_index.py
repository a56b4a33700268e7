"""The index of published editions, one file per article: exports of different articles do not wait for one
another (only for their own article), readers see every change at once, and an index.json of an earlier
release is read as it is, then split when the folder is next written, nothing lost."""

from __future__ import annotations

import json
import threading

import polib
import pytest

from localize.cli import main
from localize.editions import store
from localize.errors import LocalizeError
from test_api import COPY, SLUG, site, template  # noqa: F401  (fixtures: a workspace with accounts)

EDITIONS = ("out", "editions")


def approve_all(site, lang: str, slug: str) -> None:
    cat = polib.pofile(str(site.po(lang, slug)), wrapwidth=0)
    for entry in cat:
        entry.msgstr, entry.flags = f"{lang.upper()} {entry.msgid}", []
    cat.save(str(site.po(lang, slug)))


def export(site, lang: str, slug: str) -> int:
    return main(["--root", str(site.root), "export", "--lang", lang, "--slug", slug, "--format", "html"])


def test_an_export_waits_for_its_own_article_only(site):
    approve_all(site, "es", SLUG)
    approve_all(site, "es", COPY)
    folder = site.root.joinpath(*EDITIONS)
    done: dict[str, int] = {}
    with store.locked(folder, SLUG):   # another worker is making this article's editions
        other = threading.Thread(target=lambda: done.update(copy=export(site, "es", COPY)))
        other.start()
        other.join(60)
        assert done == {"copy": 0}, "the export of another article waited"
        same = threading.Thread(target=lambda: done.update(same=export(site, "es", SLUG)))
        same.start()
        same.join(2)
        assert same.is_alive() and "same" not in done   # its own article: it waits
    same.join(60)
    assert done == {"copy": 0, "same": 0}
    listed = store.published(folder)
    assert set(listed) == {SLUG, COPY} and all(list(langs) == ["en", "es"] for langs in listed.values())


def test_readers_see_each_change_at_once(site):
    folder = site.root.joinpath(*EDITIONS)
    approve_all(site, "es", SLUG)
    assert export(site, "es", SLUG) == 0
    assert set(store.published(folder)) == {SLUG}   # read, and kept in memory
    approve_all(site, "es", COPY)
    assert export(site, "es", COPY) == 0
    assert set(store.published(folder)) == {SLUG, COPY}
    assert main(["--root", str(site.root), "withdraw", "--lang", "es", "--slug", COPY]) == 0
    assert list(store.published(folder)[COPY]) == ["en"]
    assert store.find(folder, "es", COPY) is None and store.find(folder, "es", SLUG) is not None


def test_an_index_of_an_earlier_release_is_read_then_split_keeping_every_edition(site):
    folder = site.root.joinpath(*EDITIONS)
    approve_all(site, "es", SLUG)
    assert export(site, "es", SLUG) == 0
    listed = store.read_index(folder)
    # the folder as an earlier release left it: the whole index in one file
    (folder / store.INDEX).write_text(json.dumps(listed), encoding="utf-8")
    for path in (folder / store.SHARDS).iterdir():
        path.unlink()
    (folder / store.SHARDS).rmdir()
    assert store.read_index(folder) == listed and store.published(folder) == listed["articles"]
    assert store.find(folder, "es", SLUG) is not None
    approve_all(site, "es", COPY)
    assert export(site, "es", COPY) == 0            # the first write splits it
    assert not (folder / store.INDEX).exists() and (folder / store.SHARDS / f"{SLUG}.json").is_file()
    now = store.read_index(folder)
    assert now["articles"][SLUG] == listed["articles"][SLUG] and set(now["articles"]) == {SLUG, COPY}
    assert now["source_language"] == "en"


def test_a_torn_article_index_is_an_error_naming_the_file(site):
    folder = site.root.joinpath(*EDITIONS)
    approve_all(site, "es", SLUG)
    assert export(site, "es", SLUG) == 0
    (folder / store.SHARDS / f"{SLUG}.json").write_text('{"languages": ', encoding="utf-8")
    with pytest.raises(LocalizeError, match=f"{SLUG}.json: cannot read the index of editions"):
        store.read_index(folder)
