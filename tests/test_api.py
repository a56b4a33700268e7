"""The JSON API (/api/): token and session auth, CSRF, every endpoint, rights, and bad input."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import SEED, assert_msgfmt_ok
from localize.accounts import Store
from localize.cli import main
from localize.review import Review, entry_id
from localize.workspace import Workspace
from web import create_app

SLUG = "emotional-numbness"
COPY = "numbness-copy"          # the same article again: translation memory finds its twin
PASSWORD = "correct horse battery"
USERS = {  # name: (role, languages)
    "ada": ("admin", ()),
    "eve": ("editor", ()),
    "rita": ("reviewer", ("es",)),
    "tom": ("translator", ("es",)),
}
HEADING = entry_id(None, "Why this happens")


# -- a workspace with accounts, built once and copied for each test -------------------------------

@pytest.fixture(scope="module")
def template(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("template") / "ws"
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.localize]\nsource-language = "en"\nlanguages = ["es", "fr", "ar"]\n', encoding="utf-8")
    shutil.copy(SEED, root / "source" / f"{SLUG}.html")
    shutil.copy(SEED, root / "source" / f"{COPY}.html")
    assert main(["--root", str(root), "extract"]) == 0
    assert main(["--root", str(root), "update"]) == 0
    store = Store(root / "instance" / "localize.sqlite3")
    tokens = {}
    for name, (role, langs) in USERS.items():
        store.add_user(name, role, list(langs), PASSWORD)
        tokens[name] = store.new_token(name, "tests")
    cited = next(e for e in Review(Workspace.open(root), store).items("es", SLUG) if 'href="#ref-2"' in e.msgid)
    return {"root": root, "tokens": tokens, "cited": cited.id}


class Site:
    """A copy of the template workspace, its app, and helpers to call it as each account."""

    def __init__(self, root: Path, tokens: dict, cited: str):
        self.root, self.tokens, self.cited = root, tokens, cited
        self.app = create_app({"TESTING": True, "SECRET_KEY": "test", "LOCALIZE_ROOT": str(root)})
        self.store = self.app.extensions["localize"].store
        self.review = self.app.extensions["localize"].review

    def po(self, lang: str, slug: str = SLUG) -> Path:
        return self.root / "locales" / lang / "LC_MESSAGES" / f"{slug}.po"

    def token(self, who: str) -> dict:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def login(self, who: str):
        """A test client logged in through the login form; ``client.csrf`` is its CSRF token."""
        client = self.app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = _csrf_of(page)
        answer = client.post("/login", data={"name": who, "password": PASSWORD, "csrf_token": token})
        assert answer.status_code in (302, 303), answer.get_data(as_text=True)[:300]
        client.csrf = _csrf_of(client.get("/jobs/").get_data(as_text=True))  # login starts a new session
        assert client.csrf
        return client

    def call(self, who: str, method: str, path: str, body=None, **kwargs):
        client = self.app.test_client()
        headers = {**self.token(who), **kwargs.pop("headers", {})}
        if body is not None and "data" not in kwargs:
            kwargs["json"] = body
        return client.open(path, method=method, headers=headers, **kwargs)

    def entry(self, lang: str, entry: str, slug: str = SLUG):
        return self.review.item(lang, slug, entry)

    def prepare(self, lang: str, entry: str, text: str, slug: str = SLUG) -> None:
        """ada (admin) saves a translation, for someone else to approve."""
        user = self.store.user("ada")
        self.review.act(user, lang, slug, entry, "save", based_on=self.entry(lang, entry, slug).version, text=text)


def _csrf_of(page: str) -> str | None:
    found = re.search(r'name="csrf[_-]token"[^>]*?(?:value|content)="([^"]+)"', page) \
        or re.search(r'(?:value|content)="([^"]+)"[^>]*?name="csrf[_-]token"', page)
    return found.group(1) if found else None


@pytest.fixture
def site(template, tmp_path) -> Site:
    root = tmp_path / "ws"
    shutil.copytree(template["root"], root)
    found = Site(root, template["tokens"], template["cited"])
    yield found
    for path in sorted((root / "locales").rglob("*.po")):
        assert_msgfmt_ok(path)   # every catalog the API wrote is valid gettext


def url(lang: str, entry: str | None = None, slug: str = SLUG, tail: str = "") -> str:
    base = f"/api/{lang}/{slug}/entries"
    return base + (f"/{entry}" if entry else "") + tail


# -- authentication ---------------------------------------------------------------------------------

def test_a_token_opens_the_api_and_status_shows_only_the_languages_the_user_may_view(site):
    answer = site.call("tom", "GET", "/api/status")
    assert answer.status_code == 200
    data = answer.get_json()
    assert data["languages"] == ["es"]
    assert {(r["article"], r["language"]) for r in data["articles"]} == {(SLUG, "es"), (COPY, "es")}
    row = data["articles"][0]
    assert row["units"] == 46 and row["untranslated"] == 46
    everything = site.call("eve", "GET", "/api/status").get_json()
    assert everything["languages"] == ["es", "fr", "ar"] and len(everything["articles"]) == 6


@pytest.mark.parametrize("headers, message", [
    ({}, "log in"),
    ({"Authorization": "Bearer not-a-token"}, "unknown, expired or revoked API token"),
    ({"Authorization": "Basic dG9tOnB3"}, "Bearer"),
])
def test_without_a_valid_token_or_session_every_call_is_401_json(site, headers, message):
    client = site.app.test_client()
    for method, path in (("GET", "/api/status"), ("GET", url("es")), ("POST", url("es", HEADING))):
        answer = client.open(path, method=method, headers=headers, json={"action": "save"})
        assert answer.status_code == 401 and answer.is_json
        assert message in answer.get_json()["error"]


def test_a_session_reads_freely_but_writes_only_with_the_csrf_header(site):
    client = site.login("tom")
    assert client.get("/api/status").status_code == 200
    before = site.po("es").read_bytes()
    version = site.entry("es", HEADING).version
    body = {"action": "save", "version": version, "text": "Por qué ocurre esto"}
    refused = client.post(url("es", HEADING), json=body)
    assert refused.status_code == 400 and "CSRF" in refused.get_json()["error"]
    wrong = client.post(url("es", HEADING), json=body, headers={"X-CSRFToken": "forged"})
    assert wrong.status_code == 400
    assert site.po("es").read_bytes() == before
    done = client.post(url("es", HEADING), json=body, headers={"X-CSRFToken": client.csrf})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["entry"]["msgstr"] == "Por qué ocurre esto"


def test_a_token_request_needs_no_csrf_token(site):
    version = site.entry("es", HEADING).version
    answer = site.call("tom", "POST", url("es", HEADING), {"action": "save", "version": version, "text": "Por qué"})
    assert answer.status_code == 200
    assert answer.get_json()["entry"]["state"] == "needs review"


def test_tokens_are_made_for_the_logged_in_user_and_work_at_once(site):
    client = site.login("rita")
    assert client.post("/api/tokens", json={"label": "laptop"}).status_code == 400   # no CSRF header
    made = client.post("/api/tokens", json={"label": "laptop"}, headers={"X-CSRFToken": client.csrf})
    assert made.status_code == 201
    token = made.get_json()["token"]
    assert made.get_json()["user"] == "rita" and len(token) >= 32
    fresh = site.app.test_client().get("/api/status", headers={"Authorization": f"Bearer {token}"})
    assert fresh.get_json()["user"]["name"] == "rita"
    by_token = site.call("rita", "POST", "/api/tokens", {"label": "more"})
    assert by_token.status_code == 403


# -- reading ----------------------------------------------------------------------------------------

def test_entries_list_every_unit_in_order_and_filter_by_state_and_text(site):
    site.prepare("es", HEADING, "Por qué ocurre esto")
    every = site.call("tom", "GET", url("es")).get_json()["entries"]
    assert len(every) == 46 and [e["position"] for e in every] == list(range(46))
    assert {"id", "msgid", "msgstr", "state", "version", "problems"} <= set(every[0])
    review = site.call("tom", "GET", url("es") + "?state=needs review").get_json()["entries"]
    assert [e["id"] for e in review] == [HEADING]
    found = site.call("tom", "GET", url("es") + "?q=ALEXITHYMIA").get_json()["entries"]
    assert found and all("alexithymia" in e["msgid"].lower() for e in found)
    assert site.call("tom", "GET", url("es") + "?state=done").status_code == 400
    assert site.call("tom", "GET", url("es") + "?q=" + "x" * 201).status_code == 400


def test_an_entry_comes_with_its_history_comments_and_memory_suggestions(site):
    site.prepare("es", HEADING, "Por qué ocurre esto")
    version = site.entry("es", HEADING).version
    assert site.call("rita", "POST", url("es", HEADING), {"action": "approve", "version": version}).status_code == 200
    assert site.call("tom", "POST", url("es", HEADING, tail="/comments"), {"text": "¿«sucede»?"}).status_code == 201
    data = site.call("tom", "GET", url("es", HEADING)).get_json()
    assert data["entry"]["state"] == "approved"
    assert [(c["user"], c["action"]) for c in data["history"]] == [("ada", "save"), ("rita", "approve")]
    assert [(c["user"], c["text"]) for c in data["comments"]] == [("tom", "¿«sucede»?")]
    assert data["suggestions"] == []  # its own approved text is not suggested to itself
    twin = site.call("tom", "GET", url("es", HEADING, slug=COPY)).get_json()
    assert twin["suggestions"][0] == {"score": 100, "source": "Why this happens",
                                      "translation": "Por qué ocurre esto", "article": SLUG}


# -- acting -----------------------------------------------------------------------------------------

def test_save_approve_reject_and_revert_through_the_api(site):
    def act(who, body, status=200):
        answer = site.call(who, "POST", url("es", HEADING), {"version": site.entry("es", HEADING).version, **body})
        assert answer.status_code == status, answer.get_json()
        return answer.get_json()

    assert act("tom", {"action": "save", "text": "Por qué pasa esto"})["entry"]["state"] == "needs review"
    approved = act("rita", {"action": "approve"})["entry"]
    assert approved["state"] == "approved" and approved["msgstr"] == "Por qué pasa esto"
    before = site.po("es").read_bytes()
    missing = act("rita", {"action": "reject"}, status=422)
    assert "reason" in missing["error"] and site.po("es").read_bytes() == before
    rejected = act("rita", {"action": "reject", "reason": "«pasa» suena coloquial"})["entry"]
    assert (rejected["state"], rejected["msgstr"]) == ("rejected", "")
    assert {k: rejected["rejected"][k] for k in ("by", "reason", "text")} == {
        "by": "rita", "reason": "«pasa» suena coloquial", "text": "Por qué pasa esto"}
    queue = site.call("tom", "GET", url("es") + "?state=rejected").get_json()["entries"]
    assert [(e["id"], e["rejected"]["reason"]) for e in queue] == [(HEADING, "«pasa» suena coloquial")]
    shown = site.call("tom", "GET", url("es", HEADING)).get_json()["history"]
    assert (shown[-1]["action"], shown[-1]["note"], shown[-1]["old_msgstr"]) == (
        "reject", "«pasa» suena coloquial", "Por qué pasa esto")
    back = act("eve", {"action": "revert", "change": rejected["rejected"]["change"]})["entry"]
    assert back["msgstr"] == "Por qué pasa esto" and back["state"] == "needs review" and back["rejected"] is None
    assert 'msgstr "Por qué pasa esto"' in site.po("es").read_text(encoding="utf-8")
    # the text is still tom's: the editor who reverted it may approve it
    assert act("eve", {"action": "approve"})["entry"]["state"] == "approved"


def test_a_translators_save_over_approved_text_is_202_with_the_suggestion(site):
    site.prepare("es", HEADING, "Por qué ocurre esto")
    version = site.entry("es", HEADING).version
    assert site.call("rita", "POST", url("es", HEADING), {"action": "approve", "version": version}).status_code == 200
    before = site.po("es").read_bytes()
    version = site.entry("es", HEADING).version
    answer = site.call("tom", "POST", url("es", HEADING), {"action": "save", "version": version, "text": "Por qué pasa"})
    assert answer.status_code == 202, answer.get_json()
    data = answer.get_json()
    assert data["entry"]["state"] == "approved" and data["entry"]["msgstr"] == "Por qué ocurre esto"
    assert (data["suggestion"]["user"], data["suggestion"]["text"]) == ("tom", "Por qué pasa")
    assert site.po("es").read_bytes() == before
    listed = site.call("rita", "GET", f"/api/es/{SLUG}/suggestions").get_json()["suggestions"]
    assert [s["id"] for s in listed] == [data["suggestion"]["id"]]


ARABIC = ('يتداخل الخدر أيضًا مع <em>الألكسيثيميا</em> — صعوبة التعرّف على المشاعر والتعبير عنها بالكلمات. '
          'يصف رونالد ليفانت وزملاؤه <a href="#ref-1">(2009)</a> كيف يمكن للتنشئة الاجتماعية، ولا سيما الأعراف '
          'الذكورية التقليدية التي لا تشجع التعبير العاطفي، أن تعزز شكلًا أخف من ذلك لدى بعض الرجال، حيث تكون '
          'الصلة بين الإحساس الجسدي والعاطفة المسماة ضعيفة. ليس الأمر أنه لا يُشعر بشيء، بل إن الشعور لا يصل إلى '
          'الوعي بوضوح.')


def levant(site) -> str:
    return next(e.id for e in site.review.items("ar", SLUG) if e.msgid.startswith("Numbness also overlaps"))


def test_an_arabic_transliterated_author_name_is_overridden_with_a_reason_then_approved(site):
    entry_id_ = levant(site)
    site.prepare("ar", entry_id_, ARABIC)                 # ada's Arabic, the name as Arabic writes it
    item = site.entry("ar", entry_id_)
    assert [p.check for p in item.errors] == ["citations"]
    refused = site.call("eve", "POST", url("ar", entry_id_), {"action": "approve", "version": item.version})
    assert refused.status_code == 422 and refused.get_json()["problems"][0]["check"] == "citations"
    before = site.po("ar").read_bytes()
    for body, status, says in (
            ({"action": "override", "check": "citations"}, 422, "reason"),
            ({"action": "override", "check": "citations", "reason": " "}, 422, "reason"),
            ({"action": "override", "reason": "x"}, 400, "id of a check"),
            ({"action": "override", "check": "unsafe", "reason": "x"}, 400, "never"),
            ({"action": "override", "check": "pseudo", "reason": "x"}, 400, "never"),
            ({"action": "override", "check": "nonsense", "reason": "x"}, 400, "no check"),
            ({"action": "override", "check": "citations", "reason": "x", "off": "yes"}, 400, "true or false"),
            ({"action": "override", "check": 7, "reason": "x"}, 400, "must be text")):
        answer = site.call("eve", "POST", url("ar", entry_id_), {"version": item.version, **body})
        assert answer.status_code == status and says in answer.get_json()["error"], (body, answer.get_json())
    assert site.po("ar").read_bytes() == before
    done = site.call("eve", "POST", url("ar", entry_id_), {"action": "override", "version": item.version,
                                                           "check": "citations",
                                                           "reason": "Levant transliterated: ليفانت"})
    assert done.status_code == 200, done.get_json()
    entry = done.get_json()["entry"]
    assert entry["overrides"] == {"citations": "Levant transliterated: ليفانت"}
    assert [(p["check"], p["overridden"], p["ignorable"]) for p in entry["problems"]] == [("citations", True, True)]
    history = site.call("eve", "GET", url("ar", entry_id_)).get_json()["history"]
    assert (history[-1]["action"], history[-1]["user"], history[-1]["note"]) == (
        "override", "eve", "citations: Levant transliterated: ليفانت")
    approved = site.call("eve", "POST", url("ar", entry_id_), {"action": "approve", "version": entry["version"]})
    assert approved.status_code == 200 and approved.get_json()["entry"]["state"] == "approved"


def test_a_translator_ignores_a_warning_through_the_api(site):
    site.prepare("es", HEADING, "Por qué  ocurre esto")
    item = site.entry("es", HEADING)
    assert [p.check for p in item.problems] == ["double-space"]
    refused = site.call("tom", "POST", url("es", HEADING), {"action": "ignore", "version": item.version,
                                                            "check": "citations"})
    assert refused.status_code == 400 and "reviewer overrides it" in refused.get_json()["error"]
    done = site.call("tom", "POST", url("es", HEADING), {"action": "ignore", "version": item.version,
                                                         "check": "double-space"})
    assert done.status_code == 200 and done.get_json()["entry"]["problems"] == []
    assert done.get_json()["entry"]["ignored"] == ["double-space"]
    version = done.get_json()["entry"]["version"]
    back = site.call("tom", "POST", url("es", HEADING), {"action": "ignore", "version": version,
                                                         "check": "double-space", "off": True})
    assert [p["check"] for p in back.get_json()["entry"]["problems"]] == ["double-space"]


# role, language, action -> status; every refused call leaves the catalog byte for byte
MATRIX = [
    ("tom", "es", "save", 200), ("tom", "fr", "save", 403), ("tom", "es", "approve", 403),
    ("tom", "es", "reject", 403), ("tom", "es", "revert", 403), ("tom", "ar", "approve", 403),
    ("tom", "es", "override", 403), ("tom", "es", "review", 403), ("tom", "es", "ignore", 200),
    ("tom", "fr", "ignore", 403),
    ("rita", "es", "approve", 200), ("rita", "es", "reject", 200), ("rita", "fr", "save", 403),
    ("rita", "fr", "approve", 403), ("rita", "ar", "reject", 403), ("rita", "es", "override", 200),
    ("rita", "fr", "override", 403), ("rita", "ar", "ignore", 403),
    ("eve", "fr", "approve", 200), ("eve", "ar", "reject", 200), ("ada", "es", "save", 200),
    ("eve", "ar", "override", 200), ("ada", "fr", "ignore", 200),
]
DOUBLE = {"es": "Texto  de otra persona", "fr": "Texte  d'une autre personne", "ar": "لماذا  يحدث هذا"}
BULK = ("approve", "reject", "review")


@pytest.mark.parametrize("who, lang, action, status", MATRIX)
def test_rights_by_role_and_language(site, who, lang, action, status):
    site.prepare(lang, HEADING, DOUBLE[lang])            # a double space: a warning to override or ignore
    body = {"action": action, "version": site.entry(lang, HEADING).version}
    if action == "save":
        body["text"] = "Otro texto"
    if action == "revert":
        body["change"] = site.store.history(lang, SLUG, HEADING)[-1].id
    if action == "reject":
        body["reason"] = "no"
    if action in ("override", "ignore"):
        body.update(check="double-space", reason="a pause")
    if action == "review":   # an approved entry, to mark for review again
        site.review.act(site.store.user("eve"), lang, SLUG, HEADING, "approve", based_on=body["version"])
        body["version"] = site.entry(lang, HEADING).version
    before = site.po(lang).read_bytes()
    answer = site.call(who, "POST", url(lang, HEADING), body)
    assert answer.status_code == status, answer.get_json()
    if status == 403:
        assert "may not" in answer.get_json()["error"]
        assert site.po(lang).read_bytes() == before
        commented = site.call(who, "POST", url(lang, HEADING, tail="/comments"), {"text": "x"})
        assert commented.status_code == (201 if lang == "es" else 403)  # tom and rita comment in es only
        if action in BULK:    # the same refusal through the bulk door, the catalog byte for byte
            bulk = site.call(who, "POST", f"/api/{lang}/{SLUG}/bulk",
                             {"action": action, "entries": [{"id": HEADING, "version": body["version"]}],
                              "reason": "no"})
            assert bulk.status_code == 403 and "may not" in bulk.get_json()["error"]
            assert site.po(lang).read_bytes() == before
    else:
        assert site.po(lang).read_bytes() != before


def test_the_four_eyes_rule_holds_for_single_and_bulk_approval(site):
    version = site.entry("es", HEADING).version
    saved = site.call("rita", "POST", url("es", HEADING), {"action": "save", "version": version, "text": "Por qué"})
    version = saved.get_json()["entry"]["version"]
    before = site.po("es").read_bytes()
    single = site.call("rita", "POST", url("es", HEADING), {"action": "approve", "version": version})
    assert single.status_code == 403 and "rita wrote this translation" in single.get_json()["error"]
    bulk = site.call("rita", "POST", f"/api/es/{SLUG}/bulk",
                     {"action": "approve", "entries": [{"id": HEADING, "version": version}]})
    assert bulk.status_code == 200
    assert bulk.get_json()["done"] == [] and "rita wrote this translation" in bulk.get_json()["skipped"][0]["reason"]
    assert site.po("es").read_bytes() == before
    other = site.call("eve", "POST", f"/api/es/{SLUG}/bulk",
                      {"action": "approve", "entries": [{"id": HEADING, "version": version}]})
    assert other.get_json()["done"] == [HEADING] and site.entry("es", HEADING).state == "approved"


def test_bulk_actions_through_the_api(site):
    texts = {"The evidence": "Las pruebas", "Why this happens": "Por qué ocurre esto", "The nuance": "El  matiz",
             "The mechanism": "El mecanismo",
             "What the research actually shows": "Lo que muestra de verdad la investigación"}
    ids = [entry_id(None, msgid) for msgid in texts]
    for ident, text in zip(ids, texts.values()):
        site.prepare("es", ident, text)
    entries = [{"id": i, "version": site.entry("es", i).version} for i in ids]
    since = site.store.last_change()
    missing = site.call("rita", "POST", f"/api/es/{SLUG}/bulk", {"action": "reject", "entries": entries})
    assert missing.status_code == 422 and "reason" in missing.get_json()["error"]
    for body, says in (({"action": "publish", "entries": entries}, "no bulk action"),
                       ({"action": "approve"}, "'entries' is required"),
                       ({"action": "approve", "entries": ["x"]}, "'entries' must be"),
                       ({"action": "approve", "entries": [{"id": 1, "version": "x"}]}, "'entries' must be"),
                       ({"action": "approve", "entries": []}, "no entries")):
        answer = site.call("rita", "POST", f"/api/es/{SLUG}/bulk", body)
        assert answer.status_code == 400 and says in answer.get_json()["error"], (body, answer.get_json())
    assert site.store.history("es", SLUG, since=since) == []
    approved = site.call("rita", "POST", f"/api/es/{SLUG}/bulk", {"action": "approve", "entries": entries})
    assert approved.status_code == 200, approved.get_json()
    report = approved.get_json()
    skipped = {s["id"]: s["reason"] for s in report["skipped"]}
    assert report["count"] == len(report["done"]) == 4 and list(skipped) == [ids[2]], skipped
    assert "double-space" in skipped[ids[2]]
    rows = site.store.history("es", SLUG, since=since)
    assert sorted((c.entry, c.action, c.user) for c in rows) == sorted((i, "approve", "rita") for i in report["done"])
    again = [{"id": i, "version": site.entry("es", i).version} for i in report["done"]]
    marked = site.call("rita", "POST", f"/api/es/{SLUG}/bulk", {"action": "review", "entries": again}).get_json()
    assert sorted(marked["done"]) == sorted(report["done"])
    assert {site.entry("es", i).state for i in report["done"]} == {"needs review"}
    now = [{"id": i, "version": site.entry("es", i).version} for i in ids]
    rejected = site.call("rita", "POST", f"/api/es/{SLUG}/bulk",
                         {"action": "reject", "entries": now, "reason": "otra vez"}).get_json()
    assert sorted(rejected["done"]) == sorted(ids)
    assert {site.entry("es", i).state for i in ids} == {"rejected"}


def test_a_stale_version_is_409_with_the_entry_as_it_is_now(site):
    old = site.entry("es", HEADING).version
    site.prepare("es", HEADING, "Por qué ocurre esto")
    before = site.po("es").read_bytes()
    answer = site.call("tom", "POST", url("es", HEADING), {"action": "save", "version": old, "text": "Otra cosa"})
    assert answer.status_code == 409
    current = answer.get_json()["current"]
    assert current["msgstr"] == "Por qué ocurre esto" and current["version"] == site.entry("es", HEADING).version
    assert site.po("es").read_bytes() == before


def test_qa_errors_block_approval_with_422_and_the_problems(site):
    site.prepare("es", site.cited, "El trabajo de James Gross distingue estrategias.")
    before = site.po("es").read_bytes()
    version = site.entry("es", site.cited).version
    answer = site.call("rita", "POST", url("es", site.cited), {"action": "approve", "version": version})
    assert answer.status_code == 422
    problems = answer.get_json()["problems"]
    assert problems and {"check", "severity", "message"} <= set(problems[0])
    assert any(p["check"] in ("markup", "citations") for p in problems)
    assert site.po("es").read_bytes() == before


# -- bad input --------------------------------------------------------------------------------------

@pytest.mark.parametrize("data, message", [
    (b"{not json", "not valid JSON"),
    (b"\xff\xfe{}", "not valid JSON"),
    (b"[" * 100_000, "not valid JSON"),
    (b'["save"]', "JSON object"),
    (b"", "JSON object"),
    (b'{"action": "save", "version": 12, "text": "x"}', "'version' must be text"),
    (b'{"action": "save", "version": "abc", "text": ["x"]}', "'text' must be text"),
    (b'{"action": "revert", "version": "abc", "change": "7"}', "'change' must be a number"),
    (b'{"action": "revert", "version": "abc", "change": true}', "'change' must be a number"),
    (b'{"action": "publish", "version": "abc"}', "no action"),
    (b'{"action": "reject", "version": "abc", "reason": 5}', "'reason' must be text"),
    (b'{"action": "ignore", "version": "abc", "check": "double-space", "off": 1}', "'off' must be true or false"),
    (b'{"action": "save", "version": "abc", "text": "x", "check": "numbers"}', "takes no check"),
    (b'{"version": "abc"}', "'action' is required"),
    (b'{"action": "save"}', "'version' is required"),
    (b'{"action": "save", "version": "abc"}', "needs the translation"),
])
def test_malformed_bodies_are_400_json_and_change_nothing(site, data, message):
    before = site.po("es").read_bytes()
    body = data.replace(b'"abc"', json.dumps(site.entry("es", HEADING).version).encode())
    answer = site.call("eve", "POST", url("es", HEADING), data=body, content_type="application/json")
    assert answer.status_code == 400 and answer.is_json, answer.get_data()[:200]
    assert message in answer.get_json()["error"]
    assert site.po("es").read_bytes() == before


def test_a_body_over_one_megabyte_is_413(site):
    text = "a" * (1024 * 1024)
    answer = site.call("eve", "POST", url("es", HEADING), {"action": "save", "version": "x", "text": text})
    assert answer.status_code == 413 and answer.is_json
    too_long = "a" * 100_001   # within the megabyte, past what a translation may hold
    version = site.entry("es", HEADING).version
    answer = site.call("eve", "POST", url("es", HEADING), {"action": "save", "version": version, "text": too_long})
    assert answer.status_code == 400 and "at most" in answer.get_json()["error"]


def test_control_characters_in_a_translation_are_400(site):
    version = site.entry("es", HEADING).version
    answer = site.call("eve", "POST", url("es", HEADING), {"action": "save", "version": version, "text": "a\x00b"})
    assert answer.status_code == 400


@pytest.mark.parametrize("method, path, status", [
    ("GET", url("es", "0123456789abcdef"), 404),
    ("POST", url("es", "0123456789abcdef"), 404),
    ("GET", url("es", slug="no-such-article"), 404),
    ("GET", url("de"), 404),            # a valid code, not a language of this workspace
    ("GET", url("not a code!"), 400),
    ("GET", url("es", slug="Bad..Slug"), 400),
    ("GET", "/api/nothing/here", 404),
    ("POST", "/api/status", 405),
    ("DELETE", url("es", HEADING), 405),
    ("GET", "/api/jobs/0123", 404),
])
def test_unknown_things_are_json_errors_not_pages(site, method, path, status):
    body = {"action": "save", "version": "x", "text": "y"} if method == "POST" else None
    answer = site.call("eve", method, path, body)
    assert answer.status_code == status
    assert answer.is_json and answer.get_json()["error"]


def test_comments_need_text_the_right_and_an_entry(site):
    assert site.call("tom", "POST", url("es", HEADING, tail="/comments"), {"text": "   "}).status_code == 400
    assert site.call("tom", "POST", url("fr", HEADING, tail="/comments"), {"text": "hola"}).status_code == 403
    missing = site.call("tom", "POST", url("es", "0123456789abcdef", tail="/comments"), {"text": "hola"})
    assert missing.status_code == 404
    assert site.store.comments("es", SLUG, "0123456789abcdef") == []


def test_draft_jobs_through_the_api_need_the_draft_right(site):
    refused = site.call("rita", "POST", "/api/jobs/draft", {"lang": "es", "engine": "pseudo"})
    assert refused.status_code == 403
    started = site.call("eve", "POST", "/api/jobs/draft", {"lang": "es", "engine": "pseudo"})
    assert started.status_code == 202
    job = started.get_json()["job"]
    assert job["state"] == "queued" and job["language"] == "es" and job["user"] == "eve"
    assert started.headers["Location"].endswith(f"/api/jobs/{job['id']}")
    seen = site.call("tom", "GET", f"/api/jobs/{job['id']}")
    assert seen.status_code == 200 and seen.get_json()["job"]["id"] == job["id"]
    again = site.call("eve", "POST", "/api/jobs/draft", {"lang": "es", "engine": "pseudo"})
    assert again.status_code == 409 and again.get_json()["job"]["id"] == job["id"]
    for body, status in (({"lang": "es", "engine": "babelfish"}, 400), ({"lang": "de"}, 400),
                         ({"lang": "fr", "slugs": ["../etc"]}, 400), ({"lang": 5}, 400)):
        assert site.call("eve", "POST", "/api/jobs/draft", body).status_code == status, body


def test_every_api_error_has_the_same_json_shape(site):
    answers = [site.call("eve", "GET", "/api/nothing"), site.call("eve", "POST", "/api/status"),
               site.call("eve", "GET", url("es", "0123456789abcdef")),
               site.app.test_client().get("/api/status")]
    for answer in answers:
        data = answer.get_json()
        assert set(data) == {"error", "status"} and data["status"] == answer.status_code
    assert answers[1].headers["Allow"] == "GET"


def test_a_catalog_held_by_a_stuck_writer_is_503_with_retry_after(site, monkeypatch):
    import fcntl
    import os

    from localize import review
    monkeypatch.setattr(review, "LOCK_WAIT", 0.3)
    path = site.po("es")
    before = path.read_bytes()
    version = site.entry("es", HEADING).version
    fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        answer = site.call("tom", "POST", url("es", HEADING), {"action": "save", "version": version, "text": "Hola"})
    finally:
        os.close(fd)
    assert answer.status_code == 503 and int(answer.headers["Retry-After"]) >= 1
    assert "being written" in answer.get_json()["error"]
    assert path.read_bytes() == before
    again = site.call("tom", "POST", url("es", HEADING), {"action": "save", "version": version, "text": "Hola"})
    assert again.status_code == 200
