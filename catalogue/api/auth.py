"""Bearer-token authentication for the API."""

from __future__ import annotations

from flask import g, request
from flask_smorest import abort

from catalogue import accounts, db
from catalogue.models import User

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="catalogue"'}


def current_user() -> User | None:
    """The user whose token came with the request; None when no token was sent.

    A token that was sent but is wrong, revoked or malformed is refused with 401
    rather than treated as anonymous, so a client never mistakes a broken
    credential for a successful read of the public view.
    """
    if "api_user" not in g:
        g.api_user = _authenticate(request.headers.get("Authorization"))
    return g.api_user


def _authenticate(header: str | None) -> User | None:
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        abort(401, message="Send your token as 'Authorization: Bearer <token>'.", headers=CHALLENGE)
    user = accounts.user_for_token(db.session(), token.strip())
    if user is None:
        abort(401, message="This token is not valid: it may be mistyped or revoked. Ask an administrator for a new one.", headers=CHALLENGE)
    return user


def require_user() -> User:
    user = current_user()
    if user is None:
        abort(401, message="This needs an API token: send 'Authorization: Bearer <token>'.", headers=CHALLENGE)
    return user
