"""Finding similar texts among many (localize.similar), for a big catalog and a big memory.

Above catalog.EXHAUSTIVE pairs, each changed unit of a merge is compared with a shortlist of old units
(those sharing its rarest runs of words), not with all of them; a memory above memory.EXHAUSTIVE units
likewise. On paragraphs made of the same sentences (the hard case: many near twins), they find what
comparing every pair finds, and every edited paragraph its own old version."""

from __future__ import annotations

import os
import random
from pathlib import Path

from localize import catalog, po
from localize.po import Catalog, Entry

SENTENCES = [f"The {adj} {noun} {verb} the {adj2} {noun2}." for adj, noun, verb, adj2, noun2 in [
    ("quiet", "river", "follows", "narrow", "valley"), ("bright", "window", "faces", "busy", "street"),
    ("gentle", "teacher", "answers", "curious", "student"), ("hollow", "tree", "shelters", "small", "owl"),
    ("steady", "rain", "fills", "empty", "barrel"), ("distant", "bell", "marks", "early", "hour"),
    ("tender", "voice", "calms", "frightened", "child"), ("plain", "letter", "carries", "long", "apology"),
    ("vivid", "dream", "recalls", "forgotten", "summer"), ("careful", "reader", "notes", "hidden", "detail"),
    ("old", "bridge", "joins", "two", "villages"), ("warm", "kitchen", "gathers", "tired", "family"),
]]
TOPICS = ["grief", "anger", "burnout", "envy", "shame", "joy", "fear", "guilt"]


def paragraphs(n: int, rng: random.Random) -> list[str]:
    found = set()
    while len(found) < n:   # three or four sentences of twelve, with a topic: many paragraphs are near twins
        picked = rng.sample(SENTENCES, rng.choice((3, 4)))
        found.add(f"On {rng.choice(TOPICS)}: " + " ".join(picked))
    return sorted(found)


def edit(text: str, rng: random.Random) -> str:
    words = text.split()
    i = rng.randrange(1, len(words) - 1)
    words[i] = rng.choice(["really", "often", "truly", "seldom"]) + " " + words[i]
    return " ".join(words)


def catalogs(n_old: int, n_changed: int) -> tuple[Catalog, Catalog, dict[str, str]]:
    rng = random.Random(7)
    texts = paragraphs(n_old, rng)
    old = Catalog(header={"Language": "es", "Content-Type": "text/plain; charset=UTF-8"},
                  entries=[Entry(t, msgstr="ES " + t) for t in texts])
    changed = set(rng.sample(range(n_old), n_changed))
    truth = {}
    new_texts = []
    for i, t in enumerate(texts):
        if i in changed:
            new = edit(t, rng)
            truth[new] = t
            new_texts.append(new)
        else:
            new_texts.append(t)
    pot = Catalog(header={"Content-Type": "text/plain; charset=UTF-8"}, entries=[Entry(t) for t in new_texts])
    return old, pot, truth


def predecessors(merged: Catalog) -> dict[str, str | None]:
    return {e.msgid: e.previous_msgid for e in merged.entries if not e.obsolete and e.fuzzy}


def test_a_big_catalog_finds_each_edited_paragraph_its_own_old_version(monkeypatch):
    old, pot, truth = catalogs(1500, 300)
    assert len(truth) * len(old.entries) > catalog.EXHAUSTIVE   # the shortlist is what runs
    merged = catalog.merge(old, pot)
    found = predecessors(merged)
    assert {new: found.get(new) for new in truth} == truth
    for entry in merged.entries:
        if entry.msgid in truth:
            assert entry.msgstr == "ES " + truth[entry.msgid] and entry.state == po.STALE


def test_the_shortlist_chooses_as_comparing_every_pair_does(monkeypatch):
    old, pot, truth = catalogs(1200, 250)
    shortlisted = predecessors(catalog.merge(old, pot))
    monkeypatch.setattr(catalog, "EXHAUSTIVE", 10 ** 12)   # every pair compared
    everything = predecessors(catalog.merge(*catalogs(1200, 250)[:2]))
    assert shortlisted == everything and len(shortlisted) == len(truth)


def test_a_big_memory_suggests_what_comparing_every_unit_suggests(monkeypatch):
    from localize import memory

    rng = random.Random(11)
    texts = paragraphs(3000, rng)
    mem = memory.Memory()
    mem.prime("es")
    for text in texts:
        mem.add("es", text, "ES " + text, "corpus")
    assert len(texts) > memory.EXHAUSTIVE                 # the index is what answers
    queries = [edit(t, rng) for t in rng.sample(texts, 60)] + texts[:5]
    indexed = [[(m.source, m.score) for m in mem.lookup(q, "es", limit=3)] for q in queries]
    monkeypatch.setattr(memory, "EXHAUSTIVE", 10 ** 9)
    everything = [[(m.source, m.score) for m in mem.lookup(q, "es", limit=3)] for q in queries]
    assert [found[0] for found in indexed] == [found[0] for found in everything]   # the best one, always
    assert all(found[0][1] == 100 for found in indexed[-5:])                      # a text it holds: itself


def test_the_shortlist_is_the_same_in_every_process(tmp_path):
    """Runs of words as rare as each other are ranked by the texts holding them, not by the order of a set of
    hashes, which Python changes from one process to the next (PYTHONHASHSEED): the same big merge writes the
    same catalog every time."""
    import subprocess
    import sys

    script = (
        "import random, sys; sys.path.insert(0, sys.argv[1]); import test_similar as t\n"
        "from localize.similar import Shortlist\n"
        "texts = t.paragraphs(400, random.Random(3))\n"
        "index = Shortlist(texts, rarest=2, shortlist=4)\n"
        "rng = random.Random(5)\n"
        "for text in texts[:150]:\n"
        "    print(index.ranked(t.edit(text, rng), 50, 3))\n")
    seen = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run([sys.executable, "-c", script, str(Path(__file__).parent)], capture_output=True,
                              text=True, env={**os.environ, "PYTHONHASHSEED": seed}, check=True)
        seen.add(done.stdout)
    assert len(seen) == 1 and seen.pop().count("\n") == 150


def test_drafting_many_units_from_a_big_memory_on_every_core_drafts_what_one_process_does():
    """A thousand units or more to draft from a big memory are looked up by worker processes forked with the
    memory's index: the drafts are those of one process, in order, each edited paragraph from its own old
    version, and the units the memory holds as they are."""
    from localize import memory

    rng = random.Random(13)
    texts = paragraphs(2500, rng)
    mem = memory.Memory()
    mem.prime("es")
    for text in texts:
        mem.add("es", text, "ES " + text, "corpus")
    picked = rng.sample(texts, memory.PARALLEL_FROM)
    queries = [edit(t, rng) for t in picked] + texts[:3] + [""]
    drafts = mem.translate(queries, "en", "es", jobs=2)
    assert drafts == mem._drafts("es", queries)
    assert [d.text for d in drafts[:len(picked)]] == ["ES " + t for t in picked]
    assert all(d.origin.startswith("memory 9") for d in drafts[:len(picked)])   # an edit by a word: 90 % or more
    assert [(d.text, d.score) for d in drafts[-4:-1]] == [("ES " + t, 100) for t in texts[:3]]
    assert drafts[-1] is None and memory._FORKED == []
