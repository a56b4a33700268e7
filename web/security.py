"""Response headers every answer carries: a content security policy, no sniffing, no framing."""

from __future__ import annotations

from flask import Flask, Response

# The UI's own pages: scripts and styles from /static only, frames of this site only (the preview).
UI_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
             "frame-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
             "frame-ancestors 'none'; object-src 'none'")
# An article preview: no script at all, whatever the article holds; framed by this site only.
PREVIEW_POLICY = ("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                  "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox allow-same-origin")


def init_app(app: Flask) -> None:
    app.after_request(_headers)


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", UI_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if "frame-ancestors 'self'" not in response.headers["Content-Security-Policy"]:
        response.headers.setdefault("X-Frame-Options", "DENY")
    else:
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    return response
