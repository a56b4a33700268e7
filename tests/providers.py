"""Stand-ins for the five online translation services, on 127.0.0.1, for the engines' tests.

Each :class:`FakeProvider` is a real HTTP server (``ThreadingHTTPServer`` on a free
port, in a daemon thread) speaking one service's protocol at the paths the engine
uses, checking a request as the service would (method, key, required parameters)
and recording every request it gets. Its "translation" is :func:`fake_translate`:
each word gets the target language as a prefix (``Hello`` → ``es:Hello``), numbers,
punctuation and tokens like ``⟦12⟧`` stay as they are.

A test scripts misbehaviours, one per request, in order::

    fake.script(Status(429, retry_after="1"), Status(503))   # then normal answers
    fake.always(Status(500))                                  # every request from now on

Misbehaviours: :class:`Status` (any status, ``Retry-After``), :class:`Sleep` (answer
late), :class:`Drop` (close the connection without answering), :class:`Garbage`
(``"html"``: an HTML page where JSON belongs; ``"nofield"``: the right kind of
answer without the translation in it), :class:`LoseToken` (translate, but leave a
token out), :class:`Reply` (any body).

The fixture :func:`mt_env` clears every provider setting from the environment
(keys, ``LOCALIZE_*_URL`` pointed at a closed port so nothing can reach the real
services, a short timeout and backoff); :func:`fake_provider` starts servers and
points the engines at them through their real ``LOCALIZE_<NAME>_URL``.
"""

from __future__ import annotations

import html
import json
import re
import socket
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

NAMES = ("google", "mymemory", "libretranslate", "deepl", "microsoft")

# Where each engine looks for its key; None where the service needs none.
KEY_VARIABLES = {"google": None, "mymemory": None, "libretranslate": "LIBRE_API_KEY",
                 "deepl": "DEEPL_API_KEY", "microsoft": "MICROSOFT_API_KEY"}
KEYS = {"libretranslate": "libre-key-123", "deepl": "deepl-key-456", "microsoft": "ms-key-789"}

# The path each engine's translations go to (the one misbehaviours apply to by default).
TRANSLATE_PATHS = {"google": "/m", "mymemory": "/get", "libretranslate": "/translate",
                   "deepl": "/v2/translate", "microsoft": "/translate"}

ENV_VARIABLES = (
    "DEEPL_API_KEY", "MICROSOFT_API_KEY", "MICROSOFT_REGION", "LIBRE_API_KEY", "MYMEMORY_EMAIL",
    "LOCALIZE_MT_TIMEOUT", "LOCALIZE_MT_RETRIES", "LOCALIZE_MT_BACKOFF",
    *(f"LOCALIZE_{name.upper()}_URL" for name in NAMES),
)

TOKEN = re.compile(r"(⟦\s*\d+\s*⟧)")
WORD = re.compile(r"[^\W\d_]+")


def fake_translate(text: str, target: str) -> str:
    """The fake services' translation: each word prefixed with the target language, tokens kept."""
    lang = target.split("-")[0].lower()
    parts = TOKEN.split(text)
    for i in range(0, len(parts), 2):  # even parts are text, odd ones tokens
        parts[i] = WORD.sub(lambda m: f"{lang}:{m.group()}", parts[i])
    return "".join(parts)


def lose_token(text: str) -> str:
    """The text with its first token taken out (an engine that ate a tag)."""
    return TOKEN.sub("", text, count=1)


# -- misbehaviours -----------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    """Answer with this status (and a short body in the service's error format)."""

    code: int
    retry_after: str | None = None


@dataclass(frozen=True)
class Sleep:
    """Wait this long before answering normally (released early when the server stops)."""

    seconds: float


@dataclass(frozen=True)
class Drop:
    """Close the connection without a word."""


@dataclass(frozen=True)
class Garbage:
    """``"html"``: an HTML error page with 200; ``"nofield"``: a 200 answer without the translation."""

    kind: str = "html"


@dataclass(frozen=True)
class LoseToken:
    """Translate, but leave the first ``⟦n⟧`` token out."""


