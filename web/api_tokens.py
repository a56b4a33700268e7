"""The API's token routes besides making one: list your tokens, revoke one (on the API blueprint)."""

from __future__ import annotations

from flask import current_app, jsonify

from localize.accounts import NoToken
from localize.review import NotFound

from .api import _user, bp


@bp.get("/tokens")
def list_tokens():
    """The caller's tokens, newest first: label, id, dates, state; never a token itself."""
    found = current_app.extensions["localize"].store.tokens(_user().name)
    return jsonify(user=_user().name, tokens=[t.as_dict() for t in found])


@bp.delete("/tokens/<token_id>")
def revoke_token(token_id: str):
    """Revoke one of the caller's tokens → the token as listed; 404 for a token of nobody or of another."""
    try:
        made = current_app.extensions["localize"].store.revoke_token(_user().name, token_id[:64])
    except NoToken:
        raise NotFound(f"you have no API token {token_id[:64]!r}") from None
    return jsonify(token=made.as_dict())
