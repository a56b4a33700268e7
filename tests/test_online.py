"""The five online engines against local stand-ins of their services (tests/providers.py).

What a user relies on: a batch comes back translated, in order, tokens intact; the
key travels the way the service wants it; a busy or broken service is retried or
refused with one line naming the provider, quickly, never a hang or a traceback.
"""

from __future__ import annotations

import time

import pytest
import requests

from localize import engines, protect
from localize.engines import Draft, EngineError

from providers import (
    KEY_VARIABLES,
    KEYS,
    NAMES,
    TRANSLATE_PATHS,
    Drop,
    Garbage,
    LoseToken,
    Reply,
    Sleep,
    Status,
    closed_port_url,
)


PROVIDERS = NAMES  # the online engines this file covers (test_draft checks every engine is covered)

TEXTS = ["Good morning", "Press ⟦1⟧< then ⟦2⟧ & wait", "Año nuevo, 3 días"]
EXPECTED = ["es:Good es:morning", "es:Press ⟦1⟧< es:then ⟦2⟧ & es:wait", "es:Año es:nuevo, 3 es:días"]

PER_TEXT = ("google", "mymemory", "libretranslate")  # deep-translator: one request a text
BATCHED = {"deepl": 50, "microsoft": 100}             # called directly: texts per request
KEYED = ("libretranslate", "deepl", "microsoft")
UNSUPPORTED = {"google": "tok", "mymemory": "tok", "libretranslate": "eo", "deepl": "eo", "microsoft": "tok"}


def providers(names=NAMES):
    """Parameters by provider name."""
    return [pytest.param(n, id=n) for n in names]


def sent_texts(fake) -> list[str]:
    """The texts that reached the service, in order, however the provider carries them."""
    texts: list[str] = []
    for r in fake.calls():
        if fake.name == "deepl":
            texts += r.form["text"]
        elif fake.name == "microsoft":
            texts += [item["Text"] for item in r.json]
        else:
            texts.append(r.param("q"))
    return texts


def one_line(error: pytest.ExceptionInfo) -> str:
    message = str(error.value)
    assert "\n" not in message and message.strip() == message, f"not one line: {message!r}"
    return message


# -- translating -------------------------------------------------------------------


@pytest.mark.parametrize("name", providers())
def test_batch_comes_back_translated_in_order_with_tokens_intact(fake_provider, name):
    fake = fake_provider(name)
    drafts = engines.create(name).translate(TEXTS, "en", "es")

    assert all(isinstance(d, Draft) for d in drafts)
    assert [d.text for d in drafts] == EXPECTED
    assert {d.origin for d in drafts} == {f"{name} en-es"}
    assert sent_texts(fake) == TEXTS  # ⟦n⟧, "<" and "&" reach the service as they are
    assert len(fake.calls()) == (1 if name in BATCHED else len(TEXTS))


@pytest.mark.parametrize("name", providers())
def test_empty_text_gets_no_draft_and_is_not_sent(fake_provider, name):
    fake = fake_provider(name)
    drafts = engines.create(name).translate(["Good morning", "", "The end."], "en", "es")

    assert len(drafts) == 3 and drafts[1] is None
    assert [drafts[0].text, drafts[2].text] == ["es:Good es:morning", "es:The es:end."]
    if name in PER_TEXT:
        assert sent_texts(fake) == ["Good morning", "The end."]


@pytest.mark.parametrize("name", providers())
def test_engine_is_online_and_knows_its_languages(fake_provider, name):
    fake = fake_provider(name)
    engine = engines.create(name)

    assert engine.online is True
    assert engine.name == name
    assert engine.supports("en", "es")
    assert engine.supports("en", "de")
    assert not engine.supports("en", "en")
    assert not engine.supports("en", UNSUPPORTED[name])
    with pytest.raises(engines.UnknownEngine, match=name):
        engine.translate(["Hello"], "en", UNSUPPORTED[name])
    assert fake.calls() == []  # an unsupported pair never reaches the service
    if name == "microsoft":  # its language list is asked for once
        engine.translate(["Hello"], "en", "es")
        assert len(fake.calls("/languages")) == 1


@pytest.mark.parametrize("name", providers())
def test_tokens_and_markup_survive_the_round_trip(fake_provider, name):
    fake_provider(name)
    fragment = 'Press <kbd>Ctrl</kbd> then <a href="https://x.org/a">the link</a> 3 times'
    protected = protect.protect(fragment)

    (draft,) = engines.create(name).translate([protected.text], "en", "es")

    assert protect.restore(draft.text, protected) == (
        'es:Press <kbd>Ctrl</kbd> es:then <a href="https://x.org/a">es:the es:link</a> 3 es:times')