@dataclass(frozen=True)
class Reply:
    """Answer exactly this: status, body (a str, or JSON-encoded otherwise), content type."""

    status: int = 200
    body: object = ""
    content_type: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


Misbehaviour = Status | Sleep | Drop | Garbage | LoseToken | Reply


# -- recorded requests -------------------------------------------------------------


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]          # names in lower case
    body: bytes
    form: dict[str, list[str]] = field(default_factory=dict)
    json: object = None

    @property
    def raw(self) -> str:
        """Everything a request said besides its headers: path, query and body, as text."""
        return f"{self.path}?{self.query} {self.body.decode('utf-8', 'replace')}"

    def param(self, name: str) -> str | None:
        """One parameter, from the query string or a form body."""
        values = self.query.get(name) or self.form.get(name)
        return values[0] if values else None


class Answer(Exception):
    """Raised inside a protocol to answer at once: status, JSON or text body."""

    def __init__(self, status: int, body: object, content_type: str = "application/json"):
        super().__init__(status)
        self.status, self.body, self.content_type = status, body, content_type


# -- the services ------------------------------------------------------------------


MICROSOFT_LANGUAGES = {
    code: {"name": name, "nativeName": native, "dir": "rtl" if code in ("ar", "he") else "ltr"}
    for code, name, native in [
        ("ar", "Arabic", "العربية"), ("de", "German", "Deutsch"), ("en", "English", "English"),
        ("es", "Spanish", "Español"), ("fr", "French", "Français"), ("fr-ca", "French (Canada)", "Français (Canada)"),
        ("he", "Hebrew", "עברית"), ("it", "Italian", "Italiano"), ("ja", "Japanese", "日本語"),
        ("pt", "Portuguese (Brazil)", "Português (Brasil)"), ("pt-pt", "Portuguese (Portugal)", "Português (Portugal)"),
        ("ru", "Russian", "Русский"), ("zh-Hans", "Chinese Simplified", "中文 (简体)"),
    ]
}
DEEPL_SOURCES = set("AR BG CS DA DE EL EN ES ET FI FR HU ID IT JA KO LT LV NB NL PL PT RO RU SK SL SV TR UK ZH".split())
DEEPL_TARGETS = DEEPL_SOURCES | {"EN-GB", "EN-US", "PT-BR", "PT-PT", "ZH-HANS", "ZH-HANT"}
LIBRE_LANGUAGES = {"ar", "de", "en", "es", "fr", "it", "ja", "pt", "ru", "zh"}


class Service:
    """One provider's protocol: ``answer(request, lose)`` returns (status, body, content type)."""

    name = ""
    routes: dict[str, str] = {}  # path -> allowed method

    def __init__(self, key: str | None, region: str | None = None):
        self.key, self.region = key, region

    def check_route(self, request: Recorded) -> None:
        method = self.routes.get(request.path)
        if method is None:
            raise Answer(404, self.error(404, "not found"))
        if request.method != method:
            raise Answer(405, self.error(405, "method not allowed"))

    def error(self, status: int, message: str) -> object:
        return {"error": message}

    def garbage(self, kind: str) -> tuple[int, object, str]:
        if kind == "html":
            return 200, ("<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
                         "<body><h1>Bad Gateway</h1><p>nginx</p></body></html>"), "text/html; charset=utf-8"
        return 200, self.nofield(), "application/json"

    def nofield(self) -> object:
        raise NotImplementedError

    def answer(self, request: Recorded, lose: bool) -> tuple[int, object, str]:
        raise NotImplementedError

    def translate(self, text: str, target: str, lose: bool) -> str:
        result = fake_translate(text, target)
        return lose_token(result) if lose else result


def _required(request: Recorded, service: Service, *names: str) -> list[str]:
    values = []
    for name in names:
        value = request.param(name)
        if value is None or value == "":
            raise Answer(400, service.error(400, f"Invalid request: missing {name} parameter"))
        values.append(value)
    return values


