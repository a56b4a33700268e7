"""What the online providers share: HTTP with a timeout, retries, and errors of one line.

Every provider reads its settings from the environment, never from files:

* ``<NAME>_API_KEY`` where the provider needs a key (``DEEPL_API_KEY``,
  ``MICROSOFT_API_KEY``, ``LIBRE_API_KEY``), ``MICROSOFT_REGION``;
* ``LOCALIZE_<NAME>_URL`` to send its requests elsewhere (a self-hosted
  LibreTranslate, a proxy), e.g. ``LOCALIZE_DEEPL_URL=http://127.0.0.1:5000/``;
* ``LOCALIZE_MT_TIMEOUT`` (seconds, default 10), ``LOCALIZE_MT_RETRIES``
  (default 3) and ``LOCALIZE_MT_BACKOFF`` (first wait in seconds, default 1;
  it doubles) for every provider.

A reply of 429 or 5xx is retried after a pause (the server's ``Retry-After``
when it gives one, up to 30 s); a refused connection, a timeout or a refused
key ends the run at once with :class:`EngineError` naming the provider.

deep-translator calls ``requests.get``/``requests.post`` with no timeout; its
provider modules are given :data:`_SHIM` in place of ``requests``, so its calls
go through the same :class:`Transport`.
"""

from __future__ import annotations

import contextvars
import os
import time
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

import requests

from . import Draft, Engine, EngineError

RETRIED = frozenset({429, 500, 502, 503, 504})
MAX_WAIT = 30.0


def _number(name: str, default: float, *, minimum: float = 0.0) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise EngineError(f"{name}={value!r} is not a number") from None
    if number < minimum:
        raise EngineError(f"{name}={value!r} must be at least {minimum:g}")
    return number


class Transport:
    """HTTP for one provider: base URL rewriting, a timeout on every call, retries with backoff."""

    def __init__(self, name: str, upstream: str, *, timeout: float | None = None,
                 retries: int | None = None, backoff: float | None = None):
        self.name = name
        self.upstream = upstream
        self.base = os.environ.get(f"LOCALIZE_{name.upper()}_URL", "").strip() or upstream
        if not self.base.endswith("/"):
            self.base += "/"
        if urlsplit(self.base).scheme not in ("http", "https"):
            raise EngineError(f"{name}: LOCALIZE_{name.upper()}_URL must be an http(s) address")
        self.timeout = timeout if timeout is not None else _number("LOCALIZE_MT_TIMEOUT", 10.0, minimum=0.1)
        self.retries = int(retries if retries is not None else _number("LOCALIZE_MT_RETRIES", 3))
        self.backoff = backoff if backoff is not None else _number("LOCALIZE_MT_BACKOFF", 1.0)
        # called on every answer that is not retried: a provider's own way of saying "failed"
        self.check: Callable[[Transport, requests.Response], None] | None = None
        self.session = requests.Session()
        self.session.trust_env = False  # no proxies or .netrc credentials picked up behind our back

    @property
    def host(self) -> str:
        return urlsplit(self.base).netloc

    def url(self, address: str) -> str:
        """An upstream address moved to the configured base."""
        if address.startswith(self.upstream):
            return self.base + address[len(self.upstream):]
        return address

    def request(self, method: str, address: str, **options) -> requests.Response:
        options["timeout"] = self.timeout
        options.pop("proxies", None)
        address = self.url(address)
        for attempt in range(self.retries + 1):
            try:
                response = self.session.request(method, address, **options)
            except requests.Timeout:
                raise EngineError(f"{self.name}: no answer from {self.host} within {self.timeout:g} s") from None
            except requests.ConnectionError as exc:
                if "Read timed out" in str(exc):  # a reply that stalled half way
                    raise EngineError(f"{self.name}: no answer from {self.host} within {self.timeout:g} s") from None
                if "RemoteDisconnected" in str(exc) or "Connection aborted" in str(exc):
                    raise EngineError(f"{self.name}: {self.host} closed the connection without answering") from None
                raise EngineError(f"{self.name}: cannot reach {self.host}: {_reason(exc)}") from None
            except requests.RequestException as exc:
                raise EngineError(f"{self.name}: request to {self.host} failed: {_reason(exc)}") from None
            if response.status_code in (401, 403):
                raise EngineError(f"{self.name}: {self.host} refused the API key (HTTP {response.status_code})")
            if response.status_code not in RETRIED:
                if self.check is not None:
                    self.check(self, response)
                return response
            if attempt < self.retries:
                time.sleep(self._wait(response, attempt))
        raise EngineError(f"{self.name}: {self.host} answered HTTP {response.status_code} "
                          f"{response.reason or ''}".rstrip() + f" {self.retries + 1} times; giving up")

    def _wait(self, response: requests.Response, attempt: int) -> float:
        after = response.headers.get("Retry-After", "")
        if after.strip().isdigit():
            return min(float(after), MAX_WAIT)
        return min(self.backoff * 2 ** attempt, MAX_WAIT)

    def json(self, method: str, address: str, **options):
        """A request whose answer must be JSON and a success."""
        response = self.request(method, address, **options)
        if response.status_code >= 400:
            raise EngineError(f"{self.name}: {self.host} answered HTTP {response.status_code}: "
                              f"{_excerpt(response.text)}")
        try:
            return response.json()
        except ValueError:
            raise EngineError(f"{self.name}: {self.host} sent an unreadable answer: "
                              f"{_excerpt(response.text)}") from None