@pytest.mark.parametrize("name", providers())
def test_a_token_the_service_lost_is_caught_on_restore(fake_provider, name):
    fake = fake_provider(name)
    protected = protect.protect("Read <em>this</em> now")
    fake.script(LoseToken())

    (draft,) = engines.create(name).translate([protected.text], "en", "es")

    assert draft.text.count("⟦") == 1  # the engine hands back what it got
    with pytest.raises(protect.LostToken, match="lost 1"):
        protect.restore(draft.text, protected)


# -- keys and batching -----------------------------------------------------------


def test_deepl_key_travels_in_the_authorization_header(fake_provider):
    fake = fake_provider("deepl")
    engines.create("deepl").translate(TEXTS, "en", "es")

    (request,) = fake.calls()
    assert request.method == "POST"
    assert request.headers["authorization"] == f"DeepL-Auth-Key {KEYS['deepl']}"
    assert KEYS["deepl"] not in request.raw  # neither query string nor body
    assert request.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert request.form["text"] == TEXTS
    assert (request.param("source_lang"), request.param("target_lang")) == ("EN", "ES")


def test_microsoft_key_and_region_travel_in_headers(fake_provider):
    fake = fake_provider("microsoft", region="westeurope")
    engines.create("microsoft").translate(TEXTS, "en", "es")

    (request,) = fake.calls()
    assert request.method == "POST"
    assert request.headers["ocp-apim-subscription-key"] == KEYS["microsoft"]
    assert request.headers["ocp-apim-subscription-region"] == "westeurope"
    assert KEYS["microsoft"] not in request.raw
    assert request.json == [{"Text": t} for t in TEXTS]
    assert {k: v[0] for k, v in request.query.items()} == {
        "api-version": "3.0", "from": "en", "to": "es", "textType": "plain"}
    (languages,) = fake.calls("/languages")
    assert "ocp-apim-subscription-key" not in languages.headers  # the list is public


def test_microsoft_without_region_sends_no_region_header(fake_provider):
    fake = fake_provider("microsoft")
    engines.create("microsoft").translate(["Hello"], "en", "es")
    assert "ocp-apim-subscription-region" not in fake.calls()[0].headers


def test_libretranslate_key_travels_as_api_key(fake_provider):
    fake = fake_provider("libretranslate")
    engines.create("libretranslate").translate(["Hello"], "en", "es")

    (request,) = fake.calls()
    assert request.method == "POST"
    assert request.param("api_key") == KEYS["libretranslate"]
    assert (request.param("source"), request.param("target"), request.param("format")) == ("en", "es", "text")


def test_libretranslate_server_of_your_own_needs_no_key(fake_provider):
    fake_provider("libretranslate", key=None)  # LIBRE_API_KEY unset, the server wants none
    (draft,) = engines.create("libretranslate").translate(["Hello"], "en", "es")
    assert draft.text == "es:Hello"


def test_mymemory_sends_the_email_that_raises_its_quota(fake_provider, mt_env):
    fake = fake_provider("mymemory")
    mt_env.setenv("MYMEMORY_EMAIL", "me@example.org")
    engines.create("mymemory").translate(["Hello"], "en", "es")

    (request,) = fake.calls()
    assert request.param("de") == "me@example.org"
    assert request.param("langpair") == "en-GB|es-ES"


@pytest.mark.parametrize("name", providers(("google", "mymemory")))
def test_keyless_providers_send_no_credentials(fake_provider, name):
    fake = fake_provider(name)
    engines.create(name).translate(["Hello"], "en", "es")
    (request,) = fake.calls()
    assert "authorization" not in request.headers and "cookie" not in request.headers


@pytest.mark.parametrize("name", providers(tuple(BATCHED)))
def test_batch_goes_in_as_few_requests_as_the_service_allows(fake_provider, name):
    fake = fake_provider(name)
    size = BATCHED[name]
    texts = [f"Sentence {chr(65 + i % 26)}{i}" for i in range(size + 10)]

    drafts = engines.create(name).translate(texts, "en", "es")

    assert [d.text for d in drafts] == [f"es:Sentence es:{chr(65 + i % 26)}{i}" for i in range(size + 10)]
    assert [len(r.form["text"]) if name == "deepl" else len(r.json) for r in fake.calls()] == [size, 10]


# -- a busy or broken service ----------------------------------------------------


@pytest.mark.parametrize("status", [429, 503])
@pytest.mark.parametrize("name", providers())
def test_busy_service_is_retried_until_it_answers(fake_provider, name, status):
    fake = fake_provider(name)
    fake.script(Status(status), Status(status))

    start = time.monotonic()
    (draft,) = engines.create(name).translate(["Hello"], "en", "es")

    assert draft.text == "es:Hello"
    assert len(fake.calls()) == 3
    assert time.monotonic() - start < 1  # backoff 0.01 s, then 0.02 s