class Google(Service):
    """translate.google.com/m: the mobile page, a ``div.result-container`` holding the translation."""

    name = "google"
    routes = {"/m": "GET"}

    def error(self, status, message):
        return f"<html><body><p>Error {status} ({message})</p></body></html>"

    def garbage(self, kind):
        if kind == "nofield":  # a page that changed its layout (or a consent page)
            return 200, ('<!DOCTYPE html><html><body><form action="https://consent.google.com/save">'
                         '<div class="consent">Before you continue to Google</div></form></body></html>'), \
                "text/html; charset=utf-8"
        return 200, '{"sentences": []}', "application/json"  # not the page at all

    def answer(self, request, lose):
        text, _source, target = _required(request, self, "q", "sl", "tl")
        translated = html.escape(self.translate(text, target, lose), quote=False)
        page = ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Google Translate</title>"
                "</head><body><div class=\"root-container\"><div class=\"header\">Translate</div>"
                f"<div class=\"result-container\">{translated}</div></div></body></html>")
        return 200, page, "text/html; charset=UTF-8"

class MyMemory(Service):
    """api.mymemory.translated.net/get?langpair=en-GB|es-ES&q=…"""

    name = "mymemory"
    routes = {"/get": "GET"}

    def error(self, status, message):
        return {"responseData": {"translatedText": message.upper()}, "responseDetails": message.upper(),
                "responseStatus": status, "matches": []}

    def nofield(self):
        return {"responseDetails": "", "responseStatus": 200, "matches": []}

    def answer(self, request, lose):
        text, pair = _required(request, self, "q", "langpair")
        source, _, target = pair.partition("|")
        if not source or not target:
            raise Answer(400, self.error(400, "INVALID LANGUAGE PAIR SPECIFIED. EXAMPLE: LANGPAIR=EN|IT"))
        translated = self.translate(text, target, lose)
        return 200, {
            "responseData": {"translatedText": translated, "match": 0.85},
            "quotaFinished": False, "mtLangSupported": None, "responseDetails": "",
            "responseStatus": 200, "responderId": None, "exception_code": None,
            "matches": [{"id": "0", "segment": text, "translation": translated, "source": source,
                         "target": target, "quality": 74, "reference": "Machine Translation.",
                         "usage-count": 0, "subject": False, "created-by": "MT!", "match": 0.85}],
        }, "application/json"


class LibreTranslate(Service):
    """POST /translate with q, source, target, format, api_key (query string, form or JSON)."""

    name = "libretranslate"
    routes = {"/translate": "POST"}

    def nofield(self):
        return {"detectedLanguage": {"confidence": 90.0, "language": "en"}}

    def answer(self, request, lose):
        if isinstance(request.json, dict):
            request.form.update({k: [v] for k, v in request.json.items() if isinstance(v, str)})
        if self.key is not None and request.param("api_key") != self.key:
            raise Answer(403, {"error": "Visit https://portal.libretranslate.com to get an API key"})
        text, source, target = _required(request, self, "q", "source", "target")
        for code in (source, target):
            if code not in LIBRE_LANGUAGES and code != "auto":
                raise Answer(400, {"error": f"{code} is not supported"})
        return 200, {"translatedText": self.translate(text, target, lose)}, "application/json"


class DeepL(Service):
    """POST /v2/translate, ``Authorization: DeepL-Auth-Key …``, form (or JSON) with repeated ``text``."""

    name = "deepl"
    routes = {"/v2/translate": "POST"}

    def error(self, status, message):
        return {"message": message}

    def nofield(self):
        return {"message": "Quota for this billing period has been exceeded"}

    def answer(self, request, lose):
        if request.headers.get("authorization") != f"DeepL-Auth-Key {self.key}":
            # DeepL no longer takes auth_key in the query string or body
            raise Answer(403, {"message": "Wrong endpoint or authentication key"})
        if isinstance(request.json, dict):
            data = request.json
            texts = data.get("text") or []
            source, target = data.get("source_lang"), data.get("target_lang")
        else:
            texts = request.form.get("text", [])
            source, target = request.param("source_lang"), request.param("target_lang")
        if not texts:
            raise Answer(400, {"message": "Parameter 'text' not specified."})
        if len(texts) > 50:
            raise Answer(400, {"message": "Too many texts in the request: at most 50."})
        if not target or target.upper() not in DEEPL_TARGETS:
            raise Answer(400, {"message": "Value for 'target_lang' not supported."})
        if source and source.upper() not in DEEPL_SOURCES:
            raise Answer(400, {"message": "Value for 'source_lang' not supported."})
        return 200, {"translations": [
            {"detected_source_language": (source or "EN").upper(), "text": self.translate(t, target, lose)}
            for t in texts
        ]}, "application/json"


