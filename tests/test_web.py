"""The web face: the app factory starts and answers."""

from web import create_app


def test_app_factory_starts_and_answers():
    app = create_app({"TESTING": True, "SECRET_KEY": "test"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_secret_key_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("LOCALIZE_SECRET_KEY", "from-env")
    assert create_app().config["SECRET_KEY"] == "from-env"
    monkeypatch.delenv("LOCALIZE_SECRET_KEY")
    assert create_app().config["SECRET_KEY"] is None