@pytest.mark.parametrize("name", providers())
def test_retry_after_is_honoured(fake_provider, name):
    fake = fake_provider(name)
    fake.script(Status(429, retry_after="1"))

    start = time.monotonic()
    (draft,) = engines.create(name, backoff=0.01).translate(["Hello"], "en", "es")
    elapsed = time.monotonic() - start

    assert draft.text == "es:Hello"
    assert len(fake.calls()) == 2
    assert 0.95 <= elapsed < 3, f"waited {elapsed:.2f} s for Retry-After: 1"


@pytest.mark.parametrize("name", providers())
def test_retry_after_zero_overrides_a_long_backoff(fake_provider, name):
    fake = fake_provider(name)
    fake.script(Status(429, retry_after="0"))

    start = time.monotonic()
    (draft,) = engines.create(name, backoff=5).translate(["Hello"], "en", "es")

    assert draft.text == "es:Hello"
    assert time.monotonic() - start < 1


@pytest.mark.parametrize("status", [500, 503])
@pytest.mark.parametrize("name", providers())
def test_service_failing_for_good_gives_up_with_one_line(fake_provider, name, status):
    fake = fake_provider(name)
    fake.always(Status(status))
    engine = engines.create(name, retries=2)

    start = time.monotonic()
    with pytest.raises(EngineError) as error:
        engine.translate(TEXTS, "en", "es")

    message = one_line(error)
    assert message.startswith(f"{name}: ")
    assert f"HTTP {status}" in message and "3 times" in message
    assert len(fake.calls()) == 3  # retries + 1, then no more texts tried
    assert time.monotonic() - start < 1


@pytest.mark.parametrize("name", providers())
def test_refused_request_is_an_engine_error_naming_the_status(fake_provider, name):
    fake = fake_provider(name)
    fake.script(Status(400))

    with pytest.raises(EngineError) as error:
        engines.create(name).translate(["Hello"], "en", "es")

    message = one_line(error)
    assert message.startswith(f"{name}: ") and "400" in message
    assert len(fake.calls()) == 1  # a 400 is not retried


@pytest.mark.parametrize("name", providers())
def test_service_too_slow_is_a_timeout_not_a_hang(fake_provider, mt_env, name):
    fake = fake_provider(name)
    mt_env.setenv("LOCALIZE_MT_TIMEOUT", "0.5")
    engine = engines.create(name)
    engine.supports("en", "es")  # microsoft: its language list comes first, promptly
    fake.script(Sleep(3))

    start = time.monotonic()
    with pytest.raises(EngineError) as error:
        engine.translate(["Hello"], "en", "es")
    elapsed = time.monotonic() - start

    message = one_line(error)
    assert message.startswith(f"{name}: ") and "within 0.5 s" in message
    assert fake.host in message
    assert 0.4 < elapsed < 2, f"took {elapsed:.2f} s"
    assert len(fake.calls()) == 1


@pytest.mark.parametrize("kind", ["html", "nofield"])
@pytest.mark.parametrize("name", providers())
def test_garbage_answer_is_an_engine_error(fake_provider, name, kind):
    fake = fake_provider(name)
    fake.script(Garbage(kind))

    with pytest.raises(EngineError) as error:
        engines.create(name).translate(TEXTS, "en", "es")

    assert one_line(error).startswith(f"{name}: ")
    assert len(fake.calls()) == 1


def test_microsoft_garbage_language_list_is_an_engine_error(fake_provider):
    fake = fake_provider("microsoft")
    fake.script(Garbage("html"), path="/languages")
    with pytest.raises(EngineError, match=r"^microsoft: .*unreadable answer"):
        engines.create("microsoft").supports("en", "es")
    fake.script(Reply(200, {"dictionary": {}}), path="/languages")
    with pytest.raises(EngineError, match=r"^microsoft: .*no language list"):
        engines.create("microsoft").supports("en", "es")


def test_mymemory_quota_warning_is_not_a_translation(fake_provider):
    fake = fake_provider("mymemory")
    warning = ("MYMEMORY WARNING: YOU USED ALL AVAILABLE FREE TRANSLATIONS FOR TODAY. NEXT AVAILABLE IN "
               "23 HOURS 59 MINUTES 59 SECONDS VISIT HTTPS://MYMEMORY.TRANSLATED.NET/DOC/USAGELIMITS.PHP")
    fake.script(Reply(200, {"responseData": {"translatedText": warning, "match": 0}, "quotaFinished": True,
                            "responseDetails": warning, "responseStatus": 429, "matches": []}))

    with pytest.raises(EngineError) as error:
        engines.create("mymemory").translate(["Hello"], "en", "es")
    assert one_line(error).startswith("mymemory: ")