class Microsoft(Service):
    """GET /languages (no key) and POST /translate?api-version=3.0&from=…&to=… with a JSON array."""

    name = "microsoft"
    routes = {"/languages": "GET", "/translate": "POST"}

    def error(self, status, message):
        return {"error": {"code": status * 1000, "message": message}}

    def nofield(self):
        return [{"detectedLanguage": {"language": "en", "score": 1.0}}]

    def answer(self, request, lose):
        if request.param("api-version") != "3.0":
            raise Answer(400, self.error(400, "The API version parameter is missing or invalid."))
        if request.path == "/languages":
            return 200, {"translation": MICROSOFT_LANGUAGES}, "application/json"
        if request.headers.get("ocp-apim-subscription-key") != self.key or (
                self.region and request.headers.get("ocp-apim-subscription-region") != self.region):
            raise Answer(401, self.error(401, "The request is not authorized because credentials "
                                              "are missing or invalid."))
        (target,) = _required(request, self, "to")
        if target not in MICROSOFT_LANGUAGES or (request.param("from") or "en") not in MICROSOFT_LANGUAGES:
            raise Answer(400, self.error(400, "The target language is not valid."))
        body = request.json
        if not isinstance(body, list) or not body or not all(isinstance(i, dict) and "Text" in i for i in body):
            raise Answer(400, self.error(400, "The body of the request is not valid JSON."))
        if len(body) > 1000:
            raise Answer(400, self.error(400, "The number of elements on the array exceeds the maximum."))
        return 200, [{"translations": [{"text": self.translate(item["Text"], target, lose), "to": target}]}
                     for item in body], "application/json"


SERVICES: dict[str, type[Service]] = {cls.name: cls for cls in (Google, MyMemory, LibreTranslate, DeepL, Microsoft)}


