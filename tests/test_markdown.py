"""Markdown articles: the same units as their HTML twins, front matter in the page, on the command line."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from localize import article

ROOT = Path(__file__).resolve().parent.parent
SEED_HTML = ROOT / "source" / "emotional-numbness.html"
SEED_MD = Path(__file__).parent / "data" / "markdown" / "emotional-numbness.md"


def units(path: Path) -> list[tuple[str, str]]:
    tree = article.parse(path.read_bytes(), str(path))
    return [(u.text, u.kind) for u in article.split(tree)]


def test_the_seed_article_in_markdown_gives_the_units_of_its_html():
    md, html = units(SEED_MD), units(SEED_HTML)
    assert md == html
    assert ("What does emotional numbness actually mean?", "faq question") in md


def test_front_matter_lands_in_the_head_and_lines_point_at_the_markdown():
    tree = article.parse(SEED_MD.read_bytes(), str(SEED_MD))
    root = tree.getroot()
    assert root.get("lang") == "en"
    assert root.findtext(".//title") == "Understanding Emotional Numbness — Causes and Recovery"
    metas = {m.get("name") or m.get("property"): m.get("content") for m in root.iter("meta")}
    assert metas["author"] == "Men Women Psychology editorial team"
    assert metas["article:published_time"] == "2026-11-20"
    assert metas["article:modified_time"] == "2026-11-25"
    assert root.find(".//section[@id='references']//li").get("id") == "ref-1"
    lines = SEED_MD.read_text(encoding="utf-8").split("\n")
    for unit in article.split(tree):
        if unit.kind in ("h2", "faq question"):
            assert unit.text.split("<")[0][:20] in lines[unit.line - 1], unit


def test_faq_and_references_by_their_headings():
    text = ("---\ntitle: Sleep\n---\n\nSleep matters.\n\n## Frequently asked questions\n\n"
            "### How long should I sleep?\n\nSeven hours or more.\n\n## References\n\n"
            "1. Walker, M. (2017). Why we sleep.\n")
    found = article.split(article.parse(text.encode(), "sleep.md"))
    kinds = {u.text: u.kind for u in found}
    assert kinds["How long should I sleep?"] == "faq question"
    assert kinds["Seven hours or more."] == "faq answer"
    assert kinds["Sleep"] == "h1"
    assert not any("Walker" in u.text for u in found)


def localize(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / ".venv" / "bin" / "localize"), "--root", str(root), *args],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "source").mkdir()
    (tmp_path / "locales").mkdir()
    (tmp_path / "pyproject.toml").write_text('[tool.localize]\nsource-language = "en"\nlanguages = ["es"]\n')
    shutil.copy(SEED_MD, tmp_path / "source" / "emotional-numbness.md")
    return tmp_path


def test_a_markdown_workspace_end_to_end(workspace: Path):
    assert localize(workspace, "extract").returncode == 0
    assert localize(workspace, "update").returncode == 0
    pot = (workspace / "locales" / "emotional-numbness.pot").read_text(encoding="utf-8")
    assert "#: source/emotional-numbness.md:" in pot
    po = workspace / "locales" / "es" / "LC_MESSAGES" / "emotional-numbness.po"
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], check=True)
    done = localize(workspace, "render", "--lang", "es")
    assert done.returncode == 0, done.stderr
    page = (workspace / "out" / "render" / "es" / "emotional-numbness.html").read_text(encoding="utf-8")
    assert '<meta name="author" content="Men Women Psychology editorial team">' in page


def test_bad_front_matter_is_exit_2_and_nothing_written(workspace: Path):
    (workspace / "source" / "emotional-numbness.md").write_text("---\ntitle: [unclosed\n---\n\nText.\n")
    done = localize(workspace, "extract")
    assert done.returncode == 2
    assert "emotional-numbness.md" in done.stderr and "front matter" in done.stderr
    assert not list((workspace / "locales").glob("*.pot"))


def test_both_md_and_html_is_a_clear_error(workspace: Path):
    shutil.copy(SEED_HTML, workspace / "source" / "emotional-numbness.html")
    done = localize(workspace, "extract")
    assert done.returncode == 2
    assert "emotional-numbness.html" in done.stderr and "emotional-numbness.md" in done.stderr


def test_a_real_page_in_markdown_gives_the_texts_of_its_article():
    """A Debian Handbook page's article (its title and paragraphs; not its navigation) written in Markdown."""
    page = ROOT / "tests" / "pages" / "real" / "handbook-selected-approach" / "en.html"
    twin = Path(__file__).parent / "data" / "markdown" / "handbook-selected-approach.md"
    html = [text for text, kind in units(page) if kind == "title" or kind == "div" and "<" not in text]
    md = [text for text, kind in units(twin) if kind in ("title", "p")]
    assert md == html
    headings = [(text, kind) for text, kind in units(twin) if kind == "h2"]
    assert headings == [("3.\u00a0General Approach", "h2")]


def test_the_edition_of_a_markdown_article_carries_its_front_matter(workspace: Path):
    assert localize(workspace, "extract").returncode == 0
    done = localize(workspace, "export", "--lang", "en", "--format", "html")
    assert done.returncode == 0, done.stderr
    edition = (workspace / "out" / "editions" / "en" / "emotional-numbness.html").read_text(encoding="utf-8")
    assert '<meta name="author" content="Men Women Psychology editorial team">' in edition
    assert '<meta property="article:published_time" content="2026-11-20">' in edition
    assert '"headline":"Understanding Emotional Numbness — Causes and Recovery"' in edition
    assert '"@type":"FAQPage"' in edition and "What does emotional numbness actually mean?" in edition