@pytest.mark.parametrize("name", providers())
def test_dropped_connection_is_an_engine_error(fake_provider, name):
    fake = fake_provider(name)
    fake.script(Drop())

    with pytest.raises(EngineError) as error:
        engines.create(name).translate(["Hello"], "en", "es")

    message = one_line(error)
    assert message.startswith(f"{name}: ") and fake.host in message


@pytest.mark.parametrize("name", providers())
def test_nothing_listening_cannot_reach_at_once(mt_env, name):
    url = closed_port_url()
    mt_env.setenv(f"LOCALIZE_{name.upper()}_URL", url)
    if KEY_VARIABLES[name]:
        mt_env.setenv(KEY_VARIABLES[name], KEYS[name])

    start = time.monotonic()
    with pytest.raises(EngineError) as error:
        engines.create(name).translate(["Hello"], "en", "es")

    message = one_line(error)
    assert message.startswith(f"{name}: cannot reach {url.split('/')[2]}")
    assert "connection refused" in message
    assert time.monotonic() - start < 1


@pytest.mark.parametrize("name", providers(("deepl", "microsoft")))
def test_missing_key_names_the_variable(mt_env, name):
    with pytest.raises(EngineError) as error:
        engines.create(name)
    assert one_line(error) == f"{name}: set {KEY_VARIABLES[name]} to use it"


def test_libretranslate_without_key_or_server_names_both(mt_env):
    mt_env.delenv("LOCALIZE_LIBRETRANSLATE_URL")
    with pytest.raises(EngineError) as error:
        engines.create("libretranslate")
    message = one_line(error)
    assert "LIBRE_API_KEY" in message and "LOCALIZE_LIBRETRANSLATE_URL" in message


@pytest.mark.parametrize("name", providers(KEYED))
def test_wrong_key_is_refused_at_once(fake_provider, mt_env, name):
    fake = fake_provider(name)
    mt_env.setenv(KEY_VARIABLES[name], "not-the-key")

    with pytest.raises(EngineError) as error:
        engines.create(name).translate(TEXTS, "en", "es")

    message = one_line(error)
    assert message.startswith(f"{name}: ") and "refused the API key" in message
    assert len(fake.calls()) == 1  # not retried, no further text tried


def test_deepl_free_key_goes_to_the_free_api(mt_env):
    mt_env.delenv("LOCALIZE_DEEPL_URL")
    mt_env.setenv("DEEPL_API_KEY", "0123-abcd:fx")
    assert engines.create("deepl").transport.base == "https://api-free.deepl.com/"
    mt_env.setenv("DEEPL_API_KEY", "0123-abcd")
    assert engines.create("deepl").transport.base == "https://api.deepl.com/"


@pytest.mark.parametrize("tag, code", [("pt-PT", "pt-pt"), ("fr-CA", "fr-ca")])
def test_microsoft_regional_variant_is_asked_for(fake_provider, tag, code):
    fake = fake_provider("microsoft")
    engines.create("microsoft").translate(["Hello"], "en", tag)
    assert fake.calls()[0].param("to") == code


# -- the stand-ins are strict like the real services ------------------------------


@pytest.mark.parametrize("name", providers())
def test_fake_service_rejects_wrong_method_and_path(fake_provider, name):
    fake = fake_provider(name)
    path = TRANSLATE_PATHS[name]
    method = "POST" if name in ("google", "mymemory") else "GET"
    assert requests.request(method, fake.url + path.lstrip("/"), timeout=2).status_code == 405
    assert requests.get(fake.url + "nowhere", timeout=2).status_code == 404


@pytest.mark.parametrize("name, status", [("libretranslate", 403), ("deepl", 403), ("microsoft", 401)])
def test_fake_service_refuses_a_missing_key(fake_provider, name, status):
    fake = fake_provider(name)
    path = TRANSLATE_PATHS[name].lstrip("/")
    if name == "microsoft":
        answer = requests.post(fake.url + path, params={"api-version": "3.0", "to": "es"},
                               json=[{"Text": "Hello"}], timeout=2)
    elif name == "deepl":  # the key as the old query parameter no longer counts
        answer = requests.post(fake.url + path, params={"auth_key": KEYS["deepl"]},
                               data={"text": "Hello", "target_lang": "ES"}, timeout=2)
    else:
        answer = requests.post(fake.url + path, params={"q": "Hello", "source": "en", "target": "es"}, timeout=2)
    assert answer.status_code == status