# -- the server --------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"   # keep-alive, as the real services
    disable_nagle_algorithm = True  # headers and body leave at once (no 40 ms delayed-ACK stalls)

    def log_message(self, format, *args):  # quiet
        pass

    def do_GET(self):
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    def _handle(self):
        fake = self.server.fake
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Recorded(self.command, parts.path, parse_qs(parts.query, keep_blank_values=True),
                           {k.lower(): v for k, v in self.headers.items()}, body)
        ctype = request.headers.get("content-type", "")
        if ctype.startswith("application/x-www-form-urlencoded"):
            request.form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        elif ctype.startswith("application/json"):
            try:
                request.json = json.loads(body)
            except ValueError:
                request.json = None
        fake.record(request)
        action = fake.next_action(request.path)

        lose = False
        if isinstance(action, Drop):
            self.close_connection = True
            return
        if isinstance(action, Sleep):
            fake.stopping.wait(action.seconds)
            if fake.stopping.is_set():
                self.close_connection = True
                return
        elif isinstance(action, Status):
            headers = [("Retry-After", action.retry_after)] if action.retry_after is not None else []
            return self._send(action.code, fake.service.error(action.code, f"status {action.code}"),
                              _ctype(fake.service), headers)
        elif isinstance(action, Reply):
            return self._send(action.status, action.body, action.content_type or _ctype_of(action.body),
                              list(action.headers))
        elif isinstance(action, Garbage):
            return self._send(*fake.service.garbage(action.kind))
        elif isinstance(action, LoseToken):
            lose = True

        try:
            fake.service.check_route(request)
            status, payload, content_type = fake.service.answer(request, lose)
        except Answer as answer:
            status, payload, content_type = answer.status, answer.body, answer.content_type
            if isinstance(payload, str) and content_type == "application/json":
                content_type = "text/html; charset=utf-8"
        self._send(status, payload, content_type)

    def _send(self, status, payload, content_type, headers=()):
        data = payload if isinstance(payload, bytes) else (
            payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        except OSError:  # the client gave up (timed out) first
            self.close_connection = True


def _ctype(service: Service) -> str:
    return "text/html; charset=utf-8" if isinstance(service, Google) else "application/json"


def _ctype_of(body: object) -> str:
    return "text/html; charset=utf-8" if isinstance(body, str) else "application/json"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeProvider

    def handle_error(self, request, client_address):  # a client that hung up is not news
        pass


class FakeProvider:
    """One fake service on 127.0.0.1:<free port>; ``url`` is its base (ends with ``/``)."""

    def __init__(self, name: str, *, key: str | None = None, region: str | None = None):
        self.name = name
        self.service = SERVICES[name](key, region)
        self.requests: list[Recorded] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._queues: dict[str, deque] = {}
        self._always: dict[str, Misbehaviour] = {}
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01},
                                        name=f"fake-{name}", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    @property
    def host(self) -> str:
        return self.url.split("/")[2]

    @property
    def translate_path(self) -> str:
        return TRANSLATE_PATHS[self.name]

    def start(self) -> FakeProvider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # scripting
    def script(self, *actions: Misbehaviour, path: str | None = None) -> FakeProvider:
        """Misbehave on the next requests to ``path`` (the translate path), one action each."""
        with self._lock:
            self._queues.setdefault(path or self.translate_path, deque()).extend(actions)
        return self

    def always(self, action: Misbehaviour | None, path: str | None = None) -> FakeProvider:
        """Misbehave this way on every request to ``path`` once the script has run out (None: stop)."""
        with self._lock:
            if action is None:
                self._always.pop(path or self.translate_path, None)
            else:
                self._always[path or self.translate_path] = action
        return self

    def next_action(self, path: str) -> Misbehaviour | None:
        with self._lock:
            queue = self._queues.get(path)
            if queue:
                return queue.popleft()
            return self._always.get(path)

    # recording
    def record(self, request: Recorded) -> None:
        with self._lock:
            self.requests.append(request)

    def calls(self, path: str | None = None) -> list[Recorded]:
        """The requests made to ``path`` (the translate path), in order."""
        path = path or self.translate_path
        with self._lock:
            return [r for r in self.requests if r.path == path]


def closed_port_url() -> str:
    """A base URL on 127.0.0.1 where nothing listens (a port just freed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


# -- fixtures ----------------------------------------------------------------------


@pytest.fixture
def mt_env(monkeypatch):
    """No provider setting from the developer's environment; every provider pointed at a dead port.

    Short settings for tests: timeout 2 s, 3 retries, first backoff 0.01 s.
    """
    for variable in ENV_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    dead = closed_port_url()
    for name in NAMES:
        monkeypatch.setenv(f"LOCALIZE_{name.upper()}_URL", dead)
    monkeypatch.setenv("LOCALIZE_MT_TIMEOUT", "2")
    monkeypatch.setenv("LOCALIZE_MT_RETRIES", "3")
    monkeypatch.setenv("LOCALIZE_MT_BACKOFF", "0.01")
    return monkeypatch


_DEFAULT = object()


@pytest.fixture
def fake_provider(mt_env):
    """Start a fake service: ``fake_provider("deepl")`` → a running :class:`FakeProvider`.

    Its ``LOCALIZE_<NAME>_URL`` points at it; the key it expects (``KEYS``) is set in
    the provider's key variable unless ``key=None`` (a server that wants no key) or
    ``set_key=False`` (the variable left unset).
    """
    started: list[FakeProvider] = []

    def start(name: str, *, key: object = _DEFAULT, region: str | None = None,
              set_key: bool = True) -> FakeProvider:
        key = KEYS.get(name) if key is _DEFAULT else key
        fake = FakeProvider(name, key=key, region=region).start()
        started.append(fake)
        mt_env.setenv(f"LOCALIZE_{name.upper()}_URL", fake.url)
        variable = KEY_VARIABLES[name]
        if variable and key and set_key:
            mt_env.setenv(variable, key)
        if region:
            mt_env.setenv("MICROSOFT_REGION", region)
        return fake

    yield start
    for fake in started:
        fake.stop()