def _reason(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "Temporary failure in name resolution",
                   "Network is unreachable", "No route to host", "Connection reset"):
        if marker in text:
            return marker.lower()
    return _excerpt(text)


def _excerpt(text: str, size: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= size else text[:size - 1] + "…"


# -- deep-translator's providers ---------------------------------------------------

_current: contextvars.ContextVar[Transport | None] = contextvars.ContextVar("transport", default=None)


class _Requests:
    """Stands in for ``requests`` inside deep-translator's provider modules."""

    exceptions = requests.exceptions

    def get(self, url, **options):
        return self._send("GET", url, **options)

    def post(self, url, **options):
        return self._send("POST", url, **options)

    def _send(self, method, url, **options):
        transport = _current.get()
        if transport is None:  # somebody else's use of deep-translator: still never without a timeout
            options.setdefault("timeout", 10)
            return requests.request(method, url, **options)
        response = transport.request(method, url, **options)
        if response.status_code >= 400:  # deep-translator's own errors say nothing of what happened
            raise EngineError(f"{transport.name}: {transport.host} answered HTTP {response.status_code}: "
                              f"{_excerpt(response.text)}")
        return response


_SHIM = _Requests()


def shim(module) -> None:
    """Route a deep-translator provider module's HTTP through :class:`Transport`."""
    module.requests = _SHIM


class Provider(Engine):
    """An online engine: text leaves this machine."""

    online = True
    upstream = ""
    key_variable: str | None = None
    batch_size = 20           # units between two saves of the catalog
    max_chars: int | None = None

    def __init__(self, **transport_options):
        self.transport = Transport(self.name, self.upstream, **transport_options)
        self.key = os.environ.get(self.key_variable, "").strip() if self.key_variable else ""
        if self.key_variable and not self.key:
            raise EngineError(f"{self.name}: set {self.key_variable} to use it")

    # Language codes: BCP 47 → the provider's code, or None.
    codes: frozenset[str] = frozenset()

    def code(self, tag: str) -> str | None:
        if tag in self.codes:
            return tag
        base = tag.split("-")[0].lower()
        return base if base in self.codes else None

    def supports(self, source: str, target: str) -> bool:
        return source != target and self.code(source) is not None and self.code(target) is not None

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[Draft | None]:
        if not self.supports(source, target):
            raise self.unsupported(source, target)
        token = _current.set(self.transport)
        try:
            found = self.send(list(texts), self.code(source), self.code(target))
        finally:
            _current.reset(token)
        if len(found) != len(texts):
            raise EngineError(f"{self.name}: asked for {len(texts)} translations, got {len(found)}")
        origin = f"{self.name} {source}-{target}"
        return [Draft(text, origin) if isinstance(text, str) and text.strip() else None for text in found]

    def send(self, texts: list[str], source: str, target: str) -> list[str | None]:
        raise NotImplementedError


class DeepTranslatorProvider(Provider):
    """A provider that deep-translator speaks, one request per text.

    ``module`` names its deep-translator module (its HTTP goes through our
    transport) and ``languages`` the table of its codes in ``deep_translator.constants``.
    """

    module = ""
    languages = ""

    def __init__(self, **options):
        import importlib

        from deep_translator import constants

        shim(importlib.import_module(f"deep_translator.{self.module}"))
        self.codes = frozenset(getattr(constants, self.languages).values())
        super().__init__(**options)

    def translator(self, source: str, target: str):
        raise NotImplementedError

    def send(self, texts: list[str], source: str, target: str) -> list[str | None]:
        from deep_translator import exceptions as dt

        translator = self.translator(source, target)
        found = []
        for text in texts:
            try:
                found.append(translator.translate(text))
            except EngineError:
                raise
            except dt.TranslationNotFound:
                # deep-translator says so of pages it cannot read (a consent page, a new layout)
                raise EngineError(f"{self.name}: {self.transport.host} sent an answer without a translation") from None
            except (dt.BaseError, dt.RequestError, dt.ServerException, dt.TooManyRequests,
                    ValueError, KeyError, TypeError, AttributeError, StopIteration) as exc:
                raise EngineError(f"{self.name}: {self.transport.host} sent an unreadable answer "
                                  f"({type(exc).__name__})") from None
        return found
