"""/healthz tries each part a web worker needs, the way a load balancer asks: a real database, a real
redis-server of the test's own, the workspace's folders; 503 naming the part that fails, and no secrets."""

from __future__ import annotations

import pytest

from dataservers import REDIS_SERVER, Redis
from test_api import site, template  # noqa: F401  (fixtures: a workspace with accounts)
from pathlib import Path

ALL_OK = {"database": "ok", "queue": "ok", "workspace": "ok"}


def health(site):
    answer = site.app.test_client().get("/healthz")
    return answer.status_code, answer.get_json()


def test_every_part_answers(site):
    assert health(site) == (200, {"status": "ok", "checks": ALL_OK})


def test_a_workspace_volume_gone_is_503_naming_it(site):
    locales = site.root / "locales"
    locales.rename(site.root / "elsewhere")
    try:
        code, said = health(site)
    finally:
        (site.root / "elsewhere").rename(locales)
    assert code == 503 and said == {"status": "failing", "checks": {**ALL_OK, "workspace": "catalogs not writable"}}
    assert health(site)[0] == 200


def test_a_database_that_cannot_be_read_is_503(site):
    db = site.store.path
    kept = db.read_bytes()
    site.store.close()
    db.write_bytes(b"this is no database" * 100)
    try:
        code, said = health(site)
    finally:
        site.store.close()
        db.write_bytes(kept)
    assert code == 503 and said["checks"] == {**ALL_OK, "database": "unreadable"}
    assert health(site)[0] == 200


@pytest.mark.skipif(not Path(REDIS_SERVER).exists(), reason="needs redis-server (scripts/setup test)")
def test_the_redis_queue_down_is_503_and_up_again_is_200(site, tmp_path, monkeypatch):
    pytest.importorskip("redis")
    with Redis(tmp_path / "redis") as redis:
        monkeypatch.setenv("LOCALIZE_QUEUE", redis.url)
        assert health(site) == (200, {"status": "ok", "checks": ALL_OK})
        redis.stop()
        code, said = health(site)
        assert code == 503 and said["checks"] == {**ALL_OK, "queue": "unreachable"}
        redis.start()
        assert health(site)[0] == 200


def test_a_queue_that_is_not_redis_is_503_without_its_password(site, monkeypatch):
    monkeypatch.setenv("LOCALIZE_QUEUE", "mysql://root:hunter2@db/queue")
    answer = site.app.test_client().get("/healthz")
    assert answer.status_code == 503 and answer.get_json()["checks"]["queue"] == "not set up"
    assert "hunter2" not in answer.get_data(as_text=True)
